#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: proget_download
short_description: Download an asset file or a package version from ProGet
version_added: 0.1.0
description:
  - Downloads a file of an asset directory (O(path)) or a package version (O(name), O(version) or
    O(latest), O(group)) to O(dest).
  - Skips the download when O(dest) already has the content ProGet announces (compared by hash before any
    download, with the SHA-256 of asset files and the hash the package listing gives for packages).
  - Streams to a temporary file beside O(dest), checks the hash, then moves it into place atomically;
    an interrupted download leaves O(dest) as it was.
author:
  - cac.proget maintainers (@cac-proget)
extends_documentation_fragment:
  - cac.proget.connection
  - cac.proget.attributes
options:
  feed:
    description:
      - Name of the asset directory or package feed.
    type: str
    required: true
  path:
    description:
      - Path of a file in the asset directory O(feed). Mutually exclusive with O(name).
    type: str
  name:
    description:
      - Package name (NuGet id). Mutually exclusive with O(path).
    type: str
  version:
    description:
      - Package version. Mutually exclusive with O(latest).
    type: str
  latest:
    description:
      - Download the newest version (SemVer order; see O(stable_only)).
    type: bool
    default: false
  stable_only:
    description:
      - With O(latest), ignore prerelease versions.
    type: bool
    default: false
  group:
    description:
      - Package group (universal packages; npm scope without C(@)).
    type: str
  qualifier:
    description:
      - Which file of the version, for feed types whose versions hold several files (PyPI wheels and sdists,
        Debian, RPM, Conda, CRAN, APK and RubyGems packages), exactly as ProGet lists it in the C(qualifier) of
        M(cac.proget.proget_package_info), for example V(file=acme-1.0.0-py3-none-any.whl) or
        V(arch=amd64&component=main&distro=stable).
      - Required when the version has more than one file; the error then lists the qualifiers to choose from.
        With O(api=packages) only.
    type: str
  api:
    description:
      - Which ProGet API serves the package. V(packages) = the common Packages API (any feed type,
        ProGet 2023+); V(universal) = the universal feed API (C(/upack)); V(nuget) = the NuGet v2 API
        (C(Packages?$format=json) and C(/api/v2/package)).
    type: str
    choices: [packages, universal, nuget]
    default: packages
  dest:
    description:
      - Local file to write. When it is an existing directory, the file is written into it under the asset's
        file name, or C(name-version.upack), C(name-version.nupkg) (C(name-version) with O(api=packages), or the file
        name in a PyPI O(qualifier)).
    type: path
    required: true
  force:
    description:
      - Download even when O(dest) already has the same content.
    type: bool
    default: false
  mode:
    description:
      - Permissions of O(dest), as for M(ansible.builtin.file) (for example V('0644')).
      - The file group cannot be set here, O(group) is the package group.
    type: raw
  owner:
    description:
      - Owner of O(dest).
    type: str
seealso:
  - module: cac.proget.proget_asset
  - module: cac.proget.proget_package_info
'''

EXAMPLES = r'''
- name: An installer from an asset directory
  cac.proget.proget_download:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    feed: installers
    path: app/app-1.2.0.tar.gz
    dest: /tmp/app-1.2.0.tar.gz
    mode: "0644"

- name: The newest stable version of a universal package
  cac.proget.proget_download:
    url: https://proget.example.com
    feed: tools
    api: universal
    group: acme
    name: deploy-tool
    latest: true
    stable_only: true
    dest: /tmp/deploy-tool.upack

- name: The source distribution of a PyPI package version that also has a wheel
  cac.proget.proget_download:
    url: https://proget.example.com
    feed: internal-pypi
    name: acme_tools
    version: 1.4.0
    qualifier: file=acme_tools-1.4.0.tar.gz
    dest: /tmp

- name: A NuGet package version through the NuGet v2 API
  cac.proget.proget_download:
    url: https://proget.example.com
    feed: internal-nuget
    api: nuget
    name: Acme.Core
    version: 2.0.1
    dest: /tmp
'''

RETURN = r'''
dest:
  description: The file written (or that would be written).
  returned: success
  type: str
checksum:
  description: SHA-256 of O(dest) after the run (unknown in check mode when a download is needed).
  returned: success
  type: str
downloaded:
  description: Whether the file was (or in check mode would be) downloaded.
  returned: success
  type: bool
version:
  description: The package version downloaded (the resolved one with O(latest)).
  returned: when a package is downloaded
  type: str
qualifier:
  description: The qualifier of the file downloaded (empty for feed types with one file per version).
  returned: when a package is downloaded
  type: str
  sample: file=acme-1.0.0.tar.gz
size:
  description: Size in bytes.
  returned: success
  type: int
'''

import os

from ansible_collections.cac.proget.plugins.module_utils import download as dl
from ansible_collections.cac.proget.plugins.module_utils import packages as pk
from ansible_collections.cac.proget.plugins.module_utils.assets import clean_path, endpoint, get_item, is_dir
from ansible_collections.cac.proget.plugins.module_utils.client import ProGetError
from ansible_collections.cac.proget.plugins.module_utils.engine import ValidationError
from ansible_collections.cac.proget.plugins.module_utils.module import ProGetModule


def plan_asset(module, p):
    path = clean_path(p['path'])
    item = get_item(module.client, p['feed'], path)
    if item is None:
        raise ValidationError("asset '%s' in '%s' does not exist" % (path, p['feed']))
    if is_dir(item):
        raise ValidationError("asset '%s' in '%s' is a folder; only files can be downloaded" % (path, p['feed']))
    return endpoint(p['feed'], 'content', path), None, item, path.rsplit('/', 1)[-1], {}


def plan_package(module, p):
    if not p['version'] and not p['latest']:
        raise ValidationError("package '%s': set version, or latest: true" % p['name'])
    info = pk.resolve(module.client, p['feed'], p['name'], group=p['group'], version=p['version'], api=p['api'],
                      qualifier=p['qualifier'], stable_only=p['latest'] and p['stable_only'])
    if info is None:
        raise ValidationError("package '%s'%s %s%s was not found in feed '%s'"
                              % (p['name'], " (group '%s')" % p['group'] if p['group'] else '',
                                 p['version'] or 'latest', " (qualifier '%s')" % p['qualifier'] if p['qualifier']
                                 else '', p['feed']))
    path, params = pk.download_path(p['feed'], info, p['api'])
    return path, params, info, pk.file_name(info, p['api']), dict(version=info['version'],
                                                                  qualifier=info['qualifier'])


def main():
    module = ProGetModule(
        argument_spec=dict(
            feed=dict(type='str', required=True),
            path=dict(type='str'),
            name=dict(type='str'),
            version=dict(type='str'),
            latest=dict(type='bool', default=False),
            stable_only=dict(type='bool', default=False),
            group=dict(type='str'),
            qualifier=dict(type='str'),
            api=dict(type='str', default='packages', choices=list(pk.APIS)),
            dest=dict(type='path', required=True),
            force=dict(type='bool', default=False),
            mode=dict(type='raw'),
            owner=dict(type='str'),
        ),
        mutually_exclusive=[('path', 'name'), ('version', 'latest')],
        required_one_of=[('path', 'name')],
        supports_check_mode=True,
    )
    p = module.params
    try:
        if p['path'] is not None:
            url, params, info, default_name, extra = plan_asset(module, p)
        else:
            url, params, info, default_name, extra = plan_package(module, p)
        dest = p['dest']
        if os.path.isdir(dest):
            dest = os.path.join(dest, default_name)
        if not os.path.isdir(os.path.dirname(os.path.abspath(dest))):
            raise ValidationError('dest %s: the directory %s does not exist' % (dest, os.path.dirname(dest)))
        expected = dl.best_hash(info)
        before = dl.file_hash(dest, 'sha256') if os.path.isfile(dest) else None
        same = False
        if before is not None and expected[0] and not p['force']:
            same = (before if expected[0] == 'sha256' else dl.file_hash(dest, expected[0])) == expected[1]
        result = dict(changed=not same, downloaded=not same, dest=dest, size=info.get('size'), **extra)
        after = before
        if not same and not module.check_mode:
            after, size = dl.fetch(module, module.client, url, params, dest, expected)
            result['size'] = size
            if expected[0] is None and after == before:
                # ProGet announced no hash: the content turned out to be the same after all.
                result['changed'] = result['downloaded'] = False
        elif not same:
            after = info.get('sha256')
        result['checksum'] = after
    except (ProGetError, ValidationError) as e:
        module.fail_error(e)
    if os.path.exists(dest):
        if p['mode'] is not None:
            result['changed'] = module.set_mode_if_different(dest, p['mode'], result['changed'])
        if p['owner'] is not None:
            result['changed'] = module.set_owner_if_different(dest, p['owner'], result['changed'])
    if module._diff:
        result['diff'] = dict(before=dict(path=dest, sha256=before), after=dict(path=dest, sha256=after))
    module.exit_json(**result)


if __name__ == '__main__':
    main()
