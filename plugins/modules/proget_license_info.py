#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: proget_license_info
short_description: List ProGet license definitions or get one
version_added: 0.1.0
description:
  - Returns the license definitions of a ProGet server as ProGet lists them, or the one with a code.
author:
  - cac.proget maintainers (@cac-proget)
extends_documentation_fragment:
  - cac.proget.connection
  - cac.proget.attributes.info_module
options:
  code:
    description:
      - Code of one license (case-insensitive). Without it, every license is returned.
      - A license that does not exist gives an empty list, not an error.
    type: str
seealso:
  - module: cac.proget.proget_license
'''

EXAMPLES = r'''
- name: All licenses
  cac.proget.proget_license_info:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
  register: all_licenses

- name: One license
  cac.proget.proget_license_info:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    code: mit
  register: mit

- name: Show the SHA-256 of its license files
  ansible.builtin.debug:
    msg: "{{ mit.licenses | map(attribute='hashes') | flatten }}"
'''

RETURN = r'''
licenses:
  description: The licenses, as ProGet lists them (camelCase fields).
  returned: always
  type: list
  elements: dict
  sample:
    - id: 12
      code: MIT
      title: MIT License
      spdx: [MIT]
      urls: [opensource.org/licenses/MIT]
      packageNames: []
      purls: []
      hashes: [8b1a9953c4611296a827abf8c47804d7e6c49c6b6f0a1b2a3e8d2b9c1f0e3d4a]
'''

from ansible_collections.cac.proget.plugins.module_utils.licenses import LicenseResource
from ansible_collections.cac.proget.plugins.module_utils.module import ProGetModule


def main():
    module = ProGetModule(argument_spec=dict(code=dict(type='str')), supports_check_mode=True)
    licenses = module.find_objects(LicenseResource(), module.params['code'])
    module.exit_json(changed=False, licenses=licenses)


if __name__ == '__main__':
    main()
