#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: proget_connector_info
short_description: List ProGet connectors or get one
version_added: 0.1.0
description:
  - Returns the connectors of a ProGet server as ProGet describes them, or one connector by name.
  - Passwords are never returned (ProGet does not return them).
  - With O(feeds=true), each connector also lists the feeds that use it.
author:
  - cac.proget maintainers (@cac-proget)
extends_documentation_fragment:
  - cac.proget.connection
  - cac.proget.attributes.info_module
options:
  name:
    description:
      - Name of one connector (case-insensitive). Without it, every connector is returned.
      - A connector that does not exist gives an empty RV(connectors) list, not an error.
    type: str
  type:
    description:
      - Return only connectors of this feed type (case-insensitive), for example V(nuget) or V(npm).
    type: str
  feeds:
    description:
      - Add C(feeds), the names of the feeds that use each connector (one more request, a list of the feeds).
    type: bool
    default: false
seealso:
  - module: cac.proget.proget_connector
'''

EXAMPLES = r'''
- name: All connectors
  cac.proget.proget_connector_info:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
  register: all_connectors

- name: One connector, with the feeds that use it
  cac.proget.proget_connector_info:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    name: nuget.org
    feeds: true
  register: one

- name: Show where it is used
  ansible.builtin.debug:
    msg: "nuget.org is used by {{ one.connectors[0].feeds | join(', ') }}"
  when: one.connectors | length == 1
'''

RETURN = r'''
connectors:
  description: The connectors, as ProGet returns them (camelCase fields), without passwords.
  returned: always
  type: list
  elements: dict
  sample:
    - name: nuget.org
      feedType: nuget
      url: https://nuget.example.com/v3/index.json
      timeout: 10
      username: null
      filters: []
      metadataCacheEnabled: false
      metadataCacheMinutes: 30
      metadataCacheCount: 100
      feeds: [internal-nuget]
'''

from ansible_collections.cac.proget.plugins.module_utils.client import ProGetError
from ansible_collections.cac.proget.plugins.module_utils.connectors import ConnectorResource
from ansible_collections.cac.proget.plugins.module_utils.feeds import FeedResource
from ansible_collections.cac.proget.plugins.module_utils.module import ProGetModule


def main():
    module = ProGetModule(argument_spec=dict(name=dict(type='str'), type=dict(type='str'),
                                             feeds=dict(type='bool', default=False)),
                          supports_check_mode=True)
    resource = ConnectorResource()
    connectors = module.find_objects(resource, module.params['name'], module.params['type'])
    if module.params['feeds'] and connectors:
        try:
            feeds = FeedResource().list(module.client)
        except ProGetError as e:
            module.fail_error(e)
        for connector in connectors:
            connector['feeds'] = [f.get('name') for f in feeds
                                  if any(resource.same_ident(n, connector.get('name')) for n in f.get('connectors') or [])]
    module.exit_json(changed=False, connectors=connectors)


if __name__ == '__main__':
    main()
