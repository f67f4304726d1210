#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: proget_setting
short_description: Set a ProGet server setting
version_added: 0.1.0
description:
  - Sets one of ProGet's settings (Administration > Advanced Settings), for example C(Web.BaseUrl),
    C(FeedRetentionDryRun) or the license key C(Licensing.Key), through ProGet's settings API
    (C(GET /api/settings/list?showAll=True), C(POST /api/settings/set)).
  - The value is compared as text, normalised by the setting's C(valueType) (V(Boolean) ignores case, so
    V(true) equals V(True); V(Integer) compares numbers); a setting that already has the value is not
    written.
  - Secret values (C(Licensing.Key), names containing C(Password), C(Secret), C(Token), C(ApiKey) or
    C(ConnectionString), and any setting with O(secret=true)) never appear in results, diffs, errors or
    verbose output; they show as C(<secret>) (unchanged) or C(<changed>).
  - A no-op run sends one request (the list of settings).
author:
  - cac.proget maintainers (@cac-proget)
extends_documentation_fragment:
  - cac.proget.connection
  - cac.proget.attributes
options:
  name:
    description:
      - Name of the setting, matched case-insensitively, for example V(Web.BaseUrl).
      - A name ProGet does not know yet is created (ProGet's documented behaviour).
    type: str
    required: true
  value:
    description:
      - The value. Booleans and numbers are sent as text (V(true) as C(True)); an empty string clears the
        setting.
      - Must be V(true)/V(false) for settings of type Boolean and an integer for settings of type Integer; other
        values fail before any write.
    type: raw
    required: true
  secret:
    description:
      - Treat the value as a secret (never shown). C(Licensing.Key) and names that look like secrets are
        always treated so.
    type: bool
    default: false
notes:
  - Settings cannot be deleted through ProGet's API; there is no C(state) option.
  - ProGet returns setting values in clear text to administrators, so secret values can be compared and
    a no-op run reports no change.
seealso:
  - module: cac.proget.proget_server_info
'''

EXAMPLES = r'''
- name: The URL ProGet shows in links (set it when the external port differs)
  cac.proget.proget_setting:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    name: Web.BaseUrl
    value: https://proget.example.com/

- name: Run retention rules as a dry run only
  cac.proget.proget_setting:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    name: FeedRetentionDryRun
    value: true

- name: The license key (never printed)
  cac.proget.proget_setting:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    name: Licensing.Key
    value: "{{ proget_license_key }}"
'''

RETURN = r'''
setting:
  description:
    - The setting after the change (C(name), C(value), C(description), C(valueType) as ProGet lists it; in check
      mode the expected result). A secret value is replaced by C(<secret>).
  returned: always
  type: dict
  sample:
    name: Web.BaseUrl
    value: https://proget.example.com/
    valueType: Text
    description: The absolute URL of the web application, used when generating links.
action:
  description: What was done (or would be done in check mode).
  returned: always
  type: str
  choices: [create, update, none]
  sample: update
'''

from ansible_collections.cac.proget.plugins.module_utils.module import run_resource_module
from ansible_collections.cac.proget.plugins.module_utils.settings import SettingResource


def main():
    run_resource_module(SettingResource())


if __name__ == '__main__':
    main()
