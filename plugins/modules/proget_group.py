#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: proget_group
short_description: Manage groups of ProGet's built-in user directory and their members
version_added: 0.2.0
description:
  - Create, update and delete groups of ProGet's built-in user directory, and their members, through ProGet's
    Security API C(/api/security/groups).
  - Group membership is declared here, not on the users (M(cac.proget.proget_user)).
  - ProGet's group update replaces the whole member list. With O(members_mode=add) or O(members_mode=remove) the
    module reads the current list and writes the merged one.
  - What the members of a group may do is declared with M(cac.proget.proget_permission) (O(cac.proget.proget_permission#module:group)).
  - A no-op run sends one request (the list of groups).
author:
  - cac.proget maintainers (@cac-proget)
extends_documentation_fragment:
  - cac.proget.connection
  - cac.proget.attributes
  - cac.proget.security
options:
  name:
    description:
      - Name of the group, matched case-insensitively.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the group; V(absent) deletes it.
      - ProGet's built-in C(Administrators) group is never deleted; V(absent) for it fails before any request that
        writes.
    type: str
    choices: [present, absent]
    default: present
  members:
    description:
      - User names (of the built-in directory), matched case-insensitively and compared without order.
      - Every user must exist (with M(cac.proget.proget_state), or be declared in the same document); this is
        checked before any write, and the error names the users that are missing.
      - What the list means depends on O(members_mode). Left out, the members are not managed.
    type: list
    elements: str
  members_mode:
    description:
      - V(replace) makes O(members) exactly the members of the group; V([]) removes every member.
      - V(add) makes sure the users of O(members) are members; other members stay.
      - V(remove) makes sure the users of O(members) are not members; other members stay.
    type: str
    choices: [replace, add, remove]
    default: replace
notes:
  - Groups of LDAP/Active Directory or SAML user directories are not managed by ProGet's API.
seealso:
  - module: cac.proget.proget_group_info
  - module: cac.proget.proget_user
  - module: cac.proget.proget_permission
  - module: cac.proget.proget_state
'''

EXAMPLES = r'''
- name: Two users
  cac.proget.proget_user:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    name: "{{ item }}"
  loop: [alice, bob]

- name: A group with exactly these members
  cac.proget.proget_group:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    name: Developers
    members: [alice, bob]

- name: Add a member, keep the others
  cac.proget.proget_group:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    name: Administrators
    members: [alice]
    members_mode: add

- name: Take a member out, keep the others
  cac.proget.proget_group:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    name: Developers
    members: [bob]
    members_mode: remove

- name: Delete a group
  cac.proget.proget_group:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    name: Contractors
    state: absent
'''

RETURN = r'''
group:
  description:
    - The group as ProGet returns it after the change; in check mode, the expected result. Empty after a deletion.
  returned: always
  type: dict
  contains:
    name:
      description: Name of the group.
      type: str
    users:
      description: The members (user names).
      type: list
      elements: str
  sample:
    name: Developers
    users: [alice, bob]
action:
  description: What was done (or would be done in check mode).
  returned: always
  type: str
  choices: [create, update, delete, none]
  sample: update
'''

from ansible_collections.cac.proget.plugins.module_utils.module import run_resource_module
from ansible_collections.cac.proget.plugins.module_utils.security import GroupResource


def main():
    run_resource_module(GroupResource())


if __name__ == '__main__':
    main()
