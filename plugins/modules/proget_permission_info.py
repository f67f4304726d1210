#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: proget_permission_info
short_description: List ProGet permissions and restrictions
version_added: 0.2.0
description:
  - Returns the permissions and restrictions of a ProGet server as ProGet's Security API lists them, each with its
    C(id), optionally only those of one user, group, task or feed.
  - The filters are compared case-insensitively, and all of those given must match.
author:
  - cac.proget maintainers (@cac-proget)
extends_documentation_fragment:
  - cac.proget.connection
  - cac.proget.attributes.info_module
  - cac.proget.security
options:
  user:
    description:
      - Only the permissions of this user (for example V(Anonymous)); not those of the user's groups.
    type: str
  group:
    description:
      - Only the permissions of this group.
    type: str
  task:
    description:
      - Only the permissions of this task.
    type: str
  feed:
    description:
      - Only the permissions scoped to this feed (not those for every feed or for a feed group).
    type: str
seealso:
  - module: cac.proget.proget_permission
  - module: cac.proget.proget_task_info
'''

EXAMPLES = r'''
- name: All permissions and restrictions
  cac.proget.proget_permission_info:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
  register: all_permissions

- name: Who may administer the server
  cac.proget.proget_permission_info:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    task: Administer
  register: administer

- name: Warn when anonymous users may administer it
  ansible.builtin.debug:
    msg: Anonymous users are administrators of this ProGet
  when: >-
    administer.permissions | selectattr('user', 'defined') | selectattr('user', 'equalto', 'Anonymous')
    | rejectattr('deny') | list | length > 0
'''

RETURN = r'''
permissions:
  description:
    - The permissions and restrictions, as ProGet returns them (camelCase fields). Each has C(id), C(task), C(deny),
      one of C(user) and C(group), and at most one of C(feed) and C(feedGroup) (neither = every feed and the server).
  returned: always
  type: list
  elements: dict
  sample:
    - {id: 1, group: Administrators, task: Administer, deny: false}
    - {id: 12, group: Developers, task: Publish Packages, feed: internal-nuget, deny: false}
    - {id: 13, user: Anonymous, task: View & Download Packages, feedGroup: internal, deny: true}
'''

from ansible_collections.cac.proget.plugins.module_utils.module import ProGetModule
from ansible_collections.cac.proget.plugins.module_utils.security import PermissionResource

FILTERS = ('user', 'group', 'task', 'feed')


def main():
    module = ProGetModule(argument_spec=dict((name, dict(type='str')) for name in FILTERS), supports_check_mode=True)
    resource = PermissionResource()
    permissions = module.find_objects(resource)
    for name in FILTERS:
        wanted = module.params[name]
        if wanted:
            permissions = [p for p in permissions if resource.same_ident(p.get(name), wanted)]
    module.exit_json(changed=False, permissions=permissions)


if __name__ == '__main__':
    main()
