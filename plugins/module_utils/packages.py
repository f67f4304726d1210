# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Package queries and downloads (proget-api.md sections 8, 10.1, 10.2).

Three ways to ask a feed about its packages, chosen with ``api``:

* ``packages``: the common Packages API ``/api/packages/{feed}/versions`` (ProGet 2023+, any
  feed type; the default);
* ``universal``: ``/upack/{feed}/versions`` (universal feeds, any ProGet version);
* ``nuget``: the NuGet v2 OData listing ``/nuget/{feed}/Packages?$format=json``.

Every answer is normalised to the same version dict: ``group``, ``name``, ``version``,
``published``, ``size``, ``listed``, ``prerelease`` and the hashes ProGet gave (``sha1``,
``sha256``, ``sha512`` (hex)). Versions are ordered newest first (SemVer 2, module_utils/semver).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii

from ansible_collections.cac.proget.plugins.module_utils.client import quote_name
from ansible_collections.cac.proget.plugins.module_utils.engine import ValidationError
from ansible_collections.cac.proget.plugins.module_utils import semver

APIS = ('packages', 'universal', 'nuget')
HASHES = ('md5', 'sha1', 'sha256', 'sha512')


def _odata_rows(data):
    """The entries of an OData answer: ``{"d": {"results": [...]}}``, ``{"d": [...]}`` or ``{"value": [...]}``."""
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        return []
    d = data.get('d', data.get('value'))
    if isinstance(d, dict):
        d = d.get('results', [])
    return d if isinstance(d, list) else []


def _normal(group, name, version, published=None, size=None, listed=True, hashes=None):
    out = dict(group=group or '', name=name, version=version, published=published, size=size,
               listed=listed, prerelease=semver.is_prerelease(version))
    for h in HASHES:
        if hashes and hashes.get(h):
            out[h] = str(hashes[h]).lower()
    return out


def _from_nuget(row):
    hashes = {}
    if str(row.get('PackageHashAlgorithm') or '').upper() == 'SHA512' and row.get('PackageHash'):
        try:
            hashes['sha512'] = binascii.hexlify(base64.b64decode(row['PackageHash'])).decode('ascii')
        except (binascii.Error, ValueError, TypeError):
            pass
    return _normal('', row.get('Id'), row.get('NormalizedVersion') or row.get('Version'),
                   row.get('Published'), row.get('PackageSize'), row.get('Listed', True), hashes)


def list_versions(client, feed, name=None, group=None, api='packages'):
    """Versions of a feed (or of one package), newest first within each package."""
    if api == 'universal':
        params = {'name': name} if name else {}
        if group is not None or name:
            params['group'] = group or ''
        rows = client.get_json('upack/%s/versions' % quote_name(feed), params=params) or []
        out = [_normal(r.get('group'), r.get('name'), r.get('version'), r.get('published'), r.get('size'),
                       True, r) for r in rows]
    elif api == 'nuget':
        params = {'$format': 'json'}
        if name:
            params['$filter'] = "Id eq '%s'" % name.replace("'", "''")
        rows = _odata_rows(client.get_json('nuget/%s/Packages' % quote_name(feed), params=params))
        out = [_from_nuget(r) for r in rows]
        if name:
            out = [v for v in out if str(v['name']).lower() == name.lower()]
    elif api == 'packages':
        params = {}
        if name:
            params['name'] = name
        if group:
            params['group'] = group
        rows = client.get_json('api/packages/%s/versions' % quote_name(feed), params=params) or []
        out = [_normal(r.get('group'), r.get('name'), r.get('version'), r.get('published'), r.get('size'),
                       r.get('listed', True), r) for r in rows]
    else:
        raise ValidationError('api must be one of %s, got %r' % (', '.join(APIS), api))
    if group is not None and api != 'universal':
        out = [v for v in out if (v['group'] or '').lower() == group.lower()]
    out = [v for v in out if v['name'] and v['version']]
    out.sort(key=lambda v: semver.sort_key(v['version']), reverse=True)
    out.sort(key=lambda v: ((v['group'] or '').lower(), str(v['name']).lower()))
    return out


def summarize(versions):
    """Versions grouped per package: ``group``, ``name``, ``latest_version``, ``versions``."""
    by = {}
    order = []
    for v in versions:
        k = ((v['group'] or '').lower(), v['name'].lower())
        if k not in by:
            by[k] = dict(group=v['group'], name=v['name'], versions=[])
            order.append(k)
        by[k]['versions'].append(v['version'])
    out = []
    for k in order:
        p = by[k]
        p['versions'] = semver.newest_first(p['versions'])
        p['latest_version'] = semver.latest(p['versions'])
        p['latest_stable_version'] = semver.latest(p['versions'], stable_only=True)
        out.append(p)
    return out


def resolve(client, feed, name, group=None, version=None, api='packages'):
    """The version dict to download (``version`` or, when None, the newest); None if missing."""
    versions = [v for v in list_versions(client, feed, name=name, group=group, api=api)
                if str(v['name']).lower() == name.lower()]
    if version is None:
        return versions[0] if versions else None
    for v in versions:
        if str(v['version']).lower() == str(version).lower():
            return v
    return None


def download_path(feed, info, api):
    """(path, params) of the file of one package version."""
    name, version, group = info['name'], info['version'], info.get('group') or ''
    if api == 'universal':
        parts = [quote_name(p) for p in group.split('/') if p] + [quote_name(name), quote_name(version)]
        return 'upack/%s/download/%s' % (quote_name(feed), '/'.join(parts)), None
    if api == 'nuget':
        return 'api/v2/package/%s/%s/%s' % (quote_name(feed), quote_name(name), quote_name(version)), None
    params = dict(name=name, version=version)
    if group:
        params['group'] = group
    return 'api/packages/%s/download' % quote_name(feed), params


def file_name(info, api):
    ext = {'universal': '.upack', 'nuget': '.nupkg'}.get(api, '')
    return '%s-%s%s' % (info['name'], info['version'], ext)
