#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: proget_server_info
short_description: Health, version and edition of a ProGet server
version_added: 0.1.0
description:
  - Reads ProGet's health endpoint (the 2025 JSON form, or the 2026 plain-text form and its JSON twin
    C(/health?format=json)) and the C(X-ProGet-Version) and C(X-ProGet-Edition) headers.
  - Health needs no API key. The module does not fail when ProGet reports a problem (HTTP 500 from
    C(/health)); it returns RV(healthy=false) with the details, so a play can wait with C(until).
author:
  - cac.proget maintainers (@cac-proget)
extends_documentation_fragment:
  - cac.proget.connection
  - cac.proget.attributes.info_module
options: {}
seealso:
  - module: cac.proget.proget_feed_info
'''

EXAMPLES = r'''
- name: Wait until ProGet answers and its database and service are up
  cac.proget.proget_server_info:
    url: http://proget.example.com:8624
  register: proget
  until: proget.ready
  retries: 60
  delay: 5

- name: Show the version
  ansible.builtin.debug:
    msg: "ProGet {{ proget.release }} ({{ proget.edition }})"
'''

RETURN = r'''
healthy:
  description:
    - Whether every status ProGet reports is OK (database, license, service and, on servers that replicate,
      the replication server and client (C(replicationStatus.serverStatus) and C(clientStatus), counted the way
      pgutil's C(health) command counts them)).
  returned: always
  type: bool
  sample: true
problems:
  description: One line per status that is not OK, with ProGet's detail when it gives one.
  returned: always
  type: list
  elements: str
  sample: ["replication client: Error (connection refused)"]
ready:
  description: Whether the database and service are OK; the license may still be missing.
  returned: always
  type: bool
  sample: true
health:
  description: ProGet's health document (ProGet's field names).
  returned: always
  type: dict
  sample:
    applicationName: ProGet
    releaseNumber: 25.0.13
    versionNumber: 25.0.13.5
    databaseStatus: OK
    licenseStatus: OK
    serviceStatus: OK
status:
  description: HTTP status of the health request (200 healthy, 500 a problem).
  returned: always
  type: int
  sample: 200
version:
  description: ProGet's internal version from the C(X-ProGet-Version) header, for example C(25.0.13.5).
  returned: always
  type: str
  sample: 25.0.13.5
release:
  description: The marketing release, C(20YY.N), derived from the version.
  returned: when the version is known
  type: str
  sample: "2025.13"
edition:
  description: C(free), C(basic) or C(enterprise), from the C(X-ProGet-Edition) header.
  returned: always
  type: str
  sample: free
'''

from ansible_collections.cac.proget.plugins.module_utils.client import ProGetError
from ansible_collections.cac.proget.plugins.module_utils.module import ProGetModule


def marketing_release(version):
    """ProGet's internal version 25.0.13.5 is the marketing release 2025.13."""
    parts = str(version or '').split('.')
    if len(parts) >= 3 and parts[0].isdigit() and int(parts[0]) >= 22:
        return '20%s.%s' % (parts[0], parts[2])
    return None


def main():
    module = ProGetModule(argument_spec={}, supports_check_mode=True)
    try:
        health, status = module.client.health()
    except ProGetError as e:
        module.fail_error(e)
    version = module.client.version or health.get('versionNumber')
    replication = health.get('replicationStatus') if isinstance(health.get('replicationStatus'), dict) else {}
    statuses = [('database', health, 'databaseStatus', 'databaseStatusDetails'),
                ('license', health, 'licenseStatus', 'licenseStatusDetail'),
                ('service', health, 'serviceStatus', 'serviceStatusDetail'),
                ('replication server', replication, 'serverStatus', 'serverError'),
                ('replication client', replication, 'clientStatus', 'clientError')]
    problems = []
    for what, doc, key, detail in statuses:
        if doc.get(key) not in (None, 'OK'):  # null: not reported (no replication), as pgutil reads it
            problems.append('%s: %s%s' % (what, doc[key], ' (%s)' % doc[detail] if doc.get(detail) else ''))
    ok = dict((key, health.get(key) in (None, 'OK')) for key in ('databaseStatus', 'serviceStatus'))
    result = dict(changed=False, health=health, status=status, version=version,
                  edition=module.client.edition, problems=problems,
                  healthy=status == 200 and not problems,
                  ready=ok['databaseStatus'] and ok['serviceStatus'])
    release = marketing_release(version)
    if release:
        result['release'] = release
    module.exit_json(**result)


if __name__ == '__main__':
    main()
