#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: proget_feed_info
short_description: List ProGet feeds or get one
version_added: 0.1.0
description:
  - Returns the feeds (and asset directories) of a ProGet server as ProGet describes them, or one feed by name.
  - ProGet lists only the feeds the caller may view.
author:
  - cac.proget maintainers (@cac-proget)
extends_documentation_fragment:
  - cac.proget.connection
  - cac.proget.attributes.info_module
options:
  name:
    description:
      - Name of one feed (case-insensitive). Without it, every feed is returned.
      - A feed that does not exist gives an empty RV(feeds), not an error.
    type: str
  type:
    description:
      - Return only feeds of this type (case-insensitive), for example V(nuget) or V(asset).
    type: str
seealso:
  - module: cac.proget.proget_feed
'''

EXAMPLES = r'''
- name: All feeds
  cac.proget.proget_feed_info:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
  register: all_feeds

- name: One feed
  cac.proget.proget_feed_info:
    url: https://proget.example.com
    name: internal-nuget
  register: one

- name: Fail when the feed is missing
  ansible.builtin.assert:
    that: one.feeds | length == 1

- name: Asset directories only
  cac.proget.proget_feed_info:
    url: https://proget.example.com
    type: asset
  register: asset_dirs
'''

RETURN = r'''
feeds:
  description: The feeds, as ProGet returns them (camelCase fields).
  returned: always
  type: list
  elements: dict
  sample:
    - name: internal-nuget
      feedType: nuget
      active: true
      connectors: [nuget.org]
      retentionRules: []
      variables: {}
'''

from ansible_collections.cac.proget.plugins.module_utils.feeds import FeedResource
from ansible_collections.cac.proget.plugins.module_utils.module import ProGetModule


def main():
    module = ProGetModule(argument_spec=dict(name=dict(type='str'), type=dict(type='str')),
                          supports_check_mode=True)
    feeds = module.find_objects(FeedResource(), module.params['name'], module.params['type'])
    module.exit_json(changed=False, feeds=feeds)


if __name__ == '__main__':
    main()
