"""The package lifecycle and feed storage through real ansible-playbook runs: proget_package (publish
per feed type, force, status, delete, ProGet Free's delete limit), proget_package_promotion, proget_feed
``storage`` (write-only secrets), proget_state / proget_state_info with storage, and the example release
pipeline (examples/pipelines/release.yml).

Assertions are made on the sim's state (its API, read with the System key) and its request log.
``sent(sim)`` lists every request that was not a read (GET/HEAD), whether or not it changed anything:
the sim's ``writes()`` flags only requests that changed its store, so "nothing was sent" is checked on
``sent``. The module's sim is ProGet Free (the sim's default); the fixture ``basic`` switches it to
Basic for one test (the next test's reset restores Free).
"""
import hashlib
import json
import os

import pytest

from harness import ROOT
from progetsim.packagefiles import deb, npm, nupkg, sdist, upack, wheel

P = 'api/packages/'
SECRET = 'Planted-S3-Secret-7c41e9'
SECRET_XML = 'SecretAccessKey="%s"' % SECRET
AZURE_SECRET = 'PlantedAzureAccountKey0x5eb1=='
AZURE_CONNECTION = 'DefaultEndpointsProtocol=https;AccountName=corpproget;AccountKey=' + AZURE_SECRET
VAULT = {'s3_secret': SECRET, 'azure_connection': AZURE_CONNECTION}   # the plays take secrets from variables
RELEASE_PLAYBOOK = os.path.join(ROOT, 'examples', 'pipelines', 'release.yml')
RELEASE_OUTPUT = os.path.join(ROOT, 'build', 'release-pipeline-output.txt')


# -- helpers -----------------------------------------------------------------------------------------
@pytest.fixture
def basic(sim):
    """The module's sim as ProGet Basic (reset, empty log)."""
    sim.config(edition='basic')
    return sim


def sent(sim):
    """(method, path, query) of every request in the log that is not a read."""
    return [(e['method'], e['path'], e['query']) for e in sim.log() if e['method'] not in ('GET', 'HEAD')]


def only_reads(sim):
    log = sim.log()
    return bool(log) and all(e['method'] in ('GET', 'HEAD') for e in log) and sim.writes() == []


def feed(sim, name, feed_type):
    sim.api('POST', 'api/management/feeds/create', json={'name': name, 'feedType': feed_type}, expect=(200, 201))


def upload(sim, feed_name, data, file_name=None, **query):
    path = P + feed_name + '/upload' + ('/' + file_name if file_name else '')
    sim.api('PUT', path, data=data, params=query or None, expect=200)


def versions(sim, feed_name, name, version=None, group=None):
    params = dict(name=name)
    if version:
        params['version'] = version
    if group:
        params['group'] = group
    return sim.api('GET', P + feed_name + '/versions', params=params, expect=200).json()


def row(sim, feed_name, name, version, group=None):
    found = versions(sim, feed_name, name, version, group)
    assert len(found) == 1, found
    return found[0]


def download(sim, feed_name, **query):
    return sim.api('GET', P + feed_name + '/download', params=query, expect=200).content


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def write(directory, name, data):
    path = os.path.join(str(directory), name)
    with open(path, 'wb') as handle:
        handle.write(data)
    return path


def no_traceback(result):
    text = result.stdout + result.stderr
    assert 'Traceback' not in text and 'MODULE FAILURE' not in text, result.describe()
    for r in result.results:   # ansible-core 2.19+ adds exception: '(traceback unavailable)' to fail_json
        assert 'Traceback' not in str((r['result'] or {}).get('exception', '')), r
        assert not (r['result'] or {}).get('module_stderr'), r


def secret_nowhere(result):
    for secret in (SECRET, AZURE_SECRET):
        assert secret not in result.stdout + result.stderr
        assert secret not in json.dumps(result.results)


def storage_of(sim, feed_name):
    return sim.api('GET', 'api/storage', params={'feed': feed_name}, expect=200).json()


def stored_xml(sim, feed_name):
    return sim.api('GET', 'api/management/feeds/get/' + feed_name, expect=200).json().get('packageStore') or ''


# -- publishing, per feed type -----------------------------------------------------------------------
PUBLISH_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - {name: universal, cac.proget.proget_package: {feed: universal-feed, src: "{{ files.universal }}"}}
    - {name: nuget, cac.proget.proget_package: {feed: nuget-feed, src: "{{ files.nuget }}"}}
    - {name: npm, cac.proget.proget_package: {feed: npm-feed, src: "{{ files.npm }}"}}
    - {name: wheel, cac.proget.proget_package: {feed: pypi-feed, src: "{{ files.wheel }}"}}
    - {name: sdist, cac.proget.proget_package: {feed: pypi-feed, src: "{{ files.sdist }}"}}
    - name: deb
      cac.proget.proget_package: {feed: debian-feed, src: "{{ files.deb }}", distribution: stable, component: main}
'''
TYPES = ('universal', 'nuget', 'npm', 'wheel', 'sdist', 'deb')


@pytest.fixture
def dist(tmp_path):
    """One package file per feed type (file name -> (path, bytes)), version 1.0.0."""
    directory = tmp_path / 'dist'
    directory.mkdir()
    built = dict(universal=('corp-app-1.0.0.upack', upack('app', '1.0.0', 'corp')),
                 nuget=('Acme.Core.1.0.0.nupkg', nupkg('Acme.Core', '1.0.0')),
                 npm=('corp-lib-1.0.0.tgz', npm('lib', '1.0.0', scope='corp')),
                 wheel=wheel('acme', '1.0.0'), sdist=sdist('acme', '1.0.0'), deb=deb('acme-tool', '1.0.0'))
    return dict((kind, (write(directory, name, data), data)) for kind, (name, data) in built.items())


def test_publish_each_feed_type_check_mode_upload_download_and_no_second_upload(sim, run_play, dist):
    for name, kind in (('universal-feed', 'universal'), ('nuget-feed', 'nuget'), ('npm-feed', 'npm'),
                       ('pypi-feed', 'pypi'), ('debian-feed', 'debian')):
        feed(sim, name, kind)
    files = dict((kind, path) for kind, (path, _) in dist.items())
    sim.clear_log()

    plan = run_play(PUBLISH_PLAY, extra_vars={'files': files}, check=True)
    for kind in TYPES:
        task = plan.task(kind)
        assert task['changed'] and task['result']['actions'] == ['upload'], task
    assert sent(sim) == [] and only_reads(sim)
    assert versions(sim, 'universal-feed', 'app') == [] and versions(sim, 'pypi-feed', 'acme') == []

    first = run_play(PUBLISH_PLAY, extra_vars={'files': files})
    assert first.changed == 6
    assert sent(sim) == [
        ('PUT', '/api/packages/universal-feed/upload/corp-app-1.0.0.upack', ''),
        ('PUT', '/api/packages/nuget-feed/upload/Acme.Core.1.0.0.nupkg', ''),
        ('PUT', '/api/packages/npm-feed/upload/corp-lib-1.0.0.tgz', ''),
        ('PUT', '/api/packages/pypi-feed/upload/acme-1.0.0-py3-none-any.whl', ''),
        ('PUT', '/api/packages/pypi-feed/upload/acme-1.0.0.tar.gz', ''),
        ('PUT', '/api/packages/debian-feed/upload/acme-tool_1.0.0_amd64.deb', 'distribution=stable&component=main')]
    packages = dict((kind, first.task(kind)['result']['package']) for kind in TYPES)
    for kind in TYPES:
        assert first.task(kind)['result']['actions'] == ['upload']
        assert packages[kind]['sha256'] == sha256(dist[kind][1])
        assert packages[kind]['listed'] is True and packages[kind]['blocked'] == 'notset'
    assert (packages['universal']['group'], packages['universal']['name']) == ('corp', 'app')
    assert (packages['npm']['group'], packages['npm']['name']) == ('corp', 'lib')
    assert packages['wheel']['qualifier'] == 'file=acme-1.0.0-py3-none-any.whl'
    assert packages['sdist']['qualifier'] == 'file=acme-1.0.0.tar.gz'
    assert packages['deb']['qualifier'] == 'arch=amd64&component=main&distro=stable'

    # what the server has, downloaded back: the very bytes that were built
    assert len(versions(sim, 'pypi-feed', 'acme', '1.0.0')) == 2
    got = dict(
        universal=download(sim, 'universal-feed', group='corp', name='app', version='1.0.0'),
        nuget=download(sim, 'nuget-feed', name='Acme.Core', version='1.0.0'),
        npm=download(sim, 'npm-feed', group='corp', name='lib', version='1.0.0'),
        wheel=download(sim, 'pypi-feed', name='acme', version='1.0.0', qualifier=packages['wheel']['qualifier']),
        sdist=download(sim, 'pypi-feed', name='acme', version='1.0.0', qualifier=packages['sdist']['qualifier']),
        deb=download(sim, 'debian-feed', name='acme-tool', version='1.0.0', qualifier=packages['deb']['qualifier']))
    for kind in TYPES:
        assert got[kind] == dist[kind][1], kind

    sim.clear_log()
    second = run_play(PUBLISH_PLAY, extra_vars={'files': files})
    assert second.changed == 0
    for kind in TYPES:
        assert second.task(kind)['result']['actions'] == [] and not second.task(kind)['changed']
    assert sent(sim) == [] and only_reads(sim)


FORCE_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: publish
      cac.proget.proget_package:
        feed: releases
        src: "{{ src }}"
        force: "{{ force | default(false) }}"
'''


def test_other_content_fails_before_any_write_and_force_reuploads(sim, run_play, tmp_path):
    feed(sim, 'releases', 'universal')
    original = upack('app', '1.0.0', 'corp')
    upload(sim, 'releases', original)
    rebuilt = upack('app', '1.0.0', 'corp', extra={'description': 'rebuilt'})
    src = write(tmp_path, 'corp-app-1.0.0.upack', rebuilt)
    sim.clear_log()

    refused = run_play(FORCE_PLAY, extra_vars={'src': src}, expect_rc=2)
    msg = refused.task('publish')['msg']
    assert "corp/app 1.0.0 is already in feed 'releases' with other content" in msg
    assert sha256(original) in msg and sha256(rebuilt) in msg and 'force: true' in msg
    assert sent(sim) == []
    no_traceback(refused)
    assert download(sim, 'releases', group='corp', name='app', version='1.0.0') == original

    for _ in range(2):   # force uploads also when the feed has the same content
        sim.clear_log()
        forced = run_play(FORCE_PLAY, extra_vars={'src': src, 'force': True})
        assert forced.task('publish')['changed'] and forced.task('publish')['result']['actions'] == ['upload']
        assert sent(sim) == [('PUT', '/api/packages/releases/upload/corp-app-1.0.0.upack', '')]
        assert download(sim, 'releases', group='corp', name='app', version='1.0.0') == rebuilt
        assert forced.task('publish')['result']['package']['sha256'] == sha256(rebuilt)


# -- status ------------------------------------------------------------------------------------------
STATUS_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: listed
      cac.proget.proget_package: {feed: releases, group: corp, name: app, version: 1.0.0, listed: "{{ listed }}"}
    - name: deprecated
      cac.proget.proget_package:
        feed: releases
        group: corp
        name: app
        version: 1.0.0
        deprecated: "{{ deprecated }}"
        deprecation_reason: "{{ reason | default(omit) }}"
    - name: blocked
      cac.proget.proget_package: {feed: releases, group: corp, name: app, version: 1.0.0, blocked: "{{ blocked }}"}
'''
STATUS_QUERY = 'name=app&version=1.0.0&group=corp'


def test_status_listed_deprecated_blocked_each_and_idempotent(sim, run_play):
    feed(sim, 'releases', 'universal')
    upload(sim, 'releases', upack('app', '1.0.0', 'corp'))
    sim.clear_log()
    down = dict(listed=False, deprecated=True, reason='Use 2.0.0', blocked='blocked')

    plan = run_play(STATUS_PLAY, extra_vars=down, check=True, diff=True)
    assert plan.changed == 3 and sent(sim) == []
    assert plan.task('blocked')['diff']['before']['blocked'] == 'notset'
    assert plan.task('blocked')['diff']['after']['blocked'] == 'blocked'

    first = run_play(STATUS_PLAY, extra_vars=down, diff=True)
    assert [first.task(t)['result']['actions'] for t in ('listed', 'deprecated', 'blocked')] == [['status']] * 3
    assert sent(sim) == [('POST', '/api/packages/releases/status', STATUS_QUERY)] * 3
    r = row(sim, 'releases', 'app', '1.0.0', 'corp')
    assert (r['listed'], r['deprecated'], r['deprecationReason'], r['allowDownload']) == \
        (False, True, 'Use 2.0.0', False)
    package = first.task('blocked')['result']['package']
    assert (package['listed'], package['deprecated'], package['deprecation_reason'], package['blocked']) == \
        (False, True, 'Use 2.0.0', 'blocked')
    assert first.task('deprecated')['diff']['before']['deprecated'] is False
    assert first.task('deprecated')['diff']['after']['deprecation_reason'] == 'Use 2.0.0'

    sim.clear_log()
    again = run_play(STATUS_PLAY, extra_vars=down)
    assert again.changed == 0 and sent(sim) == [] and only_reads(sim)

    # another reason is a change; back up: listed, not deprecated (the reason goes), allowed, then not set
    sim.clear_log()
    run_play(STATUS_PLAY, extra_vars=dict(down, reason='Use 3.0.0'))
    assert sent(sim) == [('POST', '/api/packages/releases/status', STATUS_QUERY)]
    assert row(sim, 'releases', 'app', '1.0.0', 'corp')['deprecationReason'] == 'Use 3.0.0'
    up = run_play(STATUS_PLAY, extra_vars=dict(listed=True, deprecated=False, blocked='allowed'))
    assert up.changed == 3
    r = row(sim, 'releases', 'app', '1.0.0', 'corp')
    assert (r['listed'], r['deprecated'], r.get('deprecationReason'), r['allowDownload']) == (True, False, None, True)
    notset = run_play(STATUS_PLAY, extra_vars=dict(listed=True, deprecated=False, blocked='notset'))
    assert notset.changed == 1 and notset.task('blocked')['changed']
    assert 'allowDownload' not in row(sim, 'releases', 'app', '1.0.0', 'corp')
    sim.clear_log()
    assert run_play(STATUS_PLAY, extra_vars=dict(listed=True, deprecated=False, blocked='notset')).changed == 0
    assert sent(sim) == []


DEPRECATE_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: deprecate
      cac.proget.proget_package:
        feed: releases
        group: corp
        name: app
        version: 1.0.0
        deprecated: true
        deprecation_reason: Use 2.0.0
'''


@pytest.mark.parametrize('reading', ['keep', 'clear'])
def test_changing_only_deprecated_keeps_blocked_whatever_omitted_allow_means(sim, run_play, reading):
    """status_allow_omitted: a server may read an omitted ``allow`` as "keep" or as null; the module
    sends the current value back, so blocked downloads stay blocked either way."""
    sim.config(status_allow_omitted=reading)
    feed(sim, 'releases', 'universal')
    upload(sim, 'releases', upack('app', '1.0.0', 'corp'))
    sim.api('POST', P + 'releases/status', params=dict(group='corp', name='app', version='1.0.0'),
            json={'allow': False}, expect=200)
    assert row(sim, 'releases', 'app', '1.0.0', 'corp')['allowDownload'] is False
    sim.clear_log()

    first = run_play(DEPRECATE_PLAY)
    assert first.task('deprecate')['result']['actions'] == ['status']
    assert first.task('deprecate')['result']['package']['blocked'] == 'blocked'
    r = row(sim, 'releases', 'app', '1.0.0', 'corp')
    assert (r['deprecated'], r['deprecationReason'], r['allowDownload']) == (True, 'Use 2.0.0', False)

    sim.clear_log()
    assert run_play(DEPRECATE_PLAY).changed == 0 and sent(sim) == []
    assert row(sim, 'releases', 'app', '1.0.0', 'corp')['allowDownload'] is False


# -- deleting ----------------------------------------------------------------------------------------
DELETE_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: sdist
      cac.proget.proget_package:
        feed: pypi-feed
        name: acme
        version: 1.0.0
        qualifier: file=acme-1.0.0.tar.gz
        state: absent
    - name: universal
      cac.proget.proget_package: {feed: releases, group: corp, name: app, version: 1.0.0, state: absent}
'''


def test_absent_deletes_one_file_or_version_then_no_change(sim, run_play):
    feed(sim, 'pypi-feed', 'pypi')
    feed(sim, 'releases', 'universal')
    for name, data in (wheel('acme', '1.0.0'), sdist('acme', '1.0.0')):
        upload(sim, 'pypi-feed', data, name)
    upload(sim, 'releases', upack('app', '1.0.0', 'corp'))
    upload(sim, 'releases', upack('app', '1.1.0', 'corp'))
    sim.clear_log()

    plan = run_play(DELETE_PLAY, check=True, diff=True)
    assert plan.changed == 2 and sent(sim) == []
    assert plan.task('sdist')['result']['actions'] == ['delete'] and plan.task('sdist')['diff']['after'] == {}
    assert len(versions(sim, 'pypi-feed', 'acme', '1.0.0')) == 2

    first = run_play(DELETE_PLAY)
    assert first.changed == 2 and first.task('universal')['result']['package'] is None
    assert sent(sim) == [
        ('POST', '/api/packages/pypi-feed/delete', 'name=acme&version=1.0.0&qualifier=file%3Dacme-1.0.0.tar.gz'),
        ('POST', '/api/packages/releases/delete', 'name=app&version=1.0.0&group=corp')]
    assert [r['qualifier'] for r in versions(sim, 'pypi-feed', 'acme', '1.0.0')] == ['file=acme-1.0.0-py3-none-any.whl']
    assert [r['version'] for r in versions(sim, 'releases', 'app', group='corp')] == ['1.1.0']

    sim.clear_log()
    second = run_play(DELETE_PLAY)
    assert second.changed == 0 and sent(sim) == [] and only_reads(sim)


FREE_DELETES_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: delete
      cac.proget.proget_package: {feed: releases, group: corp, name: app, version: "{{ item }}", state: absent}
      loop: ['1.0.0', '1.1.0', '1.2.0']
'''


def test_free_delete_limit_is_named_in_the_error(sim, run_play):
    sim.config(free_delete_limit=2)
    feed(sim, 'releases', 'universal')
    for version in ('1.0.0', '1.1.0', '1.2.0'):
        upload(sim, 'releases', upack('app', version, 'corp'))
    sim.clear_log()

    result = run_play(FREE_DELETES_PLAY, expect_rc=2)
    items = [r for r in result.results if r['task'] == 'delete' and r['item']]
    assert [(r['result']['item'], r['changed'], r['failed']) for r in items] == \
        [('1.0.0', True, False), ('1.1.0', True, False), ('1.2.0', False, True)]
    msg = items[2]['msg']
    assert "failed to delete package corp/app 1.2.0 in feed 'releases'" in msg
    assert 'ProGet Free allows 10 package deletes an hour through the API' in msg
    assert 'HTTP 429' in msg
    no_traceback(result)
    assert [r['version'] for r in versions(sim, 'releases', 'app', group='corp')] == ['1.2.0']


# -- bad input: refused before any write ------------------------------------------------------------
BAD_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: wheel to nuget
      cac.proget.proget_package: {feed: nuget-feed, src: "{{ files.wheel }}"}
      ignore_errors: true
    - name: random bytes
      cac.proget.proget_package: {feed: releases, src: "{{ files.random }}"}
      ignore_errors: true
    - name: random deb
      cac.proget.proget_package: {feed: debian-feed, src: "{{ files.random_deb }}", distribution: stable}
      ignore_errors: true
    - name: nupkg to universal
      cac.proget.proget_package: {feed: releases, src: "{{ files.nupkg }}"}
      ignore_errors: true
    - name: version mismatch
      cac.proget.proget_package: {feed: releases, src: "{{ files.upack }}", version: 1.0.1}
      ignore_errors: true
    - name: name mismatch
      cac.proget.proget_package: {feed: releases, src: "{{ files.upack }}", name: other}
      ignore_errors: true
    - name: deb without distribution
      cac.proget.proget_package: {feed: debian-feed, src: "{{ files.deb }}"}
      ignore_errors: true
    - name: unknown feed
      cac.proget.proget_package: {feed: nope, src: "{{ files.upack }}"}
      ignore_errors: true
    - name: several files without qualifier
      cac.proget.proget_package: {feed: pypi-feed, name: acme, version: 1.0.0, state: absent}
      ignore_errors: true
    - name: reason without deprecated
      cac.proget.proget_package: {feed: releases, group: corp, name: app, version: 0.9.0, deprecation_reason: old}
      ignore_errors: true
    - name: status of a missing version
      cac.proget.proget_package: {feed: releases, group: corp, name: app, version: 9.9.9, listed: false}
      ignore_errors: true
    - name: promote between types
      cac.proget.proget_package_promotion:
        {from_feed: releases, to_feed: nuget-feed, group: corp, name: app, version: 0.9.0}
      ignore_errors: true
    - name: promote a missing version
      cac.proget.proget_package_promotion:
        {from_feed: releases, to_feed: approved, group: corp, name: app, version: 9.9.9}
      ignore_errors: true
    - name: promote from an unknown feed
      cac.proget.proget_package_promotion: {from_feed: nope, to_feed: approved, group: corp, name: app, version: 0.9.0}
      ignore_errors: true
'''
BAD_MESSAGES = {
    'wheel to nuget': "is not a package that a nuget feed takes: a NuGet package has a .nuspec at its root",
    'random bytes': "is not a package that a universal feed takes: not a zip archive",
    'random deb': "is not a package that a debian feed takes: a Debian package is an ar archive",
    'nupkg to universal': "is not a package that a universal feed takes: a universal package has upack.json",
    'version mismatch': "version '1.0.1' does not match src",
    'name mismatch': "name 'other' does not match src",
    'deb without distribution': "feed 'debian-feed' is a Debian feed: set distribution",
    'unknown feed': "feed 'nope' does not exist",
    'several files without qualifier': "package acme 1.0.0 in feed 'pypi-feed' has 2 files; set qualifier to one of",
    'reason without deprecated': 'deprecation_reason needs deprecated: true',
    'status of a missing version': "package corp/app 9.9.9 is not in feed 'releases'; give src to publish it",
    'promote between types': "cannot promote from feed 'releases' (universal) to feed 'nuget-feed' (nuget)",
    'promote a missing version': "package corp/app 9.9.9 is not in feed 'releases'",
    'promote from an unknown feed': "feed 'nope' does not exist",
}


def test_bad_input_is_refused_before_any_write(basic, run_play, tmp_path):
    sim = basic
    for name, kind in (('releases', 'universal'), ('approved', 'universal'), ('nuget-feed', 'nuget'),
                       ('debian-feed', 'debian'), ('pypi-feed', 'pypi')):
        feed(sim, name, kind)
    upload(sim, 'releases', upack('app', '0.9.0', 'corp'))
    for name, data in (wheel('acme', '1.0.0'), sdist('acme', '1.0.0')):
        upload(sim, 'pypi-feed', data, name)
    files = dict(wheel=write(tmp_path, *wheel('acme', '2.0.0')),
                 random=write(tmp_path, 'random.upack', os.urandom(2048)),
                 random_deb=write(tmp_path, 'random_1.0_amd64.deb', os.urandom(2048)),
                 nupkg=write(tmp_path, 'Acme.Core.1.0.0.nupkg', nupkg('Acme.Core', '1.0.0')),
                 upack=write(tmp_path, 'corp-app-1.0.0.upack', upack('app', '1.0.0', 'corp')),
                 deb=write(tmp_path, *deb('acme-tool', '1.0.0')))
    before = sim.state()
    sim.clear_log()

    result = run_play(BAD_PLAY, extra_vars={'files': files})
    assert result.recap['localhost']['ignored'] == len(BAD_MESSAGES)
    for task, expected in BAD_MESSAGES.items():
        r = result.task(task)
        assert r['failed'] and expected in r['msg'], (task, r['msg'])
    assert sent(sim) == [] and only_reads(sim)
    no_traceback(result)
    after = sim.state()
    assert after.get('feed') == before.get('feed') and after.get('promotion') == before.get('promotion')


# -- promotion ---------------------------------------------------------------------------------------
PROMOTE_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: promote
      cac.proget.proget_package_promotion:
        from_feed: unapproved
        to_feed: approved
        group: corp
        name: app
        version: "{{ version | default('1.0.0') }}"
        comments: Passed the release tests
'''


def promotion_feeds(sim, *published):
    feed(sim, 'unapproved', 'universal')
    feed(sim, 'approved', 'universal')
    for feed_name, version in published:
        upload(sim, feed_name, upack('app', version, 'corp'))


def recorded(sim):
    return sim.api('GET', 'api/promotions/list', expect=200).json()


def test_promotion_check_promote_and_no_second_promotion(basic, run_play):
    sim = basic
    promotion_feeds(sim, ('unapproved', '1.0.0'), ('unapproved', '2.0.0'), ('approved', '2.0.0'))
    sim.clear_log()

    plan = run_play(PROMOTE_PLAY, check=True)
    assert plan.task('promote')['changed'] and plan.task('promote')['result']['action'] == 'promote'
    assert plan.task('promote')['result']['promotions'] == []
    assert sent(sim) == [] and recorded(sim) == [] and versions(sim, 'approved', 'app', '1.0.0', 'corp') == []

    first = run_play(PROMOTE_PLAY)
    result = first.task('promote')['result']
    assert first.task('promote')['changed'] and result['action'] == 'promote'
    assert sent(sim) == [('POST', '/api/promotions/promote', '')]
    assert len(result['promotions']) == 1
    p = result['promotions'][0]
    assert (p['fromFeed'], p['toFeed'], p['group'], p['name'], p['version'], p['comments']) == \
        ('unapproved', 'approved', 'corp', 'app', '1.0.0', 'Passed the release tests')
    assert p['date'] and p['user']
    assert row(sim, 'approved', 'app', '1.0.0', 'corp')['sha256'] == \
        row(sim, 'unapproved', 'app', '1.0.0', 'corp')['sha256']

    # the target has it (and the promotion is recorded): no change, the promotions still returned
    sim.clear_log()
    second = run_play(PROMOTE_PLAY)
    assert not second.task('promote')['changed'] and second.task('promote')['result']['action'] == 'none'
    assert second.task('promote')['result']['promotions'] == result['promotions']
    assert sent(sim) == [] and only_reads(sim)

    # a recorded promotion is enough: the copy was deleted from the target since, nothing is sent
    sim.api('POST', P + 'approved/delete', params=dict(group='corp', name='app', version='1.0.0'), expect=200)
    sim.clear_log()
    third = run_play(PROMOTE_PLAY)
    assert not third.task('promote')['changed'] and len(third.task('promote')['result']['promotions']) == 1
    assert sent(sim) == []

    # the target has the version without any promotion (published there): no change either
    sim.clear_log()
    published = run_play(PROMOTE_PLAY, extra_vars={'version': '2.0.0'})
    assert not published.task('promote')['changed'] and published.task('promote')['result']['promotions'] == []
    assert sent(sim) == []
    assert len(recorded(sim)) == 1


def test_promotion_with_a_server_that_replaces_existing_versions(basic, run_play):
    """promote_existing=replace: the server would promote a version the target has again; the module
    never asks it to."""
    sim = basic
    sim.config(promote_existing='replace')
    promotion_feeds(sim, ('unapproved', '1.0.0'), ('unapproved', '2.0.0'), ('approved', '2.0.0'))
    sim.clear_log()
    assert run_play(PROMOTE_PLAY).task('promote')['changed']
    assert sent(sim) == [('POST', '/api/promotions/promote', '')]
    sim.clear_log()
    again = run_play(PROMOTE_PLAY)
    published = run_play(PROMOTE_PLAY, extra_vars={'version': '2.0.0'})
    assert not again.task('promote')['changed'] and not published.task('promote')['changed']
    assert sent(sim) == []
    promoted = recorded(sim)
    assert [(p['version'], len(p['promotions'])) for p in promoted] == [('1.0.0', 1)]


def test_promotion_on_free_fails_with_progets_message(sim, run_play):
    promotion_feeds(sim, ('unapproved', '1.0.0'))
    sim.clear_log()
    result = run_play(PROMOTE_PLAY, expect_rc=2)
    msg = result.task('promote')['msg']
    assert 'ProGet Free Edition does not support this API' in msg and "promote package corp/app 1.0.0" in msg
    no_traceback(result)
    assert recorded(sim) == [] and versions(sim, 'approved', 'app', '1.0.0', 'corp') == []


# -- feed storage ------------------------------------------------------------------------------------
STORAGE_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: feed
      cac.proget.proget_feed:
        name: releases
        type: universal
        storage:
          type: s3
          properties:
            BucketName: "{{ bucket | default('corp-proget-releases') }}"
            RegionEndpoint: eu-central-1
            AccessKey: AKIAEXAMPLE
            SecretAccessKey: "{{ s3_secret }}"
          update_secrets: "{{ update_secrets | default(omit) }}"
'''
STORAGE_POST = ('POST', '/api/storage', 'feed=releases')


def test_s3_storage_secret_is_write_only_and_never_shown(basic, run_play):
    sim = basic
    first = run_play(STORAGE_PLAY, extra_vars=VAULT, diff=True, verbosity=3)
    task = first.task('feed')
    assert task['changed'] and task['result']['action'] == 'create'
    assert sent(sim) == [('POST', '/api/management/feeds/create', ''), STORAGE_POST]
    config = storage_of(sim, 'releases')
    assert config['id'] == 's3' and config['properties']['BucketName'] == 'corp-proget-releases'
    assert SECRET_XML in stored_xml(sim, 'releases')          # ProGet has it ...
    secret_nowhere(first)                                      # ... and no output shows it
    assert task['diff']['after']['storage']['properties']['SecretAccessKey'] == '<changed>'
    assert task['result']['feed']['storage']['properties'] == {
        'AccessKey': 'AKIAEXAMPLE', 'BucketName': 'corp-proget-releases', 'RegionEndpoint': 'eu-central-1'}

    sim.clear_log()
    second = run_play(STORAGE_PLAY, extra_vars=VAULT, diff=True, verbosity=3)
    task = second.task('feed')
    assert not task['changed'] and sent(sim) == [] and only_reads(sim)
    assert ('GET', '/api/storage') in [(e['method'], e['path']) for e in sim.log()]
    assert task['diff']['before']['storage']['properties']['SecretAccessKey'] == '<write-only>'
    assert task['diff']['after']['storage']['properties']['SecretAccessKey'] == '<write-only>'
    store = task['result']['feed']['packageStore']
    assert 'S3FileSystem' in store and 'SecretAccessKey="********"' in store
    secret_nowhere(second)

    # update_secrets: always writes on every run (a rotated secret reaches ProGet)
    for _ in range(2):
        sim.clear_log()
        always = run_play(STORAGE_PLAY, extra_vars=dict(VAULT, update_secrets='always'), diff=True, verbosity=3)
        assert always.task('feed')['changed'] and sent(sim) == [STORAGE_POST]
        assert always.task('feed')['diff']['after']['storage']['properties']['SecretAccessKey'] == '<changed>'
        secret_nowhere(always)

    # a changed bucket is a normal update (the secret is sent with it, ProGet keeps it)
    sim.clear_log()
    moved = run_play(STORAGE_PLAY, extra_vars=dict(VAULT, bucket='corp-proget-archive'), diff=True, verbosity=3)
    task = moved.task('feed')
    assert task['changed'] and task['result']['action'] == 'update' and sent(sim) == [STORAGE_POST]
    assert task['diff']['before']['storage']['properties']['BucketName'] == 'corp-proget-releases'
    assert task['diff']['after']['storage']['properties']['BucketName'] == 'corp-proget-archive'
    assert storage_of(sim, 'releases')['properties']['BucketName'] == 'corp-proget-archive'
    assert SECRET_XML in stored_xml(sim, 'releases')
    secret_nowhere(moved)
    sim.clear_log()
    assert run_play(STORAGE_PLAY, extra_vars=dict(VAULT, bucket='corp-proget-archive')).changed == 0 and sent(sim) == []


def test_storage_write_lost_on_the_way_back_is_looked_at_not_sent_again(basic, run_play):
    """The storage POST applies but the connection drops before the answer: the module looks (the
    storage, not just the feed) and finds it written; it does not send it again."""
    sim = basic
    feed(sim, 'releases', 'universal')
    sim.config(drop_after_write=1)
    sim.clear_log()
    result = run_play(STORAGE_PLAY, extra_vars=VAULT)
    assert result.task('feed')['changed']
    assert sent(sim) == [STORAGE_POST]
    sim.config(drop_after_write=0)
    assert storage_of(sim, 'releases')['properties']['BucketName'] == 'corp-proget-releases'
    assert SECRET_XML in stored_xml(sim, 'releases')


@pytest.mark.parametrize('status', ['500', '403'])
def test_storage_denied_fails_once_with_progets_message(basic, run_play, status):
    """storage_denied_status: the storage pages answer 500 for a key without the permission, the rest
    of the API 403. Either way the module fails with ProGet's sentence after one POST."""
    sim = basic
    sim.config(storage_denied_status=status)
    feed(sim, 'releases', 'universal')
    reply = sim.api('POST', 'api/api-keys/create', expect=200, json={
        'type': 'Feed', 'feed': 'releases', 'packagePermissions': ['view'], 'logging': 'None'}).text
    key = json.loads(reply)['key'] if reply.lstrip().startswith('{') else reply.strip()
    sim.clear_log()
    result = run_play(STORAGE_PLAY, extra_vars=VAULT, api_key=key, expect_rc=2, verbosity=3)
    msg = result.task('feed')['msg']
    assert 'POST api/storage: HTTP %s' % status in msg
    assert 'The specified API key does not have the proper permissions to perform this action.' in msg
    assert [e for e in sent(sim) if e[1] == '/api/storage'] == [STORAGE_POST]
    assert sim.writes() == [] and storage_of(sim, 'releases')['id'] == 'disk'
    secret_nowhere(result)
    no_traceback(result)


BAD_STORAGE_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: unknown property
      cac.proget.proget_feed:
        name: new-feed
        type: universal
        storage: {type: s3, properties: {Bucket: b, RegionEndpoint: eu-central-1, SecretAccessKey: "{{ s3_secret }}"}}
      ignore_errors: true
    - name: missing required property
      cac.proget.proget_feed:
        name: new-feed
        type: universal
        storage: {type: s3, properties: {BucketName: b, SecretAccessKey: "{{ s3_secret }}"}}
      ignore_errors: true
    - name: unknown type
      cac.proget.proget_feed:
        name: new-feed
        type: universal
        storage: {type: gcs, properties: {Bucket: b}}
      ignore_errors: true
    - name: not a boolean
      cac.proget.proget_feed:
        name: existing
        storage:
          type: s3
          properties: {RegionEndpoint: eu-central-1, MakePublic: sometimes, SecretAccessKey: "{{ s3_secret }}"}
      ignore_errors: true
    - name: existing feed, unknown property
      cac.proget.proget_feed:
        name: existing
        storage: {type: disk, properties: {Path: /srv/x}}
      ignore_errors: true
'''


def test_bad_storage_is_refused_before_any_write(basic, run_play):
    sim = basic
    feed(sim, 'existing', 'universal')
    sim.clear_log()
    result = run_play(BAD_STORAGE_PLAY, extra_vars=VAULT, verbosity=3)
    expected = {
        'unknown property': "feed 'new-feed': storage.properties Bucket is not properties of s3 storage",
        'missing required property': "feed 'new-feed': s3 storage needs storage.properties RegionEndpoint",
        'unknown type':
            "feed 'new-feed': storage.type 'gcs' is not a storage type of this ProGet; it has: azure, disk, s3",
        'not a boolean': "feed 'existing': storage.properties.MakePublic must be true or false",
        'existing feed, unknown property': "feed 'existing': storage.properties Path is not properties of disk storage",
    }
    for task, message in expected.items():
        r = result.task(task)
        assert r['failed'] and message in r['msg'], (task, r['msg'])
    assert sent(sim) == [] and only_reads(sim)
    assert sim.api('GET', 'api/management/feeds/get/new-feed').status_code == 404
    assert storage_of(sim, 'existing') == {'id': 'disk', 'properties': {'StoragePath': None}}
    secret_nowhere(result)
    no_traceback(result)


@pytest.mark.parametrize('reading', ['hidden', 'shown'])
def test_storage_converges_whether_progets_shows_secrets_or_not(basic, run_play, reading):
    sim = basic
    sim.config(storage_secrets=reading)
    run_play(STORAGE_PLAY, extra_vars=VAULT)
    assert ('SecretAccessKey' in storage_of(sim, 'releases')['properties']) == (reading == 'shown')
    sim.clear_log()
    second = run_play(STORAGE_PLAY, extra_vars=VAULT, diff=True, verbosity=3)
    assert second.changed == 0 and sent(sim) == [] and only_reads(sim)
    assert 'SecretAccessKey' not in second.task('feed')['result']['feed']['storage']['properties']
    secret_nowhere(second)
    export = run_play(EXPORT_PLAY, verbosity=3)
    storage = export.task('export')['result']['document']['feeds'][0]['storage']
    assert storage['type'] == 's3' and 'SecretAccessKey' not in storage['properties']
    secret_nowhere(export)


DISK_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: feed
      cac.proget.proget_feed:
        name: npm-internal
        type: npm
        storage: {type: disk, properties: {StoragePath: /var/proget/packages/npm-internal}}
    - name: no storage
      cac.proget.proget_feed: {name: plain, type: nuget}
'''


def storage_requests(sim, feed_name):
    return [e for e in sim.log() if e['path'].rstrip('/') == '/api/storage' and e['query'] == 'feed=' + feed_name]


def test_disk_storage_on_free_and_s3_refused_by_free(sim, run_play):
    first = run_play(DISK_PLAY)
    assert first.task('feed')['changed'] and first.task('no storage')['changed']
    assert storage_requests(sim, 'plain') == []            # read only when declared
    assert [e['method'] for e in storage_requests(sim, 'npm-internal')] == ['POST']   # a new feed: written
    assert storage_of(sim, 'npm-internal') == \
        {'id': 'disk', 'properties': {'StoragePath': '/var/proget/packages/npm-internal'}}
    sim.clear_log()
    assert run_play(DISK_PLAY).changed == 0 and sent(sim) == [] and storage_requests(sim, 'plain') == []

    cloud = run_play(STORAGE_PLAY, extra_vars=VAULT, expect_rc=2, verbosity=3)
    msg = cloud.task('feed')['msg']
    assert 'ProGet Free Edition does not support cloud storage.' in msg
    secret_nowhere(cloud)
    no_traceback(cloud)
    assert stored_xml(sim, 'releases') == ''


STATE_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: state
      cac.proget.proget_state:
        feeds:
          - name: releases
            type: universal
            storage:
              type: s3
              properties:
                BucketName: corp-proget-releases
                RegionEndpoint: eu-central-1
                AccessKey: AKIAEXAMPLE
                SecretAccessKey: "{{ s3_secret }}"
          - name: npm-internal
            type: npm
            storage: {type: disk, properties: {StoragePath: /var/proget/packages/npm-internal}}
          - name: nuget-azure
            type: nuget
            storage:
              type: azure
              properties: {ContainerName: proget-nuget, ConnectionString: "{{ azure_connection }}"}
'''
EXPORT_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - {name: export, cac.proget.proget_state_info: {}}
    - {name: info, cac.proget.proget_feed_info: {}}
'''


def test_state_document_with_storage_plan_apply_converge_and_export(basic, run_play):
    sim = basic
    plan = run_play(STATE_PLAY, extra_vars=VAULT, check=True, diff=True, verbosity=3)
    assert plan.task('state')['result']['summary']['create'] == 3
    assert sent(sim) == []
    secret_nowhere(plan)

    applied = run_play(STATE_PLAY, extra_vars=VAULT, diff=True, verbosity=3)
    assert applied.task('state')['changed']
    assert sorted(sent(sim)) == sorted([('POST', '/api/management/feeds/create', '')] * 3 + [
        ('POST', '/api/storage', 'feed=releases'), ('POST', '/api/storage', 'feed=npm-internal'),
        ('POST', '/api/storage', 'feed=nuget-azure')])
    assert storage_of(sim, 'releases')['properties']['BucketName'] == 'corp-proget-releases'
    assert storage_of(sim, 'npm-internal')['properties'] == {'StoragePath': '/var/proget/packages/npm-internal'}
    assert storage_of(sim, 'nuget-azure') == \
        {'id': 'azure', 'properties': {'ContainerName': 'proget-nuget', 'TargetPath': None}}
    assert SECRET_XML in stored_xml(sim, 'releases') and AZURE_CONNECTION in stored_xml(sim, 'nuget-azure')
    secret_nowhere(applied)

    sim.clear_log()
    again = run_play(STATE_PLAY, extra_vars=VAULT, verbosity=3)
    assert not again.task('state')['changed'] and again.task('state')['result']['summary']['unchanged'] == 3
    assert sent(sim) == [] and only_reads(sim)
    secret_nowhere(again)

    export = run_play(EXPORT_PLAY, verbosity=3)
    result = export.task('export')['result']
    feeds = dict((f['name'], f) for f in result['document']['feeds'])
    assert feeds['releases']['storage'] == {'type': 's3', 'properties': {
        'AccessKey': 'AKIAEXAMPLE', 'BucketName': 'corp-proget-releases', 'RegionEndpoint': 'eu-central-1',
        'Encrypted': False, 'MakePublic': False, 'UseInstanceProfile': False}}
    assert feeds['npm-internal']['storage'] == {'type': 'disk',
                                                'properties': {'StoragePath': '/var/proget/packages/npm-internal'}}
    assert feeds['nuget-azure']['storage'] == {'type': 'azure', 'properties': {'ContainerName': 'proget-nuget'}}
    assert sorted(p for p in result['secrets_omitted'] if '.storage.' in p) == [
        'feeds[nuget-azure].storage.properties.ConnectionString',
        'feeds[releases].storage.properties.SecretAccessKey']
    info = dict((f['name'], f) for f in export.task('info')['result']['feeds'])
    assert 'SecretAccessKey="********"' in info['releases']['packageStore']
    assert 'ConnectionString="********"' in info['nuget-azure']['packageStore']
    secret_nowhere(export)

    # the exported document, secrets added back from the vault, is what the server has: no change
    document = result['document']
    for entry in document['feeds']:
        if entry['name'] == 'releases':
            entry['storage']['properties']['SecretAccessKey'] = '{{ s3_secret }}'
        if entry['name'] == 'nuget-azure':
            entry['storage']['properties']['ConnectionString'] = '{{ azure_connection }}'
    sim.clear_log()
    reapplied = run_play(REAPPLY_PLAY, extra_vars=dict(VAULT, doc=document))
    assert not reapplied.task('state')['changed'] and sent(sim) == []


REAPPLY_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: state
      cac.proget.proget_state:
        feeds: "{{ doc.feeds }}"
'''


# -- the example release pipeline --------------------------------------------------------------------
def test_release_pipeline_example_runs_twice_and_the_second_run_changes_nothing(sim_factory, play_runner, tmp_path):
    sim = sim_factory(edition='basic')
    promotion_feeds(sim, ('approved', '1.3.0'))
    built = upack('app', '1.4.0', 'corp')
    src = write(tmp_path, 'corp-app-1.4.0.upack', built)
    extra = {'release_package_file': src, 'release_version': '1.4.0', 'release_previous_version': '1.3.0'}
    run = play_runner(sim=sim)
    sim.clear_log()

    first = run(RELEASE_PLAYBOOK, extra_vars=extra, diff=True)
    assert first.changed == 3 and first.recap['localhost']['failed'] == 0
    assert [m for m, _, _ in sent(sim)] == ['PUT', 'POST', 'POST']
    assert download(sim, 'unapproved', group='corp', name='app', version='1.4.0') == built
    assert download(sim, 'approved', group='corp', name='app', version='1.4.0') == built
    previous = row(sim, 'approved', 'app', '1.3.0', 'corp')
    assert previous['deprecated'] is True and '1.4.0' in previous['deprecationReason']
    assert row(sim, 'approved', 'app', '1.4.0', 'corp')['deprecated'] is False
    promotions = recorded(sim)
    assert len(promotions) == 1 and promotions[0]['promotions'][0]['comments']

    sim.clear_log()
    second = run(RELEASE_PLAYBOOK, extra_vars=extra, diff=True)
    assert second.changed == 0 and second.recap['localhost']['failed'] == 0
    assert sent(sim) == [] and only_reads(sim)

    os.makedirs(os.path.dirname(RELEASE_OUTPUT), exist_ok=True)
    with open(RELEASE_OUTPUT, 'w') as out:
        out.write('# examples/pipelines/release.yml, run twice against the test server (ProGet Basic):\n'
                  '# feeds unapproved and approved (universal), corp/app 1.3.0 already in approved;\n'
                  '# CI built corp-app-1.4.0.upack.\n'
                  '# PROGET_URL=<test server> PROGET_API_KEY=<System key> \\\n'
                  '#   ansible-playbook --diff examples/pipelines/release.yml \\\n'
                  '#   -e release_package_file=dist/corp-app-1.4.0.upack -e release_version=1.4.0 '
                  '-e release_previous_version=1.3.0\n\n')
        for label, result in (('first run', first), ('second run', second)):
            stdout = result.stdout.replace(src, 'dist/corp-app-1.4.0.upack')
            out.write('## %s (rc=%d)\n%s\n' % (label, result.rc, stdout))
