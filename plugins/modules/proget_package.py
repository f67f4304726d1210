#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: proget_package
short_description: Publish, delete and set the status of one package version in a ProGet feed
version_added: 0.2.0
description:
  - A release pipeline step, idempotent. It publishes a local package file to a feed through ProGet's Packages API
    (C(PUT /api/packages/<feed>/upload)), deletes one version, and sets a version's status (listed, deprecated,
    downloads blocked or allowed).
  - The package's group, name, version (and for PyPI and Debian packages its qualifier) are read from the file
    itself (C(upack.json), the C(.nuspec), C(package/package.json), the wheel's C(METADATA) or the sdist's
    C(PKG-INFO), the C(.deb) control file); options that are given must match the file.
  - Nothing is uploaded when the feed already has that version with the same SHA-256. When it has the version
    with other content the module fails, unless O(force=true).
  - In check mode the module reads the feed and says whether it would upload, delete or change the status.
  - Feed types with package files read here are universal, NuGet, npm, PyPI (wheel and sdist, one file each,
    told apart by their qualifier C(file=<file name>)) and Debian (O(distribution), O(component)). Other feed
    types can still be given O(name) and O(version) to delete a version or set its status. Asset files are
    managed with M(cac.proget.proget_asset).
  - These are pipeline steps, not server configuration, so they are not kinds of M(cac.proget.proget_state).
author:
  - cac.proget maintainers (@cac-proget)
extends_documentation_fragment:
  - cac.proget.connection
  - cac.proget.attributes
options:
  feed:
    description:
      - Name of the feed.
    type: str
    required: true
  src:
    description:
      - Path of the package file to publish (on the host that runs the module). Without it, O(name) and
        O(version) name a version already in the feed.
      - A file that is not a package of the feed's type is refused before any upload.
    type: path
  name:
    description:
      - Package name (for npm, without the scope). Read from O(src) when it is given; must match it.
    type: str
  version:
    description:
      - Package version. Read from O(src) when it is given; must match it.
    type: str
  group:
    description:
      - Package group (a universal package's group, an npm scope without C(@)). Read from O(src) when it is given.
    type: str
  qualifier:
    description:
      - Which file of a version with several files (PyPI C(file=acme-1.0.tar.gz), Debian
        C(arch=amd64&component=main&distro=stable)). Computed from O(src) when it is given; needed without O(src)
        when the version has several files (the error lists them).
    type: str
  distribution:
    description:
      - Debian feeds only, required to publish there - the distribution, for example V(stable) or V(bookworm).
    type: str
  component:
    description:
      - Debian feeds only - the component.
    type: str
    default: main
  state:
    description:
      - V(present) publishes O(src) (when given) and sets the status options.
      - V(absent) deletes the version (the one file named by O(qualifier) for multi-file versions). ProGet Free
        allows 10 package deletes an hour through the API; the error says so when the limit is hit.
    type: str
    choices: [present, absent]
    default: present
  force:
    description:
      - Upload O(src) even when the feed has the version already (with the same or other content). Overwriting
        needs the Overwrite/Delete permission.
    type: bool
    default: false
  listed:
    description:
      - Whether the version is listed (shown in searches and version lists). Left as it is when omitted.
    type: bool
  deprecated:
    description:
      - Whether the version is deprecated. Left as it is when omitted.
    type: bool
  deprecation_reason:
    description:
      - Why it is deprecated (with O(deprecated=true)).
    type: str
  blocked:
    description:
      - Whether downloads of the version are V(blocked), explicitly V(allowed), or V(notset) (ProGet's policies
        decide). Left as it is when omitted.
    type: str
    choices: [blocked, allowed, notset]
notes:
  - Publishing needs Add/Repackage on the feed; deleting and overwriting need Overwrite/Delete; setting the status
    needs Overwrite/Delete on a Feed key, Use/Manage Feeds on a System key, or C(Feeds_UnlistPackage) for a user.
  - The status (ProGet 2023.18 and later) is read from the version list; only the members that differ are sent,
    with the current download flag sent back as it is.
seealso:
  - module: cac.proget.proget_package_promotion
  - module: cac.proget.proget_package_info
  - module: cac.proget.proget_download
'''

EXAMPLES = r'''
- name: Publish a universal package (nothing is uploaded when the feed has it already)
  cac.proget.proget_package:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    feed: internal-universal
    src: "{{ playbook_dir }}/dist/corp-app-1.4.0.upack"
  register: published

- name: Publish a wheel and the sdist of one PyPI version (two files, one version)
  cac.proget.proget_package:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    feed: pypi-internal
    src: "{{ item }}"
  loop:
    - "{{ playbook_dir }}/dist/acme-1.4.0-py3-none-any.whl"
    - "{{ playbook_dir }}/dist/acme-1.4.0.tar.gz"

- name: Publish a Debian package to the stable distribution
  cac.proget.proget_package:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    feed: debian-internal
    src: "{{ playbook_dir }}/dist/acme-tool_1.4.0_amd64.deb"
    distribution: stable

- name: Deprecate the previous version
  cac.proget.proget_package:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    feed: internal-universal
    group: corp
    name: app
    version: 1.3.0
    deprecated: true
    deprecation_reason: Use 1.4.0

- name: Block downloads of a bad version and unlist it
  cac.proget.proget_package:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    feed: internal-universal
    group: corp
    name: app
    version: 1.3.0
    listed: false
    blocked: blocked

- name: Delete one file of a PyPI version
  cac.proget.proget_package:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    feed: pypi-internal
    name: acme
    version: 1.4.0
    qualifier: file=acme-1.4.0.tar.gz
    state: absent
'''

RETURN = r'''
actions:
  description: What was done (or would be done in check mode), in order.
  returned: always
  type: list
  elements: str
  sample: [upload, status]
package:
  description: The version after the run (in check mode, as expected); null after a deletion.
  returned: always
  type: dict
  contains:
    group:
      description: Package group (empty when none).
      type: str
    name:
      description: Package name.
      type: str
    version:
      description: Package version.
      type: str
    qualifier:
      description: The file's qualifier (PyPI, Debian), empty otherwise.
      type: str
    sha256:
      description: SHA-256 of the package file.
      type: str
    listed:
      description: Whether the version is listed.
      type: bool
    deprecated:
      description: Whether the version is deprecated.
      type: bool
    deprecation_reason:
      description: Why it is deprecated.
      type: str
    blocked:
      description: V(blocked), V(allowed) or V(notset).
      type: str
  sample:
    group: corp
    name: app
    version: 1.4.0
    qualifier: ''
    sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
    listed: true
    deprecated: false
    deprecation_reason: null
    blocked: notset
'''

from ansible_collections.cac.proget.plugins.module_utils.client import ProGetError
from ansible_collections.cac.proget.plugins.module_utils.fields import ValidationError
from ansible_collections.cac.proget.plugins.module_utils.module import ProGetModule
from ansible_collections.cac.proget.plugins.module_utils.publish import BLOCKED, ensure_package


def main():
    module = ProGetModule(
        argument_spec=dict(
            feed=dict(type='str', required=True), src=dict(type='path'), name=dict(type='str'),
            version=dict(type='str'), group=dict(type='str'), qualifier=dict(type='str'),
            distribution=dict(type='str'), component=dict(type='str', default='main'),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            force=dict(type='bool', default=False), listed=dict(type='bool'), deprecated=dict(type='bool'),
            deprecation_reason=dict(type='str'), blocked=dict(type='str', choices=list(BLOCKED))),
        supports_check_mode=True)
    try:
        outcome = ensure_package(module.client, module.params, module.check_mode)
    except (ProGetError, ValidationError) as e:
        module.fail_error(e)
    result = dict(changed=outcome['changed'], actions=outcome['actions'], package=outcome['package'])
    if module._diff:
        result['diff'] = outcome['diff']
    module.exit_json(**result)


if __name__ == '__main__':
    main()
