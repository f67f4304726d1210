#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: proget_license
short_description: Manage ProGet license definitions and their license files
version_added: 0.1.0
description:
  - Create, update and delete license definitions through ProGet's Licenses API C(/api/licenses), used by ProGet's
    license detection and policies.
  - Only the options you set are managed; options left out keep the value they have on the server.
  - Lists (O(spdx), O(urls), O(package_names), O(purls), O(files)) replace what the server has; an empty list clears
    it. They are compared without order (O(spdx) and O(package_names) also without case).
  - ProGet has no API to read one license; the module lists the licenses and finds O(code) (one request for a no-op).
author:
  - cac.proget maintainers (@cac-proget)
extends_documentation_fragment:
  - cac.proget.connection
  - cac.proget.attributes
options:
  code:
    description:
      - The license's unique id, usually its SPDX id (V(MIT), V(Apache-2.0)). Matched case-insensitively.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the license, V(absent) deletes it (with its license files).
    type: str
    choices: [present, absent]
    default: present
  title:
    description:
      - Friendly name of the license. Required to create one.
    type: str
  spdx:
    description:
      - SPDX identifiers that map to this license.
    type: list
    elements: str
  urls:
    description:
      - License URLs that map to this license. ProGet stores them without the scheme, so V(https://x.org/l) and
        V(x.org/l) are the same URL.
    type: list
    elements: str
  package_names:
    description:
      - Names of packages known to use this license.
    type: list
    elements: str
  purls:
    description:
      - Package URLs of specific package versions known to use this license, for example V(pkg:nuget/Foo@1.2.3).
    type: list
    elements: str
  files:
    description:
      - Local license files (on the machine running the module) attached to the license.
      - Compared by SHA-256 with the license's C(hashes); a file is uploaded only when its hash is missing, and
        files attached on the server but not listed are removed. Left out, the attached files are not managed.
      - A path that does not exist fails before any write.
    type: list
    elements: path
seealso:
  - module: cac.proget.proget_license_info
'''

EXAMPLES = r'''
- name: The MIT license, detected by SPDX id and URL
  cac.proget.proget_license:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    code: MIT
    title: MIT License
    spdx: [MIT]
    urls:
      - https://opensource.org/licenses/MIT
      - spdx.org/licenses/MIT.html

- name: An in-house license with its text attached
  cac.proget.proget_license:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    code: ACME-EULA
    title: ACME End User License
    package_names: [Acme.Core, Acme.Client]
    purls: ["pkg:nuget/Acme.Legacy@1.0.0"]
    files: ["{{ license_file }}"]

- name: Remove a license
  cac.proget.proget_license:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    code: OLD-LICENSE
    state: absent
'''

RETURN = r'''
license:
  description:
    - The license as ProGet lists it after the change (ProGet's camelCase fields); in check mode, the expected result.
      Empty after a deletion.
  returned: always
  type: dict
  sample:
    id: 12
    code: MIT
    title: MIT License
    spdx: [MIT]
    urls: [opensource.org/licenses/MIT, spdx.org/licenses/MIT.html]
    packageNames: []
    purls: []
    hashes: []
action:
  description: What was done (or would be done in check mode).
  returned: always
  type: str
  choices: [create, update, delete, none]
  sample: update
'''

from ansible_collections.cac.proget.plugins.module_utils.licenses import LicenseResource
from ansible_collections.cac.proget.plugins.module_utils.module import run_resource_module


def main():
    run_resource_module(LicenseResource())


if __name__ == '__main__':
    main()
