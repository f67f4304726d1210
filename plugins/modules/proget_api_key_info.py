#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: proget_api_key_info
short_description: List ProGet API keys, without their secrets
version_added: 0.1.0
description:
  - Returns the API keys of a ProGet server as ProGet describes them, or those with one display name.
  - B(Never returns a secret), even when ProGet stores keys in plain text and shows them.
author:
  - cac.proget maintainers (@cac-proget)
extends_documentation_fragment:
  - cac.proget.connection
  - cac.proget.attributes.info_module
options:
  name:
    description:
      - Display name of the keys to return (case-insensitive). Without it, every key is returned.
    type: str
  type:
    description:
      - Return only keys of this type (case-insensitive).
    type: str
    choices: [system, feed, personal, other]
seealso:
  - module: cac.proget.proget_api_key
'''

EXAMPLES = r'''
- name: All API keys
  cac.proget.proget_api_key_info:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
  register: keys

- name: Feed keys only
  cac.proget.proget_api_key_info:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    type: feed
  register: feed_keys

- name: Ids of the keys named build-server
  ansible.builtin.debug:
    msg: "{{ (keys.api_keys | selectattr('displayName', 'equalto', 'build-server') | map(attribute='id')) | list }}"
'''

RETURN = r'''
api_keys:
  description: The keys, as ProGet returns them (camelCase fields), without C(key).
  returned: always
  type: list
  elements: dict
  sample:
    - id: 1004
      type: Feed
      displayName: build-server
      feed: internal-nuget
      packagePermissions: [view, add]
      expiration: null
      logging: None
'''

from ansible_collections.cac.proget.plugins.module_utils.api_keys import ApiKeyResource
from ansible_collections.cac.proget.plugins.module_utils.module import ProGetModule


def main():
    module = ProGetModule(argument_spec=dict(
        name=dict(type='str'), type=dict(type='str', choices=['system', 'feed', 'personal', 'other'])),
        supports_check_mode=True)
    resource = ApiKeyResource()
    # listed, not resource.get(): several keys may share a display name, and all are shown
    keys = module.find_objects(resource, type_filter=module.params['type'])
    if module.params['name']:
        keys = [k for k in keys if resource.same_ident(k.get('displayName'), module.params['name'])]
    module.exit_json(changed=False, api_keys=keys)


if __name__ == '__main__':
    main()
