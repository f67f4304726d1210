"""package_files.read_package: what a local package file is, read from the file itself."""
import pytest

from ansible_collections.cac.proget.plugins.module_utils.package_files import PackageFileError, read_package
from progetsim.packagefiles import deb, npm, nupkg, sdist, upack, wheel


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_each_format(tmp_path):
    cases = [
        ('universal', write(tmp_path, 'a.upack', upack('app', '1.2.0', 'corp')), ('corp', 'app', '1.2.0', '')),
        ('nuget', write(tmp_path, 'A.nupkg', nupkg('Acme.Core', '2.0.1')), ('', 'Acme.Core', '2.0.1', '')),
        ('npm', write(tmp_path, 'x.tgz', npm('x', '2.0.0', scope='corp')), ('corp', 'x', '2.0.0', '')),
        ('npm', write(tmp_path, 'y.tgz', npm('y', '1.0.0')), ('', 'y', '1.0.0', '')),
        ('pypi', write(tmp_path, *wheel('acme', '1.4.0')), ('', 'acme', '1.4.0', 'file=acme-1.4.0-py3-none-any.whl')),
        ('pypi', write(tmp_path, *sdist('acme', '1.4.0')), ('', 'acme', '1.4.0', 'file=acme-1.4.0.tar.gz')),
    ]
    for feed_type, path, want in cases:
        got = read_package(path, feed_type)
        assert (got['group'], got['name'], got['version'], got['qualifier']) == want, (feed_type, path)
    got = read_package(write(tmp_path, *deb('tool', '1.0-1')), 'debian', 'stable', 'main')
    want = ('tool', '1.0-1', 'arch=amd64&component=main&distro=stable')
    assert (got['name'], got['version'], got['qualifier']) == want


@pytest.mark.parametrize('feed_type,data,words', [
    ('nuget', wheel('acme', '1.0')[1], 'has a .nuspec'),
    ('universal', b'not a zip', 'not a zip archive'),
    ('npm', upack('app', '1.0.0'), 'not a tar archive'),
    ('debian', b'random bytes', 'ar archive'),
    ('universal', nupkg('A', '1.0.0'), 'upack.json'),
    ('maven', b'', 'not supported'),
])
def test_not_a_package_of_the_feed_type(tmp_path, feed_type, data, words):
    with pytest.raises(PackageFileError) as e:
        read_package(write(tmp_path, 'f.bin', data), feed_type)
    assert words in str(e.value)
