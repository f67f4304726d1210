#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: proget_package_promotion
short_description: Promote a package version from one ProGet feed to another
version_added: 0.2.0
description:
  - A release pipeline step, idempotent - promotes a package version from O(from_feed) to O(to_feed) with
    ProGet's promotion API (C(POST /api/promotions/promote)), which copies the version (every file of it) and
    records the promotion with O(comments).
  - A version that O(to_feed) has already is no change (nothing is sent), whether it was promoted or published
    there. In check mode the module reads both feeds and says whether it would promote.
  - Both feeds must be of the same type, and the version must be in O(from_feed); otherwise the module fails
    before any write.
  - Returns the recorded promotions of the version between the two feeds (ProGet's promotion query,
    C(GET /api/promotions/list)).
author:
  - cac.proget maintainers (@cac-proget)
extends_documentation_fragment:
  - cac.proget.connection
  - cac.proget.attributes
options:
  from_feed:
    description:
      - The feed the version is in (for example the unapproved feed).
    type: str
    required: true
  to_feed:
    description:
      - The feed to promote it to (for example the approved feed).
    type: str
    required: true
  name:
    description:
      - Package name.
    type: str
    required: true
  version:
    description:
      - Package version.
    type: str
    required: true
  group:
    description:
      - Package group (a universal package's group, an npm scope without C(@)).
    type: str
  comments:
    description:
      - Why it is promoted (recorded with the promotion).
    type: str
notes:
  - Promotion is not available in ProGet Free; there the module fails with ProGet's message.
  - Needs Promote on O(to_feed) (C(Feeds_AcceptPackagePromotions)) and View/Download on O(from_feed).
seealso:
  - module: cac.proget.proget_package
'''

EXAMPLES = r'''
- name: Promote a tested version to the approved feed
  cac.proget.proget_package_promotion:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    from_feed: unapproved-universal
    to_feed: approved-universal
    group: corp
    name: app
    version: 1.4.0
    comments: "Passed the release tests of build {{ build_number | default('42') }}"
  register: promotion

- name: When was it promoted, by whom
  ansible.builtin.debug:
    msg: "{{ promotion.promotions | map(attribute='date') | list }}"
'''

RETURN = r'''
action:
  description: V(promote), or V(none) when O(to_feed) has the version already.
  returned: always
  type: str
  sample: promote
promotions:
  description:
    - The recorded promotions of the version from O(from_feed) to O(to_feed) (empty in check mode before the
      first promotion), as ProGet's promotion query returns them.
  returned: always
  type: list
  elements: dict
  sample:
    - {fromFeed: unapproved-universal, toFeed: approved-universal, date: "2026-11-28T10:59:43", user: SYSTEM,
       comments: Passed the release tests, id: 1, group: corp, name: app, version: 1.4.0}
'''

from ansible_collections.cac.proget.plugins.module_utils.client import ProGetError
from ansible_collections.cac.proget.plugins.module_utils.fields import ValidationError
from ansible_collections.cac.proget.plugins.module_utils.module import ProGetModule
from ansible_collections.cac.proget.plugins.module_utils.publish import ensure_promotion


def main():
    module = ProGetModule(
        argument_spec=dict(from_feed=dict(type='str', required=True), to_feed=dict(type='str', required=True),
                           name=dict(type='str', required=True), version=dict(type='str', required=True),
                           group=dict(type='str'), comments=dict(type='str')),
        supports_check_mode=True)
    try:
        outcome = ensure_promotion(module.client, module.params, module.check_mode)
    except (ProGetError, ValidationError) as e:
        module.fail_error(e)
    diff = outcome.pop('diff', None)
    if module._diff and diff:
        outcome['diff'] = diff
    module.exit_json(**outcome)


if __name__ == '__main__':
    main()
