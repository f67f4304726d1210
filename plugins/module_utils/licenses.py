# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Licenses: /api/licenses (proget-api.md section 6).

There is no get-one endpoint: get = list + find by code (case-insensitive). Update and delete need
the server's ``id``. License files are not fields of the update body: they are attached with
``files/add?code=`` and removed with ``files/delete?hash=``; the license's ``hashes`` (SHA-256)
are what they are compared by.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

from ansible_collections.cac.proget.plugins.module_utils.api import ListedApi
from ansible_collections.cac.proget.plugins.module_utils.download import file_hash
from ansible_collections.cac.proget.plugins.module_utils.engine import Resource
from ansible_collections.cac.proget.plugins.module_utils.fields import Field, ValidationError, name_set


_SCHEME_RE = re.compile(r'^[A-Za-z][A-Za-z0-9+.-]*://')


def strip_scheme(url):
    return _SCHEME_RE.sub('', str(url))


def _set(value):
    return sorted(set(str(v) for v in value)) if value is not None else None


def _url_set(value):
    return sorted(set(strip_scheme(v) for v in value)) if value is not None else None


class UrlsField(Field):
    """Detection URLs: ProGet stores them without the scheme, so they are sent without it."""

    def to_api(self, value):
        return [strip_scheme(v) for v in value] if value is not None else None


class FilesField(Field):
    """Local license files, managed as the SHA-256 ``hashes`` of the license."""

    def to_api(self, value):
        return [file_hash(path) for path in value] if value is not None else None


FILES = '_files'  # in a write's payload: SHA-256 -> local path of the files to attach (not sent)


class LicenseApi(ListedApi):
    """``api/licenses``: add, update by id, delete; the files are attached with ``files/add?code=``
    and removed with ``files/delete?hash=`` (docs licenses/*.md; pgutil ProGetClient.cs)."""

    def create(self, client, kind, payload):
        body = dict(payload)
        hashes, paths = body.pop('hashes', None), body.pop(FILES, {})
        client.post_json(self.base + '/add', body)
        self._attach(client, body['code'], hashes or [], [], paths)
        return self._reread(client, kind, body['code'])

    def update(self, client, kind, ident, payload, current):
        body = dict(payload)
        hashes, paths = body.pop('hashes', None), body.pop(FILES, {})
        if body:
            # The files attached now go back with every update, as pgutil sends them
            # (Licenses/Detection/AddCommand.cs): a server that reads a missing ``hashes`` as "none"
            # would otherwise detach them. Files to add or remove are attached after.
            body.update(id=current['id'], code=current['code'], hashes=current.get('hashes') or [])
            client.post_json(self.base + '/update', body)
        if hashes is not None:
            self._attach(client, current['code'], hashes, current.get('hashes') or [], paths)
        return self._reread(client, kind, current['code'])

    def _reread(self, client, kind, code):
        # ProGet's add/update answer is empty (2025) or the license (2026): read it back.
        return self.get(client, kind, code)

    def _attach(self, client, code, wanted, have, paths):
        have_lower = [h.lower() for h in have]
        wanted_lower = [h.lower() for h in wanted]
        for digest in wanted_lower:
            if digest not in have_lower:
                with open(paths[digest], 'rb') as handle:
                    client.request('POST', self.base + '/files/add', params={'code': code},
                                   data=handle.read(), headers={'Content-Type': 'application/octet-stream'})
        for digest in have:
            if digest.lower() not in wanted_lower:
                client.request('POST', self.base + '/files/delete', params={'hash': digest}, missing_ok=True)


class LicenseResource(Resource):
    name = 'license'
    plural = 'licenses'
    identity = 'code'
    identity_api = 'code'
    # pgutil deletes by ?id= (ProGetClient.cs), the docs by ?code= (licenses/delete.md): both are sent.
    api = LicenseApi('api/licenses', delete_by=('id', 'code'))
    fields = dict(
        title=Field(required_on_create=True),
        spdx=Field(type='list', elements='str', normalize=name_set),
        urls=UrlsField(type='list', elements='str', normalize=_url_set),
        package_names=Field(type='list', elements='str', normalize=name_set),
        purls=Field(type='list', elements='str', normalize=_set),
        files=FilesField('hashes', type='list', elements='path', normalize=name_set),
    )

    def create_payload(self, params, desired):
        return self._with_paths(params, super(LicenseResource, self).create_payload(params, desired))

    def update_payload(self, params, changes, current):
        return self._with_paths(params, dict(changes))

    def expected_after(self, current, desired):
        after = super(LicenseResource, self).expected_after(current, desired)
        after.pop(FILES, None)
        return after

    def _with_paths(self, params, payload):
        # The local files ride along in the payload to LicenseApi, which never sends them.
        if payload.get('hashes') is not None:
            payload[FILES] = dict(zip([h.lower() for h in payload['hashes']], params.get('files') or []))
        return payload

    def validate(self, params, current):
        code = params.get('code')
        if code is None or not str(code).strip():
            raise ValidationError('license: code must not be empty (the license id, usually its SPDX id such as MIT)')
        if params.get('state') == 'absent':
            return
        for index, path in enumerate(params.get('files') or []):
            if not os.path.isfile(path):
                raise ValidationError("%s: files[%d]: %s does not exist or is not a file"
                                      % (self.label(code), index, path))
            if not os.access(path, os.R_OK):
                raise ValidationError("%s: files[%d]: %s is not readable" % (self.label(code), index, path))
        if params.get('title') is not None and not params['title'].strip():
            raise ValidationError('%s: title must not be empty' % self.label(code))

    def export_entry(self, obj):
        # The server knows only the SHA-256 of license files, not the local files to upload.
        entry, left_out = super(LicenseResource, self).export_entry(obj)
        if entry.pop('files', None):
            left_out.append('files')
        return entry, left_out

    def view(self, obj, params=None):
        out = super(LicenseResource, self).view(obj, params)
        if 'urls' in out and out['urls'] is not None:
            out['urls'] = [strip_scheme(u) for u in out['urls']]
        return out
