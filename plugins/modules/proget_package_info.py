#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: proget_package_info
short_description: List the packages and versions of a ProGet feed
version_added: 0.1.0
description:
  - Returns the package versions of a feed (or of one package), newest first in SemVer 2 order
    (prereleases below their release), and a per-package summary with the latest versions.
  - Uses the common Packages API (any feed type), the universal feed API, or the NuGet v2 OData listing.
author:
  - cac.proget maintainers (@cac-proget)
extends_documentation_fragment:
  - cac.proget.connection
  - cac.proget.attributes.info_module
options:
  feed:
    description:
      - Name of the feed.
    type: str
    required: true
  name:
    description:
      - Only this package (case-insensitive). A missing package gives empty lists, not an error.
    type: str
  group:
    description:
      - Only packages of this group (universal packages; npm scope without C(@)).
    type: str
  api:
    description:
      - V(packages) = C(/api/packages/{feed}/versions) (ProGet 2023+, any feed type);
        V(universal) = C(/upack/{feed}/versions); V(nuget) = C(/nuget/{feed}/Packages?$format=json).
    type: str
    choices: [packages, universal, nuget]
    default: packages
seealso:
  - module: cac.proget.proget_download
  - plugin: cac.proget.proget_versions
    plugin_type: lookup
'''

EXAMPLES = r'''
- name: Every package of a universal feed
  cac.proget.proget_package_info:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    feed: tools
    api: universal
  register: tools

- name: Versions of one NuGet package, newest first
  cac.proget.proget_package_info:
    url: https://proget.example.com
    feed: internal-nuget
    api: nuget
    name: Acme.Core
  register: acme

- name: Show the newest stable version
  ansible.builtin.debug:
    msg: "{{ acme.packages[0].latest_stable_version if acme.packages else 'none' }}"
'''

RETURN = r'''
versions:
  description:
    - Package versions, grouped by package, newest first within each package; one entry per file where a version
      holds several (see RV(versions[].qualifier)).
  returned: always
  type: list
  elements: dict
  contains:
    group:
      description: Group (empty for none).
      type: str
    name:
      description: Package name.
      type: str
    version:
      description: Version.
      type: str
    qualifier:
      description:
        - Which file of the version this row is, for feed types whose versions hold several files (one row per
          file, for a PyPI wheel and sdist, Debian or RPM architectures), as ProGet gives it; empty otherwise. Pass it
          as O(cac.proget.proget_download#module:qualifier).
      type: str
      sample: file=acme_tools-1.4.0-py3-none-any.whl
    prerelease:
      description: Whether it is a SemVer prerelease.
      type: bool
    published:
      description: When it was published, as ProGet gave it.
      type: str
    size:
      description: Size in bytes.
      type: int
    sha1:
      description: SHA-1 (hex) when ProGet gave it.
      type: str
    sha256:
      description: SHA-256 (hex) when ProGet gave it.
      type: str
    sha512:
      description: SHA-512 (hex) when ProGet gave it.
      type: str
packages:
  description: One entry per package.
  returned: always
  type: list
  elements: dict
  contains:
    group:
      description: Group.
      type: str
    name:
      description: Package name.
      type: str
    versions:
      description: Its versions, newest first.
      type: list
      elements: str
    latest_version:
      description: The newest version.
      type: str
    latest_stable_version:
      description: The newest version that is not a prerelease (null if none).
      type: str
'''

from ansible_collections.cac.proget.plugins.module_utils import packages as pk
from ansible_collections.cac.proget.plugins.module_utils.client import ProGetError
from ansible_collections.cac.proget.plugins.module_utils.engine import ValidationError
from ansible_collections.cac.proget.plugins.module_utils.module import ProGetModule


def main():
    module = ProGetModule(argument_spec=dict(
        feed=dict(type='str', required=True),
        name=dict(type='str'),
        group=dict(type='str'),
        api=dict(type='str', default='packages', choices=list(pk.APIS)),
    ), supports_check_mode=True)
    p = module.params
    try:
        versions = pk.list_versions(module.client, p['feed'], name=p['name'], group=p['group'], api=p['api'])
    except (ProGetError, ValidationError) as e:
        module.fail_error(e)
    module.exit_json(changed=False, versions=versions, packages=pk.summarize(versions))


if __name__ == '__main__':
    main()
