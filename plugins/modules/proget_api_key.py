#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: proget_api_key
short_description: Manage ProGet API keys
version_added: 0.1.0
description:
  - Create, re-create and delete API keys through ProGet's API Keys API C(/api/api-keys) (ProGet 2024.3 and later).
  - A key is identified by its display name (O(name)). ProGet does not keep display names unique; when several keys
    share the name, the module fails and names their ids, before any write.
  - ProGet cannot update an API key. When the type, scope, permissions, description, expiration or logging of the key
    differ from what is asked, the module B(re-creates) the key (action V(replace), shown in the diff, where the id
    changes). The new key is created first and the old one deleted afterwards, so a create that ProGet refuses leaves
    the old key untouched; if deleting the old key then fails, the new one is deleted again. When O(key) is given
    the old key is deleted first, because ProGet refuses two keys with the same secret.
  - A re-created key gets a new secret unless O(key) is given. The secret of a key ProGet generated is returned once,
    as RV(key), and nowhere else (not in RV(api_key), the diff, errors, or M(cac.proget.proget_api_key_info)).
    On ansible-core 2.22 and later the module registers the secret with ansible-core, which then shows it as
    C($REDACTED$) wherever it would appear (the task result at every verbosity, later tasks that use it), with or
    without C(no_log); the registered variable holds the real secret.
    On older ansible-core versions B(set C(no_log) to V(true) on the task) so that Ansible does not show the result
    (and with it the secret) at C(-v) and above; the registered variable still holds it. There the module warns when
    the task is not C(no_log).
  - Only the options you set are managed; options left out keep the value the key has (and are carried over when
    the key is re-created).
author:
  - cac.proget maintainers (@cac-proget)
extends_documentation_fragment:
  - cac.proget.connection
  - cac.proget.attributes
options:
  name:
    description:
      - Display name of the key, matched case-insensitively.
    type: str
    required: true
  state:
    description:
      - V(present) creates the key or re-creates it when it differs; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  type:
    description:
      - Kind of key. Required to create a key. Changing it re-creates the key.
      - V(system) keys use O(system_apis); V(feed) keys use O(feed) or O(feed_group) and O(package_permissions);
        V(personal) keys use O(user) and have that user's permissions.
    type: str
    choices: [system, feed, personal]
  system_apis:
    description:
      - System keys only, required for them. Any of V(feeds) (use and manage feeds), V(sca) (projects and builds),
        V(sbom-upload), or V(full-control) (everything, needed for the licenses and security APIs).
      - Compared without order and case. V([full-control]) and V([feeds, sca, sbom-upload]) are the same key (pgutil
        sends full control as the three APIs), so either form matches a key shown in the other.
    type: list
    elements: str
  feed:
    description:
      - Feed keys only; the feed the key may use. Mutually exclusive with O(feed_group).
    type: str
  feed_group:
    description:
      - Feed keys only; the feed group (ProGet 2026 "Feed & Project Group") the key may use. Mutually exclusive with
        O(feed).
    type: str
  package_permissions:
    description:
      - Feed keys only, required for them. Any of V(view) (view and download), V(add) (add and repackage),
        V(promote), V(delete) (overwrite and delete).
      - Compared without order and case.
    type: list
    elements: str
  user:
    description:
      - Personal keys only, required for them; the ProGet user the key acts as.
    type: str
  description:
    description:
      - Description of the key. An empty string means none.
    type: str
  expiration:
    description:
      - When the key stops working, as an ISO 8601 date or date-time (V(2027-01-31), V(2027-01-31T18:00:00Z)); UTC
        when no zone is given. Compared to the second. An empty string means the key never expires.
    type: str
  logging:
    description:
      - Which bodies ProGet logs for requests made with this key.
      - ProGet requires it when a key is created; when it is not given, a new key is created with V(none). Left
        out, an existing key's logging is not managed.
    type: str
    choices: [none, request, response, both]
  key:
    description:
      - A secret you choose instead of one ProGet generates. ProGet accepts it only when its policy allows
        user-entered keys and keys are stored in plain text; with hashed storage ProGet refuses it.
      - The secret is compared only when ProGet shows it (plain-text storage); with hashed storage a chosen key
        cannot be verified, so a different O(key) alone does not re-create an existing key (use O(rotate)).
      - Never returned (you already have it).
    type: str
  rotate:
    description:
      - Re-create an existing key even when nothing differs, which gives it a new secret (or O(key)).
      - Always reports a change; use it in a task you run on purpose.
    type: bool
    default: false
notes:
  - ProGet requires the V(full-control) system API (or an administrator) to manage API keys.
  - A create that times out may have happened; with hashed storage its secret is then lost. The next run finds the key
    by its name and leaves it, or fails naming the ids when there are two; use O(rotate) to get a new secret.
seealso:
  - module: cac.proget.proget_api_key_info
  - module: cac.proget.proget_feed
'''

EXAMPLES = r'''
- name: A key for the build server that may publish to one feed
  cac.proget.proget_api_key:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    name: build-server
    type: feed
    feed: internal-nuget
    package_permissions: [view, add]
    description: Jenkins publishes here
    expiration: "2030-12-31"
  register: build_key
  no_log: true

- name: Keep the new secret somewhere safe (here, only show that there is one)
  ansible.builtin.debug:
    msg: "a new secret was returned: {{ build_key.key is defined }}"

- name: A system key for the deploy job, with a secret chosen by the caller
  cac.proget.proget_api_key:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    name: deploy
    type: system
    system_apis: [feeds]
    key: "{{ deploy_key_secret }}"
    logging: request

- name: Rotate the build key (a new secret, same properties)
  cac.proget.proget_api_key:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    name: build-server
    rotate: true
  register: rotated
  no_log: true

- name: Remove a key
  cac.proget.proget_api_key:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    name: old-ci
    state: absent
'''

RETURN = r'''
api_key:
  description:
    - The key as ProGet describes it after the change (ProGet's camelCase fields), B(without) its secret; in check
      mode, the expected result. Empty after a deletion.
  returned: always
  type: dict
  sample:
    id: 1004
    type: Feed
    displayName: build-server
    description: Jenkins publishes here
    feed: internal-nuget
    packagePermissions: [view, add]
    expiration: "2030-12-31T00:00:00"
    logging: None
key:
  description:
    - The secret of the key ProGet generated, when the module created or re-created a key without O(key).
    - The only time the secret is returned. ansible-core 2.22 and later show it as C($REDACTED$) (the registered
      variable holds it); with older versions set C(no_log) to V(true) on the task.
  returned: when a key was created or re-created with a generated secret (not in check mode)
  type: str
  sample: 6f1c0d3e9b2a4c5d8e7f6a5b4c3d2e1f0a9b8c7d
action:
  description: What was done (or would be done in check mode); V(replace) = deleted and created again.
  returned: always
  type: str
  choices: [create, replace, delete, none]
  sample: replace
'''

from ansible_collections.cac.proget.plugins.module_utils.api_keys import ApiKeyResource
from ansible_collections.cac.proget.plugins.module_utils.module import run_resource_module


def main():
    run_resource_module(ApiKeyResource())


if __name__ == '__main__':
    main()
