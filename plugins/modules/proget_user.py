#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: proget_user
short_description: Manage users of ProGet's built-in user directory
version_added: 0.2.0
description:
  - Create, update and delete users of ProGet's built-in user directory through ProGet's Security API
    C(/api/security/users).
  - Only the options you set are managed; options left out keep the value they have on the server.
  - Group membership is declared on the groups, with O(cac.proget.proget_group#module:members) of
    M(cac.proget.proget_group); RV(user.groups) shows the groups a user is in.
  - What a user may do is declared with M(cac.proget.proget_permission).
  - A no-op run sends one request (the list of users).
author:
  - cac.proget maintainers (@cac-proget)
extends_documentation_fragment:
  - cac.proget.connection
  - cac.proget.attributes
  - cac.proget.security
options:
  name:
    description:
      - User name in ProGet's built-in user directory, matched case-insensitively.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the user; V(absent) deletes it.
      - ProGet's built-in C(Admin) user is never deleted; V(absent) for it fails before any request that writes.
    type: str
    choices: [present, absent]
    default: present
  display_name:
    description:
      - Display name of the user.
    type: str
  email:
    description:
      - Email address of the user.
    type: str
  user_password:
    description:
      - Password of the user. Named O(user_password) because O(password) is the password that connects to ProGet.
      - Write-only, ProGet never returns it, so it cannot be compared; see O(update_password). It never appears in
        results, diffs or error messages.
    type: str
  update_password:
    description:
      - V(on_create) sends O(user_password) only when the user is created; later runs report no change for it.
      - V(always) sends it on every run and reports the user as changed (ProGet cannot tell whether it differs).
    type: str
    choices: [on_create, always]
    default: on_create
notes:
  - Users of LDAP/Active Directory or SAML user directories are not managed by ProGet's API.
seealso:
  - module: cac.proget.proget_user_info
  - module: cac.proget.proget_group
  - module: cac.proget.proget_permission
  - module: cac.proget.proget_state
'''

EXAMPLES = r'''
- name: A user, with an initial password from a vault (sent only when the user is created)
  cac.proget.proget_user:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    name: alice
    display_name: Alice Example
    email: alice@example.com
    user_password: "{{ vault_alice_password }}"

- name: Reset that password (sent every run; reported as changed)
  cac.proget.proget_user:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    name: alice
    user_password: "{{ vault_alice_password }}"
    update_password: always

- name: Put the user in a group (membership is declared on the group)
  cac.proget.proget_group:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    name: Developers
    members: [alice]
    members_mode: add

- name: Delete a user
  cac.proget.proget_user:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    name: former-colleague
    state: absent
'''

RETURN = r'''
user:
  description:
    - The user as ProGet returns it after the change (ProGet's camelCase field names); in check mode, the expected
      result. Never contains the password. Empty after a deletion.
  returned: always
  type: dict
  contains:
    name:
      description: User name.
      type: str
    displayName:
      description: Display name.
      type: str
    email:
      description: Email address.
      type: str
    groups:
      description: The groups the user is a member of.
      type: list
      elements: str
  sample:
    name: alice
    displayName: Alice Example
    email: alice@example.com
    groups: [Developers]
action:
  description: What was done (or would be done in check mode).
  returned: always
  type: str
  choices: [create, update, delete, none]
  sample: create
'''

from ansible_collections.cac.proget.plugins.module_utils.module import run_resource_module
from ansible_collections.cac.proget.plugins.module_utils.security import UserResource


def main():
    run_resource_module(UserResource())


if __name__ == '__main__':
    main()
