#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: proget_group_info
short_description: List the groups of ProGet's built-in user directory or get one
version_added: 0.2.0
description:
  - Returns the groups of ProGet's built-in user directory, with their members, as ProGet's Security API lists them,
    or one group by name.
author:
  - cac.proget maintainers (@cac-proget)
extends_documentation_fragment:
  - cac.proget.connection
  - cac.proget.attributes.info_module
  - cac.proget.security
options:
  name:
    description:
      - Name of one group (case-insensitive). Without it, every group is returned.
      - A group that does not exist gives an empty RV(groups) list, not an error.
    type: str
notes:
  - Groups of LDAP/Active Directory or SAML user directories are not listed.
seealso:
  - module: cac.proget.proget_group
  - module: cac.proget.proget_user_info
'''

EXAMPLES = r'''
- name: All groups
  cac.proget.proget_group_info:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
  register: all_groups

- name: The administrators
  cac.proget.proget_group_info:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    name: Administrators
  register: admins

- name: Show them
  ansible.builtin.debug:
    msg: "Administrators: {{ admins.groups[0].users | join(', ') }}"
  when: admins.groups | length == 1
'''

RETURN = r'''
groups:
  description: The groups, as ProGet returns them (C(name) and C(users), the member names).
  returned: always
  type: list
  elements: dict
  sample:
    - name: Administrators
      users: [Admin]
    - name: Developers
      users: [alice, bob]
'''

from ansible_collections.cac.proget.plugins.module_utils.module import ProGetModule
from ansible_collections.cac.proget.plugins.module_utils.security import GroupResource


def main():
    module = ProGetModule(argument_spec=dict(name=dict(type='str')), supports_check_mode=True)
    groups = module.find_objects(GroupResource(), module.params['name'])
    module.exit_json(changed=False, groups=groups)


if __name__ == '__main__':
    main()
