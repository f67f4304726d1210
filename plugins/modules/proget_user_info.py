#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: proget_user_info
short_description: List the users of ProGet's built-in user directory or get one
version_added: 0.2.0
description:
  - Returns the users of ProGet's built-in user directory as ProGet's Security API lists them, or one user by name,
    each with the groups it is a member of.
  - Passwords are never returned (ProGet does not return them).
author:
  - cac.proget maintainers (@cac-proget)
extends_documentation_fragment:
  - cac.proget.connection
  - cac.proget.attributes.info_module
  - cac.proget.security
options:
  name:
    description:
      - Name of one user (case-insensitive). Without it, every user is returned.
      - A user that does not exist gives an empty RV(users) list, not an error.
    type: str
notes:
  - Users of LDAP/Active Directory or SAML user directories are not listed.
seealso:
  - module: cac.proget.proget_user
  - module: cac.proget.proget_group_info
'''

EXAMPLES = r'''
- name: All users
  cac.proget.proget_user_info:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
  register: all_users

- name: One user
  cac.proget.proget_user_info:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    name: Admin
  register: admin

- name: Show its groups
  ansible.builtin.debug:
    msg: "Admin is in {{ admin.users[0].groups | join(', ') }}"
  when: admin.users | length == 1
'''

RETURN = r'''
users:
  description: The users, as ProGet returns them (camelCase fields), without passwords.
  returned: always
  type: list
  elements: dict
  sample:
    - name: Admin
      displayName: Administrator
      groups: [Administrators]
    - name: alice
      displayName: Alice Example
      email: alice@example.com
      groups: [Developers]
'''

from ansible_collections.cac.proget.plugins.module_utils.module import ProGetModule
from ansible_collections.cac.proget.plugins.module_utils.security import UserResource


def main():
    module = ProGetModule(argument_spec=dict(name=dict(type='str')), supports_check_mode=True)
    users = module.find_objects(UserResource(), module.params['name'])
    module.exit_json(changed=False, users=users)


if __name__ == '__main__':
    main()
