# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a local package file is: its feed type, group, name, version and qualifier, read from the
file itself (the manifest each format carries), with the standard library only.

Formats: universal (``.upack``: a zip with ``upack.json``), NuGet (``.nupkg``: a zip with a
``.nuspec``), npm (``.tgz``: ``package/package.json``), PyPI (a wheel's ``*.dist-info/METADATA``,
an sdist's ``PKG-INFO``), Debian (``.deb``: an ar archive whose ``control.tar.*`` has
``control``). The qualifier is the one ProGet lists for the file (pgutil
Packages/QualifierOptions.cs: ``file=<name>`` for PyPI; ``arch=&component=&distro=`` for Debian,
keys sorted, values URL-escaped).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import io
import json
import os
import re
import tarfile
import zipfile
from email.parser import HeaderParser
from urllib.parse import quote
from xml.etree import ElementTree

# feed types -> the package type their files are (a feed type lists one package type)
PACKAGE_TYPES = {'universal': 'upack', 'upack': 'upack', 'nuget': 'nuget', 'npm': 'npm', 'pypi': 'pypi',
                 'debian': 'deb', 'deb': 'deb'}


class PackageFileError(ValueError):
    """The file is not a readable package of the expected type; the message says why."""


def _zip_member(path, pattern, what):
    """The bytes of the first zip member whose name matches ``pattern``."""
    try:
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if re.match(pattern, name, re.IGNORECASE):
                    return z.read(name)
    except (zipfile.BadZipFile, OSError) as e:
        raise PackageFileError('not a zip archive (%s)' % e)
    raise PackageFileError(what)


def _tar_member(path, pattern, what):
    """The bytes of the first tar member (any compression) whose name matches ``pattern``."""
    try:
        with tarfile.open(path, 'r:*') as t:
            for member in t.getmembers():
                if member.isfile() and re.match(pattern, member.name.lstrip('./'), re.IGNORECASE):
                    return t.extractfile(member).read()
    except (tarfile.TarError, OSError, EOFError) as e:
        raise PackageFileError('not a tar archive (%s)' % e)
    raise PackageFileError(what)


def _json(data, what):
    try:
        manifest = json.loads(data.decode('utf-8-sig'))
    except ValueError as e:
        raise PackageFileError('%s is not valid JSON (%s)' % (what, e))
    if not isinstance(manifest, dict):
        raise PackageFileError('%s is not a JSON object' % what)
    return manifest


def _upack(path):
    manifest = _json(_zip_member(path, r'^upack\.json$', 'a universal package has upack.json at its root; this '
                                 'zip has none'), 'upack.json')
    return dict(group=manifest.get('group') or '', name=manifest.get('name'), version=manifest.get('version'))


def _nupkg(path):
    data = _zip_member(path, r'^[^/]+\.nuspec$', 'a NuGet package has a .nuspec at its root; this zip has none')
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as e:
        raise PackageFileError('its .nuspec is not valid XML (%s)' % e)
    values = {}
    for element in root.iter():
        tag = element.tag.rsplit('}', 1)[-1]
        if tag in ('id', 'version') and tag not in values:
            values[tag] = (element.text or '').strip()
    return dict(group='', name=values.get('id'), version=values.get('version'))


def _npm(path):
    manifest = _json(_tar_member(path, r'^package/package\.json$', 'an npm package has package/package.json; this '
                                 'tarball has none'), 'package/package.json')
    name, group = manifest.get('name'), ''
    if isinstance(name, str) and name.startswith('@') and '/' in name:
        group, name = name[1:].split('/', 1)   # the npm scope is the group, without @
    return dict(group=group, name=name, version=manifest.get('version'))


def _pypi(path):
    file_name = os.path.basename(path)
    if file_name.lower().endswith('.whl'):
        data = _zip_member(path, r'^[^/]+\.dist-info/METADATA$', 'a wheel has *.dist-info/METADATA; this one has none')
    elif file_name.lower().endswith('.zip'):
        data = _zip_member(path, r'^[^/]+/PKG-INFO$', 'an sdist has <name>-<version>/PKG-INFO; this zip has none')
    else:
        data = _tar_member(path, r'^[^/]+/PKG-INFO$', 'an sdist has <name>-<version>/PKG-INFO; this tarball has none')
    headers = HeaderParser().parsestr(data.decode('utf-8', 'replace'))
    return dict(group='', name=headers.get('Name'), version=headers.get('Version'),
                qualifier='file=' + quote(file_name, safe=''))


def _ar_members(path):
    with open(path, 'rb') as f:
        if f.read(8) != b'!<arch>\n':
            raise PackageFileError('a Debian package is an ar archive; this file is not one')
        while True:
            header = f.read(60)
            if len(header) < 60:
                return
            name = header[:16].decode('ascii', 'replace').strip().rstrip('/')
            try:
                size = int(header[48:58].decode('ascii').strip())
            except ValueError:
                raise PackageFileError('a Debian package with a damaged ar header')
            yield name, f.read(size)
            if size % 2:
                f.read(1)


def _deb(path, distribution=None, component=None):
    control = None
    for name, data in _ar_members(path):
        if name.startswith('control.tar'):
            try:
                with tarfile.open(fileobj=io.BytesIO(data), mode='r:*') as t:
                    for member in t.getmembers():
                        if member.isfile() and member.name.lstrip('./') == 'control':
                            control = t.extractfile(member).read().decode('utf-8', 'replace')
            except tarfile.TarError as e:
                raise PackageFileError('%s cannot be read (%s; zstd-compressed control is not supported)' % (name, e))
            break
    if control is None:
        raise PackageFileError('a Debian package has control.tar.* with a control file; this one has none')
    fields = dict((k.strip().lower(), v.strip()) for k, v in
                  (line.split(':', 1) for line in control.splitlines() if ':' in line and not line[0].isspace()))
    out = dict(group='', name=fields.get('package'), version=fields.get('version'))
    if distribution and component:
        parts = [('arch', fields.get('architecture') or ''), ('component', component), ('distro', distribution)]
        out['qualifier'] = '&'.join('%s=%s' % (k, quote(v, safe='')) for k, v in parts)
    return out


READERS = {'upack': _upack, 'nuget': _nupkg, 'npm': _npm, 'pypi': _pypi}


def read_package(path, feed_type, distribution=None, component=None):
    """``{group, name, version, qualifier, file_name}`` of a package file for a feed of
    ``feed_type``; PackageFileError when it is not a package of that type."""
    package_type = PACKAGE_TYPES.get(str(feed_type).lower())
    if package_type is None:
        raise PackageFileError('feeds of type %s are not supported (supported: %s)'
                               % (feed_type, ', '.join(sorted(set(PACKAGE_TYPES)))))
    if package_type == 'deb':
        out = _deb(path, distribution, component)
    else:
        out = READERS[package_type](path)
    for key in ('name', 'version'):
        if not isinstance(out.get(key), str) or not out[key].strip():
            raise PackageFileError('its %s manifest has no %s' % (package_type, key))
    out.setdefault('qualifier', '')
    out['file_name'] = os.path.basename(path)
    return out
