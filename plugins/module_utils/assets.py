# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Asset directories: /endpoints/{feed}/... (proget-api.md section 5).

* :class:`AssetResource` declares the managed metadata of one item (``content_type``,
  ``user_metadata``, ``cache_header``) for the reconcile engine; the item itself (the file) is
  created by uploading it (:func:`upload_file`), which the engine does not do.
* :func:`ensure_file`, :func:`ensure_directory`, :func:`ensure_absent` are the whole logic of
  ``proget_asset``; :func:`list_items` / :func:`get_item` serve ``proget_asset_info`` and
  ``proget_download``.

Files are streamed from disk (one part at a time, never the whole file in memory) and hashed
while read. A file is uploaded only when its hash differs from ProGet's (SHA-256, or SHA-1 on
servers that return only that). Above ``part_size`` the multipart protocol is used; the file
appears in ProGet only after the final ``multipart=complete`` call, so an interrupted upload
leaves nothing behind and the next run uploads it again.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import os
import uuid

from ansible_collections.cac.proget.plugins.module_utils.api import NoApi
from ansible_collections.cac.proget.plugins.module_utils.client import ProGetError, quote_name
from ansible_collections.cac.proget.plugins.module_utils.download import file_hash
from ansible_collections.cac.proget.plugins.module_utils.engine import Resource, reconcile
from ansible_collections.cac.proget.plugins.module_utils.fields import Field, ValidationError
from ansible_collections.cac.proget.plugins.module_utils.feeds import FeedResource
from ansible_collections.cac.proget.plugins.module_utils.parallel import DONE, FAILED, checked_workers, run_bounded

DEFAULT_PART_SIZE = 5 * 1024 * 1024
MIN_PART_SIZE = 1024          # pgutil's library minimum (proget-api.md 5.3)
READ_SIZE = 1024 * 1024
CACHE_TYPES = ('nocache', 'ttl', 'custom', 'inherit')


# -- paths -------------------------------------------------------------------------------------
def clean_path(path, option='path', allow_empty=False):
    """``a/b/c.txt`` from what the user typed; ``..``/``.``/empty segments are refused."""
    p = (path or '').replace('\\', '/').strip('/')
    if not p:
        if allow_empty:
            return ''
        raise ValidationError('%s must not be empty' % option)
    for seg in p.split('/'):
        if seg in ('', '.', '..'):
            raise ValidationError("%s %r: '..', '.' and empty segments are not allowed (the path must "
                                  'stay inside the asset directory)' % (option, path))
    if ':' in p.split('/')[0]:
        raise ValidationError('%s %r: absolute paths are not allowed' % (option, path))
    return p


def url_path(path):
    return '/'.join(quote_name(seg) for seg in path.split('/')) if path else ''


def endpoint(feed, op, path=''):
    return 'endpoints/%s/%s/%s' % (quote_name(feed), op, url_path(path))


def item_path(item):
    """The full path (``a/b/c.txt``) of an AssetDirectoryItem."""
    parent = (item.get('parent') or '').strip('/')
    return parent + '/' + item['name'] if parent else item['name']


def is_dir(item):
    return str(item.get('type', '')).lower() == 'dir'


# -- hashing and streaming ---------------------------------------------------------------------
def remote_hash(item):
    """-> (algorithm, hex) ProGet gave for a file: SHA-256, else SHA-1 (older servers)."""
    for algorithm in ('sha256', 'sha1'):
        if item and item.get(algorithm):
            return algorithm, str(item[algorithm]).lower()
    return None, None


class FileSlice:
    """``length`` bytes of a file from ``offset``, read in pieces, hashed on the way.

    Given to requests as ``data=``: it has ``__len__`` (so Content-Length is sent, no chunked
    encoding) and ``read(n)``; memory stays at one read buffer whatever the size.
    """

    def __init__(self, path, offset, length, hashers=()):
        self.path = path
        self.offset = offset
        self.length = length
        self.left = length
        self.hashers = hashers
        self.f = None

    def __len__(self):
        return self.length

    def read(self, n=-1):
        if self.f is None:
            self.f = open(self.path, 'rb')
            self.f.seek(self.offset)
        if self.left <= 0:
            self.f.close()
            return b''
        n = self.left if n is None or n < 0 else min(n, self.left)
        data = self.f.read(min(n, READ_SIZE * 4))
        self.left -= len(data)
        for h in self.hashers:
            h.update(data)
        if not data:
            self.left = 0
        return data

    def __iter__(self):
        while True:
            data = self.read(READ_SIZE)
            if not data:
                return
            yield data

    def close(self):
        if self.f is not None:
            self.f.close()


def upload_file(client, feed, path, src, size, part_size, content_type=None):
    """Upload ``src`` (a local file of ``size`` bytes) to ``path``, streamed from disk.

    Not hashed on the way: ProGet computes the hashes, and the caller reads them back.
    """
    headers = {'Content-Type': content_type} if content_type else None
    url = endpoint(feed, 'content', path)
    if size <= part_size:
        body = FileSlice(src, 0, size)
        try:
            client.request('POST', url, data=body, headers=headers)
        finally:
            body.close()
        return
    upload_id = uuid.uuid4().hex
    parts = (size + part_size - 1) // part_size
    for index in range(parts):
        offset = index * part_size
        length = min(part_size, size - offset)
        body = FileSlice(src, offset, length)
        params = dict(id=upload_id, multipart='upload', index=index, offset=offset, totalSize=size,
                      partSize=length, totalParts=parts)
        try:
            client.request('POST', url, params=params, data=body, headers=headers)
        except ProGetError as e:
            raise ProGetError('multipart upload of %s, part %d of %d: %s (nothing was published; '
                              'the next run uploads the file again)' % (path, index + 1, parts, e),
                              status=e.status, method=e.method, path=e.path, body=e.body)
        finally:
            body.close()
    client.request('POST', url, params=dict(id=upload_id, multipart='complete'), data=b'')


def upload_bytes(client, feed, path, data, content_type=None):
    headers = {'Content-Type': content_type} if content_type else None
    client.request('POST', endpoint(feed, 'content', path), data=data, headers=headers)


def checked_part_size(params):
    part_size = params.get('part_size') or DEFAULT_PART_SIZE
    if part_size < MIN_PART_SIZE:
        raise ValidationError('part_size %d is below the minimum of %d bytes ProGet accepts per part'
                              % (part_size, MIN_PART_SIZE))
    return part_size


# -- metadata as an engine resource -------------------------------------------------------------
def _meta_value(value):
    if isinstance(value, dict):
        value = value.get('value')
    return '' if value is None else str(value)


def _cache_comparable(value):
    if not value:
        return {'type': 'inherit', 'value': None}
    t = str(value.get('type') or '').lower()
    if t == 'inherit':
        return {'type': 'inherit', 'value': None}
    v = value.get('value')
    return {'type': t, 'value': None if t == 'nocache' or v is None else str(v)}


class AssetMetadataApi:
    """One asset directory: ``GET|POST endpoints/<dir>/metadata/<path>`` and ``POST
    endpoints/<dir>/delete/<path>?recursive=`` (docs assets/metadata/*.md, assets/folders/delete.md;
    pgutil AssetDirectoryClient.cs). Items are created by uploading them, not here."""

    def __init__(self, feed, mode='update', recursive=False):
        self.feed = feed
        self.mode = mode
        self.recursive = recursive

    def get(self, client, kind, ident):
        item = client.get_json(endpoint(self.feed, 'metadata', ident), missing_ok=True)
        return dict(item, path=item_path(item)) if item is not None else None

    def update(self, client, kind, ident, payload, current):
        body = dict(payload)
        # 'replace' only with the metadata itself: a content-type or cache-header change alone must
        # not wipe the user metadata (pgutil sends 'update' for those).
        body['userMetadataUpdateMode'] = self.mode if 'userMetadata' in body else 'update'
        client.request('POST', endpoint(self.feed, 'metadata', ident), json_body=body)
        return None

    def delete(self, client, kind, ident, current):
        params = {'recursive': 'true' if self.recursive else 'false'}
        client.request('POST', endpoint(self.feed, 'delete', ident), params=params)


class AssetResource(Resource):
    """The metadata of one asset item (file or folder); identity = its path."""

    name = 'asset'
    plural = 'assets'
    identity = 'path'
    identity_api = 'path'
    fields = {
        'content_type': Field(api='type'),
        'user_metadata': Field(api='userMetadata', type='dict'),
        'cache_header': Field(api='cacheHeader', type='dict', suboptions=dict(
            type=Field(choices=CACHE_TYPES), value=Field(type='raw'))),
    }

    def __init__(self, feed, mode='update', recursive=False):
        self.feed = feed
        self.mode = mode
        self.api = AssetMetadataApi(feed, mode, recursive)

    def label(self, ident):
        return "asset '%s' in asset directory '%s'" % (ident, self.feed)

    def changes(self, params, current, force_write_only=False):
        out = {}
        cur = current or {}
        ct = params.get('content_type')
        if ct is not None and not is_dir(cur) and str(cur.get('type') or '').lower() != ct.lower():
            out['type'] = ct
        um = params.get('user_metadata')
        if um is not None:
            have = dict((k, _meta_value(v)) for k, v in (cur.get('userMetadata') or {}).items())
            want = dict((k, _meta_value(v)) for k, v in um.items())
            if self.mode == 'replace':
                differs = have != want
            else:
                differs = any(have.get(k) != v for k, v in want.items())
            if differs:
                # A value ProGet shows in response headers keeps that flag (AssetUserMetadata.cs: a
                # plain string means includeInResponseHeader false).
                shown = cur.get('userMetadata') or {}
                out['userMetadata'] = dict(
                    (k, {'value': v, 'includeInResponseHeader': True}
                     if isinstance(shown.get(k), dict) and shown[k].get('includeInResponseHeader') else v)
                    for k, v in want.items())
        ch = params.get('cache_header')
        if ch is not None and _cache_comparable(ch) != _cache_comparable(cur.get('cacheHeader')):
            value = ch.get('value')
            body = {'type': ch['type']}
            if value is not None and ch['type'] in ('ttl', 'custom'):
                body['value'] = value if ch['type'] == 'custom' else int(value)
            out['cacheHeader'] = body
        return out

    def validate(self, params, current):
        ch = params.get('cache_header')
        if ch is not None:
            t = ch.get('type')
            if t == 'ttl':
                try:
                    if int(str(ch.get('value')).strip()) < 0:
                        raise ValueError()
                except ValueError:
                    raise ValidationError('%s: cache_header.value must be a number of seconds for type ttl'
                                          % self.label(params['path']))
            if t == 'custom' and not ch.get('value'):
                raise ValidationError('%s: cache_header.value must be a Cache-Control string for type custom'
                                      % self.label(params['path']))

    def create_payload(self, params, desired):
        return dict(desired)

    def view(self, obj, params=None):
        if obj is None:
            return {}
        out = {'path': obj.get('path')}
        names = [k for k in self.fields if params is None or params.get(k) is not None]
        for name in names:
            if name == 'content_type':
                out[name] = obj.get('type')
            elif name == 'user_metadata':
                out[name] = dict((k, _meta_value(v)) for k, v in (obj.get('userMetadata') or {}).items())
            else:
                c = _cache_comparable(obj.get('cacheHeader'))
                out[name] = c
        return out

    def expected_after(self, current, desired):
        after = dict(current or {})
        for k, v in desired.items():
            if k == 'userMetadata' and self.mode == 'update':
                merged = dict(after.get('userMetadata') or {})
                merged.update(v)
                after[k] = merged
            elif k == 'cacheHeader' and v.get('type') == 'inherit':
                after.pop(k, None)
            else:
                after[k] = v
        return after


# -- feed check --------------------------------------------------------------------------------
def check_asset_feed(client, feed):
    """Fail clearly when ``feed`` is not an asset directory (when the caller may read feeds)."""
    try:
        info = FeedResource().get(client, feed)
    except ProGetError:
        return  # no permission to read feed settings: ProGet's own answer will have to do
    if info is None:
        raise ValidationError("feed '%s' does not exist (create it with cac.proget.proget_feed, type asset)" % feed)
    if str(info.get('feedType', '')).lower() != 'asset':
        raise ValidationError("feed '%s' is a %s feed, not an asset directory (feed type asset)"
                              % (feed, info.get('feedType')))


def list_items(client, feed, path='', recursive=True):
    """Items under a folder (``[]`` for a missing folder, whichever way ProGet says so)."""
    params = {'recursive': 'true' if recursive else 'false'}
    items = client.get_json(endpoint(feed, 'dir', path), params=params, missing_ok=True) or []
    return [dict(i, path=item_path(i)) for i in items]


def get_item(client, feed, path):
    return AssetResource(feed).get(client, path)


# -- the three states --------------------------------------------------------------------------
def _metadata(client, resource, params, current, check_mode):
    managed = any(params.get(k) is not None for k in resource.fields)
    if not managed:
        return dict(changed=False, diff=dict(before={}, after={}), object=current)
    outcome = reconcile(client, resource, params, check_mode=check_mode, current=current, fetched=True)
    if outcome['changed'] and not check_mode:
        outcome['object'] = resource.get(client, params['path'])
    return outcome


def ensure_file(client, params, check_mode):
    feed = params['feed']
    path = clean_path(params['path'])
    part_size = checked_part_size(params)
    src, content = params.get('src'), params.get('content')
    data, size = None, None
    if src is not None:
        if not os.path.isfile(src):
            raise ValidationError("asset '%s': src %s is not a file (it does not exist, or is a directory; "
                                  'use state: directory to sync a folder)' % (path, src))
        size = os.path.getsize(src)
    elif content is not None:
        data = content.encode('utf-8')
        size = len(data)
    resource = AssetResource(feed, params.get('metadata_mode') or 'update')
    resource.validate(dict(params, path=path), None)
    current = resource.get(client, path)
    if current is not None and is_dir(current):
        raise ValidationError("asset '%s' in '%s' is a folder, not a file" % (path, feed))
    if current is None:
        check_asset_feed(client, feed)
        if size is None:
            raise ValidationError("asset '%s' in '%s' does not exist; give src or content to upload it"
                                  % (path, feed))
    if size is None:  # no src or content: only the metadata of the file that is there is managed
        upload = False
        size = current.get('size')
    else:
        upload = current is None or params.get('force') or (current.get('size') is not None
                                                            and current['size'] != size)
        if not upload:
            algorithm, have = remote_hash(current)
            local = hashlib.new(algorithm, data).hexdigest() if data is not None else file_hash(src, algorithm)
            upload = local != have
    before = dict(path=path, sha256=current.get('sha256'), size=current.get('size')) if current else {}
    checksum = None
    if upload and not check_mode:
        if data is not None:
            upload_bytes(client, feed, path, data, params.get('content_type'))
        else:
            upload_file(client, feed, path, src, size, part_size, params.get('content_type'))
        current = resource.get(client, path)
        if current is None:
            raise ProGetError("asset '%s' in '%s' is missing right after its upload" % (path, feed))
        checksum = current.get('sha256')
    elif not upload:
        checksum = current.get('sha256')
    elif data is not None:
        checksum = hashlib.sha256(data).hexdigest()
    after = dict(path=path, sha256=checksum, size=size)
    meta = _metadata(client, resource, dict(params, path=path), current, check_mode)
    diff = dict(before=dict(before, **meta['diff']['before']), after=dict(after, **meta['diff']['after']))
    return dict(changed=bool(upload) or meta['changed'], uploaded=bool(upload), checksum=checksum,
                asset=meta['object'] if meta['object'] is not None else (current or {}), diff=diff)


def _local_tree(src):
    files, dirs = {}, set()
    for root, dirnames, filenames in os.walk(src):
        dirnames.sort()
        rel_root = os.path.relpath(root, src).replace(os.sep, '/')
        rel_root = '' if rel_root == '.' else rel_root
        if rel_root:
            dirs.add(rel_root)
        for name in sorted(filenames):
            full = os.path.join(root, name)
            if os.path.isfile(full):
                files[rel_root + '/' + name if rel_root else name] = full
    return files, dirs


class _Upload:
    """One file of a directory sync, as a job of :func:`parallel.run_bounded`."""

    def __init__(self, feed, path, src, part_size):
        self.feed, self.path, self.src, self.part_size = feed, path, src, part_size

    def __call__(self, client):
        upload_file(client, self.feed, self.path, self.src, os.path.getsize(self.src), self.part_size)


class _Delete:
    """One remote item of a directory sync that src does not have (``delete: true``)."""

    def __init__(self, feed, path):
        self.feed, self.path = feed, path

    def __call__(self, client):
        client.request('POST', endpoint(self.feed, 'delete', self.path), params={'recursive': 'true'})


def _sync_writes(client, workers, what, jobs):
    """Run the uploads (or deletions) of a sync; on failure raise the first error (in path order),
    saying how many were done: the next run does the rest (unchanged files are not sent again)."""
    outcomes = run_bounded(jobs, client, workers)
    failed = [(job, value) for job, (status, value) in zip(jobs, outcomes) if status == FAILED]
    if not failed:
        return
    job, error = failed[0]
    if not isinstance(error, ProGetError):
        raise error
    done = sum(1 for outcome in outcomes if outcome[0] == DONE)
    more = ' (%d more failed at the same time)' % (len(failed) - 1) if len(failed) > 1 else ''
    raise ProGetError('%s of %s failed: %s%s; %d of %d %ss done before the failure, the next run does the rest'
                      % (what, job.path, error, more, done, len(jobs), what), status=error.status,
                      method=error.method, path=error.path, body=error.body, uncertain=error.uncertain)


def ensure_directory(client, params, check_mode):
    """A folder; with ``src`` the tree below it is synced (one listing request)."""
    feed = params['feed']
    path = clean_path(params['path'], allow_empty=True)
    part_size = checked_part_size(params)
    try:
        workers = checked_workers(params.get('parallel_writes'))
    except ValueError as e:
        raise ValidationError("asset folder '%s': %s" % (path, e))
    src = params.get('src')
    if src is not None and not os.path.isdir(src):
        raise ValidationError("asset folder '%s': src %s is not a local directory" % (path, src))
    resource = AssetResource(feed, params.get('metadata_mode') or 'update')
    resource.validate(dict(params, path=path), None)
    folder = resource.get(client, path) if path else {'type': 'dir', 'path': ''}
    if folder is not None and not is_dir(folder):
        raise ValidationError("asset '%s' in '%s' is a file, not a folder" % (path, feed))
    if folder is None:
        check_asset_feed(client, feed)
    remote = {}
    if src is not None and folder is not None:
        base = len(path) + 1 if path else 0
        for item in list_items(client, feed, path, recursive=True):
            remote[item['path'][base:]] = item
    plan = dict(create_folder=folder is None, upload=[], delete=[], unchanged=0)
    if src is not None:
        local_files, local_dirs = _local_tree(src)
        for rel, full in sorted(local_files.items()):
            item = remote.get(rel)
            if item is not None and is_dir(item):
                raise ValidationError("asset '%s' in '%s' is a folder on the server but a file in src"
                                      % ('/'.join(filter(None, [path, rel])), feed))
            if item is None or params.get('force') or item.get('size') != os.path.getsize(full):
                plan['upload'].append(rel)
                continue
            algorithm, have = remote_hash(item)
            if algorithm is None or file_hash(full, algorithm) != have:
                plan['upload'].append(rel)
            else:
                plan['unchanged'] += 1
        if params.get('delete'):
            for rel, item in sorted(remote.items()):
                if is_dir(item):
                    if rel not in local_dirs and not any(rel.startswith(d + '/') for d in plan['delete']):
                        plan['delete'].append(rel)
                elif rel not in local_files and not any(rel.startswith(d + '/') for d in plan['delete']):
                    plan['delete'].append(rel)
    changed = bool(plan['create_folder'] or plan['upload'] or plan['delete'])
    if not check_mode:
        if plan['create_folder'] and path:
            client.request('POST', endpoint(feed, 'dir', path))
        # deletions first (a remote file may stand where src has a folder), then the uploads; up to
        # parallel_writes at a time, each worker thread with its own session (module_utils/parallel.py)
        _sync_writes(client, workers, 'delete', [
            _Delete(feed, '/'.join(filter(None, [path, rel]))) for rel in plan['delete']])
        _sync_writes(client, workers, 'upload', [
            _Upload(feed, '/'.join(filter(None, [path, rel])), local_files[rel], part_size) for rel in plan['upload']])
    meta = dict(changed=False, diff=dict(before={}, after={}), object=folder)
    if path and any(params.get(k) is not None for k in ('user_metadata', 'cache_header')):
        current = folder if folder is not None and not plan['create_folder'] else (
            None if check_mode else resource.get(client, path))
        meta = _metadata(client, resource, dict(params, path=path, content_type=None), current, check_mode)
    diff = dict(before=dict(meta['diff']['before'], files=sorted(rel for rel in remote if not is_dir(remote[rel]))) if src else meta['diff']['before'],
                after=dict(meta['diff']['after'], upload=plan['upload'], delete=plan['delete']) if src else meta['diff']['after'])
    return dict(changed=changed or meta['changed'], plan=plan, asset=meta['object'] or {}, diff=diff)


def ensure_absent(client, params, check_mode):
    feed = params['feed']
    path = clean_path(params['path'])
    recursive = bool(params.get('recursive'))
    resource = AssetResource(feed, recursive=recursive)
    current = resource.get(client, path)
    if current is None:
        return dict(changed=False, asset={}, diff=dict(before={}, after={}))
    # Without recursive ProGet refuses a non-empty folder (400, reported); check mode predicts it.
    if is_dir(current) and not recursive and check_mode:
        if list_items(client, feed, path, recursive=False):
            raise ValidationError("asset folder '%s' in '%s' is not empty; set recursive: true to delete it"
                                  % (path, feed))
    if not check_mode:
        try:
            resource.delete(client, path, current)
        except ProGetError as e:
            raise ProGetError('failed to delete %s: %s' % (resource.label(path), e), status=e.status,
                              method=e.method, path=e.path, body=e.body)
    return dict(changed=True, asset={}, diff=dict(before=dict(path=path, type=current.get('type')), after={}))


ARGUMENT_SPEC = dict(
    feed=dict(type='str', required=True),
    path=dict(type='str', required=True),
    state=dict(type='str', default='present', choices=['present', 'directory', 'absent']),
    src=dict(type='path'),
    content=dict(type='str'),
    content_type=dict(type='str'),
    user_metadata=dict(type='dict'),
    metadata_mode=dict(type='str', default='update', choices=['update', 'replace']),
    cache_header=dict(type='dict', options=dict(
        type=dict(type='str', required=True, choices=list(CACHE_TYPES)),
        value=dict(type='raw'))),
    force=dict(type='bool', default=False),
    part_size=dict(type='int', default=DEFAULT_PART_SIZE),
    delete=dict(type='bool', default=False),
    recursive=dict(type='bool', default=False),
    parallel_writes=dict(type='int', default=1),
)


def asset_params(entry):
    """A state-document entry completed with the module's defaults."""
    params = dict((k, v.get('default')) for k, v in ARGUMENT_SPEC.items())
    params.update(entry)
    return params


def ensure_asset(client, params, check_mode):
    """proget_asset for one entry: a file, a folder (synced from src) or nothing."""
    if params.get('src') is not None and params.get('content') is not None:
        raise ValidationError("asset '%s': src and content are mutually exclusive" % params.get('path'))
    state = params.get('state') or 'present'
    if state == 'present':
        return ensure_file(client, params, check_mode)
    if state == 'directory':
        if params.get('content') is not None:
            raise ValidationError("asset '%s': content cannot be used with state directory" % params['path'])
        return ensure_directory(client, params, check_mode)
    return ensure_absent(client, params, check_mode)


class AssetKind(Resource):
    """Asset files and folders in the state document: each entry takes the options of proget_asset
    and is applied by its logic (:func:`ensure_asset`), after every other kind."""

    name = 'asset'
    plural = 'assets'
    identity = 'path'
    api = NoApi()
    prunable = False
    listed = False
    exported = False
    references = ('feeds',)

    def argument_spec(self):
        return dict(ARGUMENT_SPEC)

    def secret_values(self, entry):
        return []

    def ident_of(self, obj):
        return '%s/%s' % (obj['feed'], str(obj['path']).strip('/'))

    def plan(self, client, params, current, catalog):
        params = asset_params(params)
        name, feed = self.ident_of(params), params['feed']
        if not catalog.has('feeds', feed):
            raise ValidationError("asset directory '%s' does not exist and is not declared" % feed)
        if not catalog.exists('feeds', feed):
            # Its asset directory is created by this document first: everything is new.
            action = 'none' if params['state'] == 'absent' else 'create'
            diff = dict(before={}, after=dict(path=params['path'], state=params['state']))
        else:
            result = ensure_asset(client, params, check_mode=True)
            diff, action = result['diff'], 'none'
            if result['changed']:
                action = 'delete' if params['state'] == 'absent' else ('update' if diff['before'] else 'create')
        return dict(name=name, action=action, diff=diff)

    def apply(self, client, params, current, catalog):
        return ensure_asset(client, asset_params(params), check_mode=False)
