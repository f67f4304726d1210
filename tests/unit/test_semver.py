"""SemVer 2 ordering shared by proget_package_info, proget_download and the proget_versions lookup."""
import random

import pytest

from ansible_collections.cac.proget.plugins.module_utils import semver

# semver.org's example order, then NuGet four-part and loose versions
ORDERED = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2',
           '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '1.0.1', '1.2', '1.2.0.5', '1.10.0', '2.0.0']


def test_semver_org_order():
    shuffled = list(ORDERED)
    random.Random(7).shuffle(shuffled)
    assert semver.newest_first(shuffled) == list(reversed(ORDERED))


@pytest.mark.parametrize('a,b,expected', [
    ('1.0.0', '1.0.0+build.5', 0),          # build metadata ignored
    ('1.0.0-1', '1.0.0-a', -1),              # numeric identifiers before alphanumeric
    ('1.0.0-2', '1.0.0-10', -1),             # numeric identifiers compared as numbers
    ('1.0.0-rc.1', '1.0.0', -1),             # prerelease below release
    ('v2.0.0', '2.0.0', 0),
    ('not-a-version', '0.0.1', -1),          # invalid sorts below every valid version
    ('1.0', '1.0.0', 0),
])
def test_compare(a, b, expected):
    assert semver.compare(a, b) == expected
    assert semver.compare(b, a) == -expected


def test_latest_and_prerelease():
    assert semver.is_prerelease('1.0.0-rc.1') and not semver.is_prerelease('1.0.0+meta')
    assert semver.latest(['1.0.0', '2.0.0-rc.1', '1.5.0']) == '2.0.0-rc.1'
    assert semver.latest(['1.0.0', '2.0.0-rc.1', '1.5.0'], stable_only=True) == '1.5.0'
    assert semver.latest([]) is None
