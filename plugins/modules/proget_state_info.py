#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: proget_state_info
short_description: Export a live ProGet server as a state document
version_added: 0.1.0
description:
  - Reads every kind that M(cac.proget.proget_state) manages (one list request per kind) and returns
    it as a state document, in the same form M(cac.proget.proget_state) takes.
  - Applying the returned RV(document) to the same server changes nothing, so an existing ProGet can be
    brought under Git in minutes.
  - Secrets (connector passwords, API key secrets, the license key) are never returned by ProGet or
    by this module; RV(secrets_omitted) lists the paths where the document leaves one out.
author:
  - cac.proget maintainers (@cac-proget)
extends_documentation_fragment:
  - cac.proget.connection
  - cac.proget.attributes.info_module
options: {}
seealso:
  - module: cac.proget.proget_state
'''

EXAMPLES = r'''
- name: Export the server
  cac.proget.proget_state_info:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
  register: live

- name: Write it as YAML, ready to commit
  ansible.builtin.copy:
    content: "{{ live.document | to_nice_yaml(indent=2, sort_keys=false) }}"
    dest: "{{ playbook_dir | default('.') }}/proget-export.yml"
    mode: "0644"
  delegate_to: localhost
'''

RETURN = r'''
document:
  description: The server as a state document (keys C(feeds), ...), objects sorted by name.
  returned: always
  type: dict
  sample:
    feeds:
      - name: internal-nuget
        type: nuget
        active: true
        retention_rules:
          - keep_versions_count: 10
secrets_omitted:
  description: Paths of the write-only values (secrets) that ProGet never returns and the document leaves out.
  returned: always
  type: list
  elements: str
  sample: ["connectors[0].password"]
'''

from ansible_collections.cac.proget.plugins.module_utils.client import ProGetError
from ansible_collections.cac.proget.plugins.module_utils.module import ProGetModule
from ansible_collections.cac.proget.plugins.module_utils.state import export


def main():
    module = ProGetModule(argument_spec={}, supports_check_mode=True)
    try:
        document, omitted = export(module.client)
    except ProGetError as e:
        module.fail_error(e)
    module.exit_json(changed=False, document=document, secrets_omitted=omitted)


if __name__ == '__main__':
    main()
