# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Streamed, atomic downloads for proget_download.

The response is read in pieces into a temporary file in the destination's directory while it is
hashed, checked against the hash ProGet announced (when it did), then moved over ``dest`` with
``module.atomic_move``. Memory does not grow with the file; an interrupted download leaves
``dest`` untouched and no temporary file behind.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import os
import tempfile

from ansible_collections.cac.proget.plugins.module_utils.client import ProGetError

CHUNK = 1024 * 1024


def file_hash(path, algorithm='sha256'):
    """Hex digest of a local file, read in pieces (asset uploads, license files, downloads)."""
    h = hashlib.new(algorithm)
    with open(path, 'rb') as f:
        while True:
            chunk = f.read(CHUNK)
            if not chunk:
                break
            h.update(chunk)
    return h.hexdigest()


def best_hash(info):
    """(algorithm, hex) of the strongest hash ProGet gave, or (None, None)."""
    for algorithm in ('sha256', 'sha512', 'sha1', 'md5'):
        if info and info.get(algorithm):
            return algorithm, str(info[algorithm]).lower()
    return None, None


def fetch(module, client, path, params, dest, expected=(None, None)):
    """Download to ``dest`` atomically; -> (sha256 hex, size)."""
    directory = os.path.dirname(os.path.abspath(dest)) or '.'
    fd, tmp = tempfile.mkstemp(prefix='.%s.' % os.path.basename(dest), suffix='.part', dir=directory)
    sha256 = hashlib.sha256()
    check = hashlib.new(expected[0]) if expected[0] and expected[0] != 'sha256' else None
    size = 0
    try:
        response = client.request('GET', path, params=params, stream=True,
                                  headers={'Accept': '*/*'})
        try:
            with os.fdopen(fd, 'wb') as f:
                fd = None
                for chunk in response.iter_content(CHUNK):
                    f.write(chunk)
                    sha256.update(chunk)
                    if check is not None:
                        check.update(chunk)
                    size += len(chunk)
        finally:
            response.close()
        got = check.hexdigest() if check is not None else sha256.hexdigest()
        if expected[0] and got != expected[1]:
            raise ProGetError('GET %s: the downloaded file has %s %s but ProGet announced %s; dest was not '
                              'changed' % (path, expected[0], got, expected[1]), method='GET', path=path)
        module.atomic_move(tmp, dest)
        tmp = None
    except Exception as e:  # pylint: disable=broad-except
        if fd is not None:
            os.close(fd)
        if isinstance(e, ProGetError):
            raise
        raise ProGetError('GET %s: the download was interrupted: %s; dest was not changed' % (path, e),
                          method='GET', path=path)
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.remove(tmp)
    return sha256.hexdigest(), size
