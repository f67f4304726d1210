#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: proget_permission
short_description: Grant or restrict a ProGet task to a user or a group
version_added: 0.2.0
description:
  - Add and delete permissions and restrictions through ProGet's Security API C(/api/security/permissions). A
    permission grants a task (M(cac.proget.proget_task)) to a user or a group, on one feed, one feed group, or every
    feed and the whole server; a restriction (O(deny=true)) denies it.
  - ProGet keeps only a server id for a permission, so there is no name. The module lists the permissions and looks
    for one that matches all of O(user) or O(group), O(task), O(feed) or O(feed_group), and O(deny)
    (names case-insensitively). A permission is added or deleted, never changed; to change one, declare the old one
    with O(state=absent) and the new one.
  - The user, group, task and feed must exist (with M(cac.proget.proget_state), or be declared in the same document);
    this is checked before any write.
  - A no-op run sends one request (the list of permissions).
author:
  - cac.proget maintainers (@cac-proget)
extends_documentation_fragment:
  - cac.proget.connection
  - cac.proget.attributes
  - cac.proget.security
options:
  user:
    description:
      - The user the permission applies to. Set exactly one of O(user) and O(group).
      - ProGet's virtual users V(Anonymous), V(Everyone) and V(Authenticated) are accepted.
    type: str
  group:
    description:
      - The group whose members the permission applies to. Set exactly one of O(user) and O(group).
    type: str
  task:
    description:
      - The task granted (or denied), for example V(View & Download Packages), V(Publish Packages) or V(Administer).
      - For a permission scoped to a feed or a feed group, every attribute of the task must be feed-scopable
        (C(feedScoped) in M(cac.proget.proget_task_info)); ProGet refuses the others.
    type: str
    required: true
  feed:
    description:
      - The feed the permission is scoped to. Set at most one of O(feed) and O(feed_group); with neither, the
        permission applies to every feed and the whole server.
    type: str
  feed_group:
    description:
      - The feed group the permission is scoped to. Feed groups are not managed by ProGet's API (create them in
        ProGet's UI); a permission can still name one.
    type: str
  deny:
    description:
      - V(true) makes it a restriction, which denies the task rather than granting it.
    type: bool
    default: false
  state:
    description:
      - V(present) adds the permission when none matches; V(absent) deletes the one that matches.
    type: str
    choices: [present, absent]
    default: present
notes:
  - A new ProGet grants the virtual user C(Anonymous) the Administer task; once an administrator is declared, remove
    that permission (the last example).
seealso:
  - module: cac.proget.proget_permission_info
  - module: cac.proget.proget_task
  - module: cac.proget.proget_group
  - module: cac.proget.proget_state
'''

EXAMPLES = r'''
- name: A feed (the permissions below name it)
  cac.proget.proget_feed:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    name: internal-nuget
    type: nuget

- name: The group
  cac.proget.proget_group:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    name: Developers

- name: Developers may publish to internal-nuget
  cac.proget.proget_permission:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    group: Developers
    task: Publish Packages
    feed: internal-nuget

- name: Every signed-in user may view and download every feed
  cac.proget.proget_permission:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    user: Authenticated
    task: View & Download Packages

- name: But anonymous users may not view internal-nuget (a restriction)
  cac.proget.proget_permission:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    user: Anonymous
    task: View & Download Packages
    feed: internal-nuget
    deny: true

- name: Change a permission (Publish -> Manage Feed) - delete the old one...
  cac.proget.proget_permission:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    group: Developers
    task: Publish Packages
    feed: internal-nuget
    state: absent

- name: ...and add the new one
  cac.proget.proget_permission:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    group: Developers
    task: Manage Feed
    feed: internal-nuget

- name: Anonymous users are no longer administrators of the server
  cac.proget.proget_permission:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    user: Anonymous
    task: Administer
    state: absent
'''

RETURN = r'''
permission:
  description:
    - The permission as ProGet returns it (ProGet's camelCase field names); in check mode, the expected result
      (without C(id) for a permission not yet added). Only one of C(user) and C(group), and at most one of C(feed)
      and C(feedGroup), are present. Empty after a deletion.
  returned: always
  type: dict
  contains:
    id:
      description: ProGet's id of the permission.
      type: int
    user:
      description: The user it applies to.
      type: str
    group:
      description: The group it applies to.
      type: str
    task:
      description: The task granted or denied.
      type: str
    feed:
      description: The feed it is scoped to.
      type: str
    feedGroup:
      description: The feed group it is scoped to.
      type: str
    deny:
      description: Whether it is a restriction.
      type: bool
  sample:
    id: 12
    group: Developers
    task: Publish Packages
    feed: internal-nuget
    deny: false
action:
  description: What was done (or would be done in check mode). A permission is never updated.
  returned: always
  type: str
  choices: [create, delete, none]
  sample: create
'''

from ansible_collections.cac.proget.plugins.module_utils.module import run_resource_module
from ansible_collections.cac.proget.plugins.module_utils.security import PermissionResource


def main():
    run_resource_module(PermissionResource())


if __name__ == '__main__':
    main()
