# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Release pipeline steps: publish, delete, set the status of and promote one package version
(proget-api.md section 10.2; docs packages/upload.md, delete.md, status.md, promote/#.md,
promotion-query.md; pgutil ProGetClient.cs, PackageStatus.cs, PromotePackageInput.cs).

Every step reads first and writes only what differs: a version already there with the same
SHA-256 is not uploaded again, a status already set is not sent, a version already in the target
feed is not promoted again. Check mode reads and reports what would be written.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from urllib.parse import unquote

from ansible_collections.cac.proget.plugins.module_utils.client import ProGetError, quote_name
from ansible_collections.cac.proget.plugins.module_utils.download import file_hash
from ansible_collections.cac.proget.plugins.module_utils.fields import ValidationError
from ansible_collections.cac.proget.plugins.module_utils.package_files import PackageFileError, read_package

BLOCKED = {'blocked': False, 'allowed': True, 'notset': None}   # option -> PackageStatus.allow


def _same(a, b):
    return str(a or '').lower() == str(b or '').lower()


def _qualifier(text):
    """A qualifier as a comparable set of (key, value) (order and escaping do not matter)."""
    pairs = (p.split('=', 1) + [''] for p in (text or '').split('&') if p)
    return sorted((pair[0].lower(), unquote(pair[1])) for pair in pairs)


def feed_type(client, feed):
    """The feed's type (BasicFeedInfo of ``GET /api/packages/{feed}``); ValidationError if missing."""
    info = client.get_json('api/packages/%s' % quote_name(feed), missing_ok=True)
    if not info:
        raise ValidationError("feed '%s' does not exist, or is not a package feed (an asset directory's files are "
                              'managed with cac.proget.proget_asset)' % feed)
    kind = str(info.get('feedType') or '').lower()
    if kind == 'asset':
        raise ValidationError("feed '%s' is an asset directory: its files have no versions or status; manage them "
                              'with cac.proget.proget_asset' % feed)
    return kind


def label(ident):
    text = '%s%s %s' % (ident['group'] + '/' if ident.get('group') else '', ident['name'], ident['version'])
    return text + (' (%s)' % ident['qualifier'] if ident.get('qualifier') else '')


def _name(text):
    """Names compare as the package ecosystems do: case-insensitively, and ``-``, ``_`` and ``.``
    runs alike (PEP 503, which PyPI feeds follow; harmless for the others)."""
    return re.sub(r'[-_.]+', '-', str(text or '')).lower()


def _version(text):
    """Versions compare as NuGet normalises them (``1.0`` = ``1.0.0`` = ``1.0.0.0``; build metadata
    aside); other ecosystems' versions are compared as written, but for case."""
    text = str(text or '').split('+', 1)[0].lower()
    head, sep, rest = text.partition('-')
    parts = head.split('.')
    if 1 < len(parts) <= 4 and all(p.isdigit() for p in parts):
        parts = [str(int(p)) for p in parts] + ['0'] * (3 - len(parts))
        if len(parts) == 4 and parts[3] == '0':
            parts = parts[:3]
        head = '.'.join(parts)
    return head + sep + rest


def rows(client, feed, ident):
    """The files of one version (one row each) in a feed, as the Packages API lists them."""
    params = dict(name=ident['name'], version=ident['version'])
    if ident.get('group'):
        params['group'] = ident['group']
    found = client.get_json('api/packages/%s/versions' % quote_name(feed), params=params) or []
    return [r for r in found if _name(r.get('name')) == _name(ident['name'])
            and _version(r.get('version')) == _version(ident['version']) and _same(r.get('group'), ident.get('group'))]


def one(found, ident, feed):
    """The row ``ident`` names: by its qualifier, or the only one; ValidationError when several."""
    if ident.get('qualifier'):
        found = [r for r in found if _qualifier(r.get('qualifier')) == _qualifier(ident['qualifier'])]
    elif len(found) > 1:
        raise ValidationError("package %s in feed '%s' has %d files; set qualifier to one of: %s"
                              % (label(ident), feed, len(found), ', '.join(r.get('qualifier') or '' for r in found)))
    return found[0] if found else None


def identity(client, params):
    """(feed type, identity dict, local file facts or None) from the options and the file."""
    kind = feed_type(client, params['feed'])
    given = dict((k, params.get(k)) for k in ('group', 'name', 'version', 'qualifier'))
    if not params.get('src'):
        missing = [k for k in ('name', 'version') if not given[k]]
        if missing:
            raise ValidationError('set src (a package file) or %s' % ' and '.join(missing))
        return kind, dict((k, v or '') for k, v in given.items()), None
    if kind == 'debian' and not params.get('distribution'):
        raise ValidationError("feed '%s' is a Debian feed: set distribution (and component, default main)"
                              % params['feed'])
    try:
        meta = read_package(params['src'], kind, params.get('distribution'), params.get('component') or 'main')
    except PackageFileError as e:
        raise ValidationError("src '%s' is not a package that a %s feed takes: %s" % (params['src'], kind, e))
    except (IOError, OSError) as e:
        raise ValidationError("src '%s' cannot be read: %s" % (params['src'], e))
    for key in ('group', 'name', 'version', 'qualifier'):
        if given[key] and not (_qualifier(given[key]) == _qualifier(meta[key]) if key == 'qualifier'
                               else (_version(given[key]) == _version(meta[key]) if key == 'version'
                                     else _name(given[key]) == _name(meta[key]))):
            raise ValidationError("%s %r does not match src '%s', which is %s (%s %r)"
                                  % (key, given[key], params['src'], label(meta), key, meta[key]))
    meta['sha256'] = file_hash(params['src'], 'sha256')
    return kind, meta, meta


def status_change(row, params):
    """The PackageStatus members to send (only those that differ), or {}."""
    out = {}
    if params.get('listed') is not None and bool(row.get('listed', True)) != params['listed']:
        out['listed'] = params['listed']
    if params.get('deprecated') is not None:
        reason = params.get('deprecation_reason') if params['deprecated'] else None
        if bool(row.get('deprecated')) != params['deprecated'] or (
                params['deprecated'] and reason is not None and (row.get('deprecationReason') or '') != reason):
            out['deprecated'] = params['deprecated']
            if params['deprecated'] and reason is not None:
                out['deprecationReason'] = reason
    if params.get('blocked') is not None and row.get('allowDownload') != BLOCKED[params['blocked']]:
        out['allow'] = BLOCKED[params['blocked']]
    if out and 'allow' not in out:
        # a server may read an omitted allow as null ("not set"): send the current one back
        out['allow'] = row.get('allowDownload')
    return out


def status_of(row):
    allow = row.get('allowDownload')
    return dict(listed=bool(row.get('listed', True)), deprecated=bool(row.get('deprecated')),
                deprecation_reason=row.get('deprecationReason'),
                blocked='notset' if allow is None else ('allowed' if allow else 'blocked'))


def _query(ident):
    params = dict(name=ident['name'], version=ident['version'])
    for key in ('group', 'qualifier'):
        if ident.get(key):
            params[key] = ident[key]
    return params


def ensure_package(client, params, check_mode):
    """proget_package: the outcome dict (changed, actions, package, diff)."""
    feed = params['feed']
    kind, ident, local = identity(client, params)
    if params.get('deprecation_reason') is not None and params.get('deprecated') is not True:
        raise ValidationError('deprecation_reason needs deprecated: true')
    row = one(rows(client, feed, ident), ident, feed)
    actions, before, row_before = [], status_of(row) if row else None, row or {}
    if params['state'] == 'absent':
        if row is None:
            return dict(changed=False, actions=[], package=None, diff=dict(before={}, after={}))
        if not check_mode:
            query = _query(dict(ident, qualifier=row.get('qualifier') or ident.get('qualifier')))
            _write(client, 'delete', feed, ident,
                   lambda: client.request('POST', 'api/packages/%s/delete' % quote_name(feed), params=query))
        return dict(changed=True, actions=['delete'], package=None,
                    diff=dict(before=dict(ident, sha256=row.get('sha256'), **before), after={}))
    if local is not None:
        have = (row or {}).get('sha256')
        if row is None or params.get('force'):
            actions.append('upload')
        elif have and have.lower() != local['sha256']:
            raise ValidationError("package %s is already in feed '%s' with other content (sha256 %s; src has %s); "
                                  'publish it as a new version, or set force: true to overwrite it (needs the '
                                  'Overwrite/Delete permission)' % (label(ident), feed, have, local['sha256']))
        if actions and not check_mode:
            _upload(client, feed, kind, local, params)
            row = one(rows(client, feed, ident), ident, feed)
            if row is None or (row.get('sha256') and row['sha256'].lower() != local['sha256']):
                raise ProGetError("uploaded %s to feed '%s', but ProGet does not list it with the file's sha256 %s"
                                  % (label(ident), feed, local['sha256']))
    elif row is None:
        raise ValidationError("package %s is not in feed '%s'; give src to publish it" % (label(ident), feed))
    body = status_change(row or {'listed': True}, params)
    if body:
        actions.append('status')
        if not check_mode:
            query = _query(dict(ident, qualifier=row.get('qualifier') or ident.get('qualifier')))
            _write(client, 'set the status of', feed, ident,
                   lambda: client.post_json('api/packages/%s/status' % quote_name(feed), body, params=query))
            row = one(rows(client, feed, ident), ident, feed) or row
    expected = dict(row or {}, **_row_status(body))   # check mode: what the writes would make
    package = dict(((k, ident.get(k) or '') for k in ('group', 'name', 'version', 'qualifier')),
                   sha256=(row or {}).get('sha256') or (local or {}).get('sha256'), **status_of(expected))
    return dict(changed=bool(actions), actions=actions, package=package,
                diff=dict(before=dict(package, sha256=row_before.get('sha256'), **before) if before else {},
                          after=package))


def _row_status(body):
    out = {}
    for key, api in (('listed', 'listed'), ('deprecated', 'deprecated'), ('deprecationReason', 'deprecationReason'),
                     ('allow', 'allowDownload')):
        if key in body:
            out[api] = body[key]
    return out


def _upload(client, feed, kind, local, params):
    query = None
    if kind == 'debian':
        query = dict(distribution=params['distribution'], component=params.get('component') or 'main')
    path = 'api/packages/%s/upload/%s' % (quote_name(feed), quote_name(local['file_name']))
    with open(params['src'], 'rb') as f:
        _write(client, 'upload', feed, local, lambda: client.request('PUT', path, params=query, data=f))


def _write(client, what, feed, ident, send):
    try:
        return send()
    except ProGetError as e:
        text = str(e)
        if e.status == 429 and what == 'delete':
            text += ' (ProGet Free allows 10 package deletes an hour through the API)'
        raise ProGetError("failed to %s package %s in feed '%s': %s" % (what, label(ident), feed, text),
                          status=e.status, method=e.method, path=e.path, body=e.body, uncertain=e.uncertain)


# -- promotion --------------------------------------------------------------------------------------
def promotions(client, ident, from_feed=None, to_feed=None):
    """Recorded promotions of one version (docs promotion-query.md: filters fromFeed, toFeed,
    group, package, version)."""
    params = dict(package=ident['name'], version=ident['version'])
    for key, value in (('group', ident.get('group')), ('fromFeed', from_feed), ('toFeed', to_feed)):
        if value:
            params[key] = value
    out = []
    for pkg in client.get_json('api/promotions/list', params=params) or []:
        for p in pkg.get('promotions') or []:
            out.append(dict(p, group=pkg.get('group') or '', name=pkg.get('package'), version=pkg.get('version')))
    return out


def ensure_promotion(client, params, check_mode):
    """proget_package_promotion: promote a version unless the target feed has it already."""
    source, target = params['from_feed'], params['to_feed']
    ident = dict(group=params.get('group') or '', name=params['name'], version=params['version'], qualifier='')
    kinds = (feed_type(client, source), feed_type(client, target))
    if kinds[0] != kinds[1]:
        raise ValidationError("cannot promote from feed '%s' (%s) to feed '%s' (%s): ProGet promotes only between "
                              'feeds of the same type' % (source, kinds[0], target, kinds[1]))
    recorded = promotions(client, ident, source, target)
    if recorded or rows(client, target, ident):
        return dict(changed=False, action='none', promotions=recorded)
    if not rows(client, source, ident):
        raise ValidationError("package %s is not in feed '%s'" % (label(ident), source))
    diff = dict(before={}, after=dict(from_feed=source, to_feed=target, group=ident['group'], name=ident['name'],
                                      version=ident['version'], comments=params.get('comments')))
    if not check_mode:
        body = dict(fromFeed=source, toFeed=target, name=ident['name'], version=ident['version'])
        if ident['group']:
            body['group'] = ident['group']
        if params.get('comments'):
            body['comments'] = params['comments']
        _write(client, 'promote', source, ident, lambda: client.post_json('api/promotions/promote', body))
    return dict(changed=True, action='promote', diff=diff,
                promotions=[] if check_mode else promotions(client, ident, source, target))
