#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: proget_connector
short_description: Manage ProGet connectors (upstream package sources)
version_added: 0.1.0
description:
  - Create, update and delete connectors through ProGet's API C(/api/management/connectors). A connector is
    an upstream source (nuget.org, npmjs, PyPI, Docker Hub, another ProGet) that feeds pull packages from;
    attach it to feeds with the O(cac.proget.proget_feed#module:connectors) option of
    M(cac.proget.proget_feed).
  - Only the options you set are managed; options left out keep the value they have on the server.
  - The connector's own URL, user name, password and timeout are O(connector_url), O(connector_username),
    O(connector_password) and O(connector_timeout), so that they never mix with the connection options
    O(url), O(username), O(password) and O(timeout) that reach ProGet (and that C(module_defaults) or the
    E(PROGET_URL), E(PROGET_USERNAME), E(PROGET_PASSWORD) and E(PROGET_TIMEOUT) environment variables set).
    In the C(connectors) list of M(cac.proget.proget_state) they are called C(url), C(username), C(password)
    and C(timeout).
  - A no-op run sends one request (a GET of the connector).
author:
  - cac.proget maintainers (@cac-proget)
extends_documentation_fragment:
  - cac.proget.connection
  - cac.proget.attributes
options:
  name:
    description:
      - Name of the connector. Matched case-insensitively; ProGet keeps the spelling it was created with.
      - At most 100 letters, digits, C(.), C(_), C(~) and C(-) (ProGet refuses names that need URL escaping).
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the connector.
      - V(absent) deletes it. Feeds that still use the connector are first detached from it (ProGet does not
        document what happens otherwise); the names of those feeds are returned as RV(detached_from).
    type: str
    choices: [present, absent]
    default: present
  type:
    description:
      - Feed type of the connector, case-insensitive, for example V(nuget), V(npm), V(pypi), V(docker),
        V(maven), V(helm), V(universal). Required to create a connector.
    type: str
  connector_url:
    description:
      - URL of the upstream source, for example V(https://nuget.example.com/v3/index.json) or
        V(https://npm.example.com). Required to create a connector.
      - Must be an absolute C(http://) or C(https://) URL. Compared without a trailing C(/).
      - Append C(#v2) to the URL of a NuGet source to force the v2 protocol.
    type: str
  connector_username:
    description:
      - User name for the upstream source. An empty string removes it (it is sent as an empty string;
        ProGet keeps a connector property that is sent as C(null)).
    type: str
  connector_password:
    description:
      - Password (or token) for the upstream source.
      - ProGet never returns it, so it cannot be compared; see O(update_password). It never appears in
        results, diffs or error messages.
    type: str
  update_password:
    description:
      - V(on_create) sends O(connector_password) only when the connector is created; later runs report no change
        for it.
      - V(always) sends it on every run and reports the connector as changed (ProGet cannot tell whether it
        differs).
    type: str
    choices: [on_create, always]
    default: on_create
  connector_timeout:
    description:
      - Seconds ProGet waits for the upstream source. Must not be negative.
    type: int
  filters:
    description:
      - Ordered list of package filters; replaces the current list, V([]) removes all filters.
      - Each entry is a package name pattern (C(*) wildcards) that is allowed; a leading C(!) blocks it.
      - Every entry must be a string (quote numbers in YAML).
      - ProGet Free saves filters but ignores them (a warning says so).
    type: list
    elements: raw
  metadata_cache_enabled:
    description:
      - Cache the upstream metadata (paid editions; ProGet Free saves but ignores it).
    type: bool
  metadata_cache_minutes:
    description:
      - Minutes a metadata entry is cached (ProGet's default is 30).
    type: int
  metadata_cache_count:
    description:
      - Number of metadata entries cached (ProGet's default is 100).
    type: int
notes:
  - ProGet Free saves O(filters) and the metadata cache options and echoes them back, but does not apply them.
  - The connector order on a feed does not decide which connector wins when two hold the same package.
seealso:
  - module: cac.proget.proget_connector_info
  - module: cac.proget.proget_feed
'''

EXAMPLES = r'''
- name: nuget.org as an upstream source, with package filters
  cac.proget.proget_connector:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    name: nuget.org
    type: nuget
    connector_url: https://nuget.example.com/v3/index.json
    connector_timeout: 10
    filters:
      - Newtonsoft.*
      - Microsoft.*
      - "!Microsoft.Internal.*"

- name: A private upstream with credentials (sent once, when the connector is created)
  cac.proget.proget_connector:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    name: partner-npm
    type: npm
    connector_url: https://npm.partner.example.com/
    connector_username: ci
    connector_password: "{{ partner_npm_token }}"

- name: Rotate that password (sent every run; reported as changed)
  cac.proget.proget_connector:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    name: partner-npm
    connector_password: "{{ partner_npm_token }}"
    update_password: always

- name: Attach the connector to a feed
  cac.proget.proget_feed:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    name: npm-internal
    type: npm
    connectors: [partner-npm]

- name: Delete a connector (feeds that use it are detached first)
  cac.proget.proget_connector:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    name: old-connector
    state: absent
'''

RETURN = r'''
connector:
  description:
    - The connector as ProGet returns it after the change (ProGet's camelCase field names); in check mode, the
      expected result. Never contains the password. Empty after a deletion.
  returned: always
  type: dict
  sample:
    name: nuget.org
    feedType: nuget
    url: https://nuget.example.com/v3/index.json
    timeout: 10
    username: null
    filters: [Newtonsoft.*, "!Microsoft.Internal.*"]
    metadataCacheEnabled: false
    metadataCacheMinutes: 30
    metadataCacheCount: 100
action:
  description: What was done (or would be done in check mode).
  returned: always
  type: str
  choices: [create, update, delete, none]
  sample: update
detached_from:
  description: Feeds the connector was (or in check mode would be) detached from before its deletion.
  returned: when O(state=absent) and the connector existed
  type: list
  elements: str
  sample: [npm-internal]
'''

from ansible_collections.cac.proget.plugins.module_utils.connectors import ConnectorResource
from ansible_collections.cac.proget.plugins.module_utils.module import run_resource_module


def main():
    run_resource_module(ConnectorResource())


if __name__ == '__main__':
    main()
