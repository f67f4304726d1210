"""module_utils/packages: one row per file, qualifiers, and the download of exactly one file."""
import pytest

from ansible_collections.cac.proget.plugins.module_utils import packages as pk
from ansible_collections.cac.proget.plugins.module_utils.api_keys import ApiKeyResource
from ansible_collections.cac.proget.plugins.module_utils.engine import ValidationError

WHEEL = 'file=acme_tools-1.4.0-py3-none-any.whl'
SDIST = 'file=acme_tools-1.4.0.tar.gz'


class Client:
    def __init__(self, rows):
        self.rows = rows

    def get_json(self, path, params=None, missing_ok=False):
        assert path == 'api/packages/pypi/versions'
        return self.rows


def row(version, qualifier, sha256):
    return dict(name='acme-tools', version=version, qualifier=qualifier, sha256=sha256, size=1)


ROWS = [row('1.4.0', WHEEL, 'aa'), row('1.4.0', SDIST, 'bb'), row('1.5.0-rc.1', SDIST.replace('1.4.0', '1.5.0-rc.1'), 'cc')]


def test_a_version_with_several_files_needs_a_qualifier():
    client = Client(ROWS)
    with pytest.raises(ValidationError) as e:
        pk.resolve(client, 'pypi', 'acme-tools', version='1.4.0')
    assert str(e.value) == ("package 'acme-tools' 1.4.0 in feed 'pypi' has 2 files; set qualifier to one of: "
                            + WHEEL + ', ' + SDIST)
    chosen = pk.resolve(client, 'pypi', 'acme-tools', version='1.4.0', qualifier=SDIST.upper())
    assert chosen['sha256'] == 'bb'
    path, params = pk.download_path('pypi', chosen, 'packages')
    assert path == 'api/packages/pypi/download'
    assert params == dict(name='acme-tools', version='1.4.0', qualifier=SDIST)
    assert pk.file_name(chosen, 'packages') == 'acme_tools-1.4.0.tar.gz'
    assert pk.resolve(client, 'pypi', 'acme-tools', version='1.4.0', qualifier='file=nope') is None


def test_latest_and_stable_only_pick_a_version_then_a_file():
    client = Client(ROWS)
    assert pk.resolve(client, 'pypi', 'acme-tools')['version'] == '1.5.0-rc.1'  # one file: no qualifier needed
    with pytest.raises(ValidationError, match='has 2 files'):
        pk.resolve(client, 'pypi', 'acme-tools', stable_only=True)
    assert pk.resolve(client, 'pypi', 'acme-tools', stable_only=True, qualifier=WHEEL)['sha256'] == 'aa'


def test_summary_lists_each_version_once():
    versions = pk.list_versions(Client(ROWS), 'pypi', name='acme-tools')
    assert [v['qualifier'] for v in versions if v['version'] == '1.4.0'] == [WHEEL, SDIST]
    assert pk.summarize(versions)[0]['versions'] == ['1.5.0-rc.1', '1.4.0']


@pytest.mark.parametrize('shown', [['full-control'], ['feeds', 'sca', 'sbom-upload'], ['SCA', 'sbom-upload', 'Feeds']])
def test_full_control_and_its_three_apis_are_the_same_key(shown):
    field = ApiKeyResource.fields['system_apis']
    assert field.comparable(['full-control']) == field.comparable(shown) == ['full-control']
    assert field.comparable(['feeds', 'sca']) == ['feeds', 'sca']


def test_publish_compares_names_and_versions_as_the_ecosystems_do():
    from ansible_collections.cac.proget.plugins.module_utils.publish import _name, _version
    for a, b in (('1.0', '1.0.0'), ('1.0.0.0', '1.0.0'), ('01.2.3', '1.2.3'), ('1.0.0-RC.1', '1.0.0-rc.1'),
                 ('1.2.3+build.5', '1.2.3')):
        assert _version(a) == _version(b), (a, b)
    for a, b in (('1.0.1', '1.0.0'), ('1.0.0.1', '1.0.0'), ('1.0.0-rc.1', '1.0.0'), ('2:1.0-1', '1.0-1')):
        assert _version(a) != _version(b), (a, b)
    assert _name('acme_tools') == _name('Acme-Tools') == _name('acme.tools')
    assert _name('acme-tool') != _name('acme-tools')
