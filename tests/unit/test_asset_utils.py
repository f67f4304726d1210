"""Asset helpers: path checks, streaming slices, metadata comparison, the sync plan."""
import hashlib

import pytest

from ansible_collections.cac.proget.plugins.module_utils import assets
from ansible_collections.cac.proget.plugins.module_utils import packages
from ansible_collections.cac.proget.plugins.module_utils.engine import ValidationError


@pytest.mark.parametrize('raw,expected', [('a/b.txt', 'a/b.txt'), ('/a/b/', 'a/b'), ('a\\b.txt', 'a/b.txt')])
def test_clean_path(raw, expected):
    assert assets.clean_path(raw) == expected


@pytest.mark.parametrize('raw', ['../x', 'a/../../x', 'a/./b', 'a//b', 'C:/windows', '..\\x', ''])
def test_clean_path_refuses_escapes(raw):
    with pytest.raises(ValidationError):
        assets.clean_path(raw)


def test_url_path_escapes_segments():
    assert assets.endpoint('f', 'content', 'a b/c#d.txt') == 'endpoints/f/content/a%20b/c%23d.txt'


def test_file_slice_reads_range_and_hashes(tmp_path):
    p = tmp_path / 'f'
    data = bytes(range(256)) * 100
    p.write_bytes(data)
    h = hashlib.sha256()
    s = assets.FileSlice(str(p), 1000, 5000, (h,))
    assert len(s) == 5000
    got = b''.join(iter(s))
    assert got == data[1000:6000] and h.hexdigest() == hashlib.sha256(data[1000:6000]).hexdigest()
    assert s.read(10) == b''


def test_metadata_changes_update_and_replace():
    current = {'type': 'text/plain', 'userMetadata': {'a': '1', 'b': {'value': '2', 'includeInResponseHeader': True}},
               'cacheHeader': {'type': 'TTL', 'value': 60}}
    r = assets.AssetResource('f', 'update')
    assert r.changes({'user_metadata': {'b': '2'}}, current) == {}
    assert r.changes({'cache_header': {'type': 'ttl', 'value': '60'}}, current) == {}
    assert r.changes({'cache_header': {'type': 'inherit'}}, current) == {'cacheHeader': {'type': 'inherit'}}
    assert r.changes({'content_type': 'TEXT/PLAIN'}, current) == {}
    replace = assets.AssetResource('f', 'replace')
    assert replace.changes({'user_metadata': {'a': '1'}}, current) == {'userMetadata': {'a': '1'}}
    assert r.changes({'cache_header': {'type': 'ttl', 'value': '90'}}, current) == \
        {'cacheHeader': {'type': 'ttl', 'value': 90}}
    with pytest.raises(ValidationError):
        r.validate({'path': 'x', 'cache_header': {'type': 'ttl', 'value': 'soon'}}, None)


def test_remote_hash_prefers_sha256():
    assert assets.remote_hash({'sha1': 'AA', 'sha256': 'BB'}) == ('sha256', 'bb')
    assert assets.remote_hash({'sha1': 'AA'}) == ('sha1', 'aa')
    assert assets.remote_hash(None) == (None, None)


def test_odata_shapes():
    row = {'Id': 'A', 'Version': '1.0.0', 'PackageHash': 'AAEC', 'PackageHashAlgorithm': 'SHA512'}
    for shape in ({'d': {'results': [row]}}, {'d': [row]}, {'value': [row]}, [row]):
        assert packages._odata_rows(shape) == [row]
    assert packages._from_nuget(row)['sha512'] == '000102'
