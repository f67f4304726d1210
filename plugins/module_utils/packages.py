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
``qualifier``, ``published``, ``size``, ``listed``, ``prerelease`` and the hashes ProGet gave
(``sha1``, ``sha256``, ``sha512`` (hex)). Versions are ordered newest first (SemVer 2,
module_utils/semver).

A version of a PyPI, Debian, RPM, Conda, CRAN, APK or RubyGems package can hold several files
(a wheel and an sdist, one file per architecture): the Packages API lists one row per file with
its ``qualifier`` (``file=acme-1.0.tar.gz``, ``arch=amd64&component=main&distro=stable``), and a
download of such a version must name the file by its qualifier (pgutil ProGetClient.cs,
QualifierOptions.cs; docs packages/download.md: "must resolve to a single package").
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii
from urllib.parse import unquote

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


def _normal(group, name, version, published=None, size=None, listed=True, hashes=None, qualifier=None):
    out = dict(group=group or '', name=name, version=version, qualifier=qualifier or '', published=published,
               size=size, listed=listed, prerelease=semver.is_prerelease(version))
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
                       r.get('listed', True), r, r.get('qualifier')) for r in rows]
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
        if v['version'] not in by[k]['versions']:  # one row per file: a version once
            by[k]['versions'].append(v['version'])
    out = []
    for k in order:
        p = by[k]
        p['versions'] = semver.newest_first(p['versions'])
        p['latest_version'] = semver.latest(p['versions'])
        p['latest_stable_version'] = semver.latest(p['versions'], stable_only=True)
        out.append(p)
    return out


def resolve(client, feed, name, group=None, version=None, api='packages', qualifier=None, stable_only=False):
    """The version dict (one file) to download: ``version`` or, when None, the newest (stable) one;
    None if missing. A version with several files needs ``qualifier``; without it, the error names
    the files' qualifiers (never guess: the hash compared must be the downloaded file's)."""
    rows = [v for v in list_versions(client, feed, name=name, group=group, api=api)
            if str(v['name']).lower() == name.lower() and not (stable_only and v['prerelease'])]
    if version is None and rows:
        version = rows[0]['version']
    rows = [v for v in rows if str(v['version']).lower() == str(version).lower()]
    if qualifier is not None:
        rows = [v for v in rows if v['qualifier'].lower() == qualifier.lower()]
    elif len(rows) > 1:
        raise ValidationError("package '%s' %s in feed '%s' has %d files; set qualifier to one of: %s"
                              % (name, version, feed, len(rows), ', '.join(v['qualifier'] for v in rows)))
    return rows[0] if rows else None


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
    if info.get('qualifier'):
        params['qualifier'] = info['qualifier']
    return 'api/packages/%s/download' % quote_name(feed), params


def file_name(info, api):
    qualifiers = dict(part.partition('=')[::2] for part in info.get('qualifier', '').split('&') if part)
    if qualifiers.get('file'):  # a PyPI file is named by its qualifier
        return unquote(qualifiers['file']).rsplit('/', 1)[-1]
    ext = {'universal': '.upack', 'nuget': '.nupkg'}.get(api, '')
    return '%s-%s%s' % (info['name'], info['version'], ext)
