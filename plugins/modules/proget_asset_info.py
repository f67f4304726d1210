#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: proget_asset_info
short_description: List a folder of a ProGet asset directory, or get one item's metadata
version_added: 0.1.0
description:
  - Without O(path) or with a folder O(path) and O(list=true), lists the items of the folder (one request).
  - With O(path) and O(list=false) (the default), returns the metadata of that file or folder (type, size,
    hashes, user metadata, cache header).
author:
  - cac.proget maintainers (@cac-proget)
extends_documentation_fragment:
  - cac.proget.connection
  - cac.proget.attributes.info_module
options:
  feed:
    description:
      - Name of the asset directory.
    type: str
    required: true
  path:
    description:
      - Path of a file or folder inside the asset directory. Omitted, empty or null = the root folder (listed).
    type: str
  list:
    description:
      - List the folder at O(path) instead of returning its own metadata.
    type: bool
    default: false
  recursive:
    description:
      - When listing, include everything below the folder, not only its direct children.
    type: bool
    default: false
seealso:
  - module: cac.proget.proget_asset
'''

EXAMPLES = r'''
- name: Everything in an asset directory
  cac.proget.proget_asset_info:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    feed: installers
    recursive: true
  register: all_assets

- name: Metadata of one file
  cac.proget.proget_asset_info:
    url: https://proget.example.com
    feed: installers
    path: app/app-1.2.0.tar.gz
  register: one

- name: The files directly in a folder
  cac.proget.proget_asset_info:
    url: https://proget.example.com
    feed: installers
    path: app
    list: true
  register: app_folder
'''

RETURN = r'''
entries:
  description:
    - The items listed (AssetDirectoryItem as ProGet returns them, plus C(path), the full path).
    - Empty when the folder does not exist. The module fails when the asset directory itself does not exist.
    - The same list is also returned as C(items), its name before version 0.2.0, which is deprecated and will be
      removed in version 1.0.0 (C(result.items) is the dict method in Jinja, only C(result['items']) worked).
  returned: when listing
  type: list
  elements: dict
  sample:
    - name: app-1.2.0.tar.gz
      parent: /app
      path: app/app-1.2.0.tar.gz
      type: application/gzip
      size: 10485760
      sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
asset:
  description: The item's metadata (with C(path)); empty when it does not exist.
  returned: when not listing
  type: dict
exists:
  description: Whether the item exists; when listing, whether the folder is the root or has items.
  returned: always
  type: bool
'''

from ansible_collections.cac.proget.plugins.module_utils.assets import check_asset_feed, clean_path, get_item, list_items
from ansible_collections.cac.proget.plugins.module_utils.client import ProGetError
from ansible_collections.cac.proget.plugins.module_utils.engine import ValidationError
from ansible_collections.cac.proget.plugins.module_utils.module import ProGetModule


def main():
    module = ProGetModule(argument_spec=dict(
        feed=dict(type='str', required=True),
        # no default: a null path (`default(none)`) is the root on every ansible-core (a str option with a
        # default turns null into '' on 2.19+ but is an error on 2.16-2.18)
        path=dict(type='str'),
        list=dict(type='bool', default=False),
        recursive=dict(type='bool', default=False),
    ), supports_check_mode=True)
    p = module.params
    try:
        path = clean_path(p['path'] or '', allow_empty=True)
        if not path or p['list']:
            items = list_items(module.client, p['feed'], path, recursive=p['recursive'])
            if not items:
                check_asset_feed(module.client, p['feed'])  # a missing asset directory is an error
            # `items`: the name before 0.2.0 (deprecated, removed in 1.0.0; `result.items` is dict.items in Jinja)
            module.exit_json(changed=False, entries=items, items=items, exists=bool(items) or not path)
        item = get_item(module.client, p['feed'], path)
        if item is None:
            check_asset_feed(module.client, p['feed'])
        module.exit_json(changed=False, asset=item or {}, exists=item is not None)
    except (ProGetError, ValidationError) as e:
        module.fail_error(e)


if __name__ == '__main__':
    main()
