#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: proget_native_api
short_description: Call a method of ProGet's native API
version_added: 0.1.0
description:
  - Calls one method of ProGet's native API, C(POST /api/json/<method>) with O(arguments) as the JSON body.
    This is the escape hatch for what the HTTP API lacks.
  - The native API is a thin layer over ProGet's database procedures. Inedo does not document it and it may
    change in any release; your ProGet lists its methods and arguments at C(/reference/api)
    (Administration > Reference > API Methods). Prefer the other modules of this collection where they exist.
  - The API key is sent in the C(X-ApiKey) header like every request of the collection; it usually needs a
    System key with full control.
  - Methods whose name starts with C(<Area>_Get) (for example C(Feeds_GetFeeds)) are treated as reads; every
    other method as a write.
author:
  - cac.proget maintainers (@cac-proget)
extends_documentation_fragment:
  - cac.proget.connection
attributes:
  check_mode:
    support: partial
    description: Runs read methods only.
    details:
      - Read methods (C(*_Get*)) run in check mode; any other method is not called and the task is reported as
        skipped.
  diff_mode:
    support: none
    description: Returns no diff.
options:
  method:
    description:
      - Name of the native method, for example V(Feeds_GetFeeds) or V(Connectors_CreateOrUpdateConnector).
      - Only letters, digits and C(_).
    type: str
    required: true
  arguments:
    description:
      - Arguments by the procedure's parameter names, for example C(Feed_Name) or C(License_Id).
      - Values are strings, numbers, booleans or null. Indicator arguments (C(*_Indicator)) take V(Y) or V(N).
        C(Byte[]) arguments (for example C(Password_Bytes)) take base64 text.
      - Do not put the API key here (C(key), C(API_Key)); use O(api_key).
    type: dict
    default: {}
  secret_arguments:
    description:
      - Names of arguments in O(arguments) whose values are secrets; their values never appear in results,
        errors or verbose output.
    type: list
    elements: str
    default: []
notes:
  - RV(ignore:changed) is V(true) after calling a method that is not a read (ProGet does not say whether it changed
    anything) and V(false) after a read. Use C(changed_when) to refine it.
  - Errors carry the method name and ProGet's status and message.
seealso:
  - module: cac.proget.proget_feed
  - module: cac.proget.proget_connector
'''

EXAMPLES = r'''
- name: Feeds as the database sees them (a read; runs in check mode too)
  cac.proget.proget_native_api:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    method: Feeds_GetFeeds
    arguments:
      IncludeInactive_Indicator: Y
  register: native_feeds

- name: Connectors with their internal ids
  cac.proget.proget_native_api:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    method: Connectors_GetConnectors
  register: native_connectors

- name: Create a feed the native way (a write; skipped in check mode)
  cac.proget.proget_native_api:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    method: Feeds_CreateFeed
    arguments:
      Feed_Name: native-nuget
      FeedType_Name: nuget
  register: created
  changed_when: created.result is number
'''

RETURN = r'''
result:
  description:
    - What the method returned, parsed from JSON - a list of row objects keyed by column name (a table), one
      object (a row), a scalar (for example a new id), or null when the method returns nothing. Text that is not
      JSON is returned as a string.
  returned: when the method was called
  type: raw
  sample:
    - Feed_Id: 1
      Feed_Name: internal-nuget
      FeedType_Name: NuGet
      Active_Indicator: true
method:
  description: The method called.
  returned: always
  type: str
  sample: Feeds_GetFeeds
read:
  description: Whether the method is treated as a read (its name starts with C(<Area>_Get)).
  returned: always
  type: bool
  sample: true
'''

from ansible_collections.cac.proget.plugins.module_utils.client import ProGetError
from ansible_collections.cac.proget.plugins.module_utils.engine import ValidationError
from ansible_collections.cac.proget.plugins.module_utils.module import ProGetModule
from ansible_collections.cac.proget.plugins.module_utils.native import call, is_read, validate_call


def secret_values(params):
    """The values of the arguments named in secret_arguments: masked from the invocation log and
    every output (ProGetModule nested_secrets)."""
    arguments = params.get('arguments') or {}
    return [arguments.get(name) for name in params.get('secret_arguments') or []]


def main():
    module = ProGetModule(
        argument_spec=dict(method=dict(type='str', required=True),
                           arguments=dict(type='dict', default={}),
                           secret_arguments=dict(type='list', elements='str', default=[], no_log=False)),
        supports_check_mode=True, nested_secrets=secret_values)
    method, arguments = module.params['method'], module.params['arguments']
    try:
        validate_call(method, arguments)
        read = is_read(method)
        if module.check_mode and not read:
            module.exit_json(changed=False, skipped=True, method=method, read=False,
                             msg='check mode: %s is not a read method (<Area>_Get...); it was not called' % method)
        result = call(module.client, method, arguments)
    except (ProGetError, ValidationError) as e:
        module.fail_error(e)
    module.exit_json(changed=not read, method=method, read=read, result=result)


if __name__ == '__main__':
    main()
