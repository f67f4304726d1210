"""The collection against the readings of ProGet's sources where they disagree or where a first
version of the collection misread them (issue "Behave like the real ProGet").

The sim follows the current docs by default; its /__sim/config switches give the other reading
(pgutil's), and every test here runs the module against the reading(s) it must work with. The
assertions are on the sim's state and request log.
"""
import hashlib

import pytest
from progetsim.packagefiles import sdist, wheel

KEY_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: key
      no_log: true
      cac.proget.proget_api_key:
        name: "{{ k_name }}"
        type: system
        system_apis: "{{ k_apis }}"
        logging: "{{ k_logging | default(omit) }}"
      register: key
    - name: show
      ansible.builtin.debug:
        msg: "{{ {'changed': key.changed, 'action': key.action, 'has_key': key.key is defined,
                  'id': key.api_key.id | default(None)} }}"
'''


def _keys(sim, name):
    return [k for k in sim.api('GET', 'api/api-keys/list', expect=200).json() if k.get('displayName') == name]


@pytest.mark.parametrize('reply', ['text', 'json'])
@pytest.mark.parametrize('echo', ['as-sent', 'expanded'])
def test_api_key_logging_reply_forms_and_full_control(sim, run_play, reply, echo):
    """logging is required by ApiKeyInfo.cs: sent as None when not given. The create reply is the
    key's text (docs) or an ApiKeyInfo (pgutil); full-control may come back expanded."""
    sim.config(apikey_create_reply=reply, full_control_echo=echo)
    first = run_play(KEY_PLAY, extra_vars=dict(k_name='ci-full', k_apis=['full-control']))
    shown = first.task('show')['result']['msg']
    assert shown['changed'] and shown['action'] == 'create' and shown['has_key']
    keys = _keys(sim, 'ci-full')
    assert len(keys) == 1 and keys[0]['logging'].lower() == 'none' and shown['id'] == keys[0]['id']
    expected = ['feeds', 'sca', 'sbom-upload'] if echo == 'expanded' else ['full-control']
    assert sorted(keys[0]['systemApis']) == sorted(expected)

    # either form of full control is the same key: no re-create
    for apis in (['full-control'], ['feeds', 'sbom-upload', 'sca']):
        sim.clear_log()
        again = run_play(KEY_PLAY, extra_vars=dict(k_name='ci-full', k_apis=apis))
        assert again.recap['localhost']['changed'] == 0 and sim.writes() == []
    assert [k['id'] for k in _keys(sim, 'ci-full')] == [keys[0]['id']]

    # a logging change re-creates the key (ProGet cannot update one); one key remains
    run_play(KEY_PLAY, extra_vars=dict(k_name='ci-full', k_apis=['full-control'], k_logging='both'))
    keys = _keys(sim, 'ci-full')
    assert len(keys) == 1 and keys[0]['logging'].lower() == 'both'


def test_api_key_create_without_logging_is_refused_by_the_sim(sim):
    """The double enforces what the client relies on (ApiKeyInfo.cs: Logging is required)."""
    r = sim.api('POST', 'api/api-keys/create', json={'displayName': 'x', 'type': 'System',
                                                      'systemApis': ['feeds']})
    assert r.status_code == 400 and 'logging' in r.text.lower()
    assert _keys(sim, 'x') == []


CONNECTOR_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: connector
      cac.proget.proget_connector:
        name: upstream
        type: nuget
        connector_url: https://nuget.example.com/v3/index.json
        connector_username: "{{ c_user }}"
'''


def test_connector_username_is_cleared_with_an_empty_string(sim, run_play):
    """ProGet keeps a connector property sent as null (docs connectors/update.md): '' clears it."""
    run_play(CONNECTOR_PLAY, extra_vars=dict(c_user='bob'))
    assert sim.api('GET', 'api/management/connectors/get/upstream', expect=200).json()['username'] == 'bob'
    sim.api('POST', 'api/management/connectors/update/upstream', json={'username': None}, expect=200)
    assert sim.api('GET', 'api/management/connectors/get/upstream').json()['username'] == 'bob'

    cleared = run_play(CONNECTOR_PLAY, extra_vars=dict(c_user=''))
    assert cleared.task('connector')['changed']
    assert not sim.api('GET', 'api/management/connectors/get/upstream').json().get('username')
    assert 'no_log' not in cleared.stdout + cleared.stderr  # no "did not set no_log for update_password"
    sim.clear_log()
    again = run_play(CONNECTOR_PLAY, extra_vars=dict(c_user=''))
    assert again.recap['localhost']['changed'] == 0 and sim.writes() == []


SERVER_INFO_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: info
      cac.proget.proget_server_info:
'''


@pytest.mark.parametrize('replication, healthy, problem', [
    ('none', True, None),
    ('ok', True, None),
    ('server_error', False, 'replication server: Error'),
    ('client_error', False, 'replication client: Error'),
])
def test_server_info_counts_replication_status(sim, run_play, replication, healthy, problem):
    """pgutil's health command counts replicationStatus.serverStatus/clientStatus (HealthCommand.cs)."""
    sim.config(replication=replication)
    result = run_play(SERVER_INFO_PLAY).task('info')['result']
    assert result['healthy'] is healthy and result['ready'] is True
    if problem:
        assert len(result['problems']) == 1 and result['problems'][0].startswith(problem)
    else:
        assert result['problems'] == []


FEED_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: feed
      cac.proget.proget_feed:
        name: big
        type: nuget
        variables: {Team: platform}
        retention_enabled: true
        retention_rules:
          - size_trigger_kb: 4294967296
            size_exclusive: true
'''


@pytest.mark.parametrize('variables_name', ['variables', 'variableDictionary'])
def test_feed_large_quota_and_either_variables_name(sim, run_play, variables_name):
    """sizeTriggerKb is a long (RetentionRule.cs); variables may be named variableDictionary
    (ProGetFeed.cs) or variables (docs' example)."""
    sim.config(feed_variables_name=variables_name)
    first = run_play(FEED_PLAY)
    assert first.task('feed')['changed']
    feed = sim.api('GET', 'api/management/feeds/get/big', expect=200).json()
    assert feed['retentionRules'][0]['sizeTriggerKb'] == 4294967296
    assert feed[variables_name] == {'Team': 'platform'}
    sim.clear_log()
    assert run_play(FEED_PLAY).recap['localhost']['changed'] == 0 and sim.writes() == []


LICENSE_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: license
      cac.proget.proget_license:
        code: ACME-1.0
        title: "{{ title | default(omit) }}"
        files: "{{ files | default(omit) }}"
        state: "{{ state | default('present') }}"
'''


@pytest.mark.parametrize('hashes_reading', ['keep', 'replace'])
@pytest.mark.parametrize('delete_by', ['code', 'id'])
def test_license_update_keeps_files_and_delete_works_either_way(sim, run_play, tmp_path, hashes_reading,
                                                                delete_by):
    """An update sends the attached files back (pgutil); delete sends ?id= (pgutil) and ?code= (docs)."""
    sim.config(license_update_hashes=hashes_reading, license_delete_by=delete_by)
    text = tmp_path / 'LICENSE.txt'
    text.write_bytes(b'ACME license text\n')
    run_play(LICENSE_PLAY, extra_vars=dict(title='ACME', files=[str(text)]))
    digest = hashlib.sha256(b'ACME license text\n').hexdigest()

    # a title change without `files` (files not managed): the attached file must stay
    run_play(LICENSE_PLAY, extra_vars=dict(title='ACME License 1.0'))
    lic = [x for x in sim.api('GET', 'api/licenses/list').json() if x['code'] == 'ACME-1.0'][0]
    assert lic['title'] == 'ACME License 1.0' and lic['hashes'] == [digest]

    run_play(LICENSE_PLAY, extra_vars=dict(state='absent'))
    assert [x for x in sim.api('GET', 'api/licenses/list').json() if x['code'] == 'ACME-1.0'] == []


def _upload(sim, path, data=b'payload\n', feed='files'):
    sim.api('POST', 'endpoints/%s/content/%s' % (feed, path), data=data, expect=(200, 201))


def _meta(sim, path, feed='files'):
    return sim.api('GET', 'endpoints/%s/metadata/%s' % (feed, path), expect=200).json()


ASSET_META_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: asset
      cac.proget.proget_asset:
        feed: files
        path: "{{ a_path }}"
        user_metadata: "{{ a_meta | default(omit) }}"
        metadata_mode: "{{ a_mode | default(omit) }}"
        cache_header: "{{ a_cache | default(omit) }}"
        content_type: "{{ a_type | default(omit) }}"
'''


def test_asset_metadata_of_a_file_already_there(sim, run_play):
    """Metadata without src/content on a file CI published; includeInResponseHeader kept; a
    cache-header change alone with metadata_mode replace keeps the user metadata."""
    sim.api('POST', 'api/management/feeds/create', json={'name': 'files', 'feedType': 'asset'}, expect=200)
    _upload(sim, 'app/app.tgz')
    before = _meta(sim, 'app/app.tgz')
    sim.api('POST', 'endpoints/files/metadata/app/app.tgz', expect=200, json={
        'userMetadataUpdateMode': 'update',
        'userMetadata': {'owner': {'value': 'ci', 'includeInResponseHeader': True}, 'stage': 'built'}})

    sim.clear_log()
    first = run_play(ASSET_META_PLAY, extra_vars=dict(a_path='app/app.tgz', a_meta={'owner': 'release'},
                                                      a_type='application/gzip'))
    task = first.task('asset')
    assert task['changed'] and task['result']['uploaded'] is False
    assert not [e for e in sim.writes() if '/content/' in e['path']]  # nothing uploaded
    meta = _meta(sim, 'app/app.tgz')
    assert meta['sha256'] == before['sha256'] and meta['type'] == 'application/gzip'
    owner = meta['userMetadata']['owner']
    assert isinstance(owner, dict) and owner == {'value': 'release', 'includeInResponseHeader': True}
    assert meta['userMetadata']['stage'] in ('built', {'value': 'built', 'includeInResponseHeader': False})

    sim.clear_log()
    again = run_play(ASSET_META_PLAY, extra_vars=dict(a_path='app/app.tgz', a_meta={'owner': 'release'},
                                                      a_type='application/gzip'))
    assert again.recap['localhost']['changed'] == 0 and sim.writes() == []

    # cache header only, metadata_mode replace: the user metadata stays
    run_play(ASSET_META_PLAY, extra_vars=dict(a_path='app/app.tgz', a_mode='replace',
                                              a_cache={'type': 'ttl', 'value': 60}))
    meta = _meta(sim, 'app/app.tgz')
    assert set(meta['userMetadata']) == {'owner', 'stage'}
    assert meta['cacheHeader']['type'].lower() == 'ttl'


def test_asset_missing_file_without_src_fails_before_any_write(sim, run_play):
    sim.api('POST', 'api/management/feeds/create', json={'name': 'files', 'feedType': 'asset'}, expect=200)
    sim.clear_log()
    result = run_play(ASSET_META_PLAY, extra_vars=dict(a_path='app/none.tgz', a_meta={'a': 'b'}), expect_rc=2)
    msg = result.task('asset')['result']['msg']
    assert "asset 'app/none.tgz' in 'files' does not exist; give src or content" in msg
    assert sim.writes() == []


ASSET_INFO_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: info
      cac.proget.proget_asset_info:
        feed: "{{ a_feed }}"
        path: "{{ a_path | default(omit) }}"
        list: "{{ a_list | default(false) }}"
'''


def test_asset_info_missing_folder_and_missing_directory(sim, run_play):
    """A missing folder is [] (docs folders/list.md); a missing asset directory is an error."""
    sim.api('POST', 'api/management/feeds/create', json={'name': 'files', 'feedType': 'asset'}, expect=200)
    missing = run_play(ASSET_INFO_PLAY, extra_vars=dict(a_feed='files', a_path='no/such', a_list=True))
    assert missing.task('info')['result']['items'] == [] and missing.task('info')['result']['exists'] is False
    for extra in (dict(a_list=True), dict(a_path='x.txt')):
        failed = run_play(ASSET_INFO_PLAY, extra_vars=dict(a_feed='nodir', **extra), expect_rc=2)
        assert "feed 'nodir' does not exist" in failed.task('info')['result']['msg']


LOOKUP_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: versions
      ansible.builtin.debug:
        msg: "{{ query('cac.proget.proget_versions', 'anything', feed='tools') }}"
'''


def test_lookup_reads_empty_variables_as_unset(sim_factory, play_runner):
    """PROGET_VALIDATE_CERTS='' must not turn verification off, nor PROGET_CA_PATH='' make the
    current directory the CA store (an AWX credential injects empty fields as '')."""
    sim = sim_factory(https=True)
    sim.api('POST', 'api/management/feeds/create', json={'name': 'tools', 'feedType': 'universal'}, expect=200)
    runner = play_runner(sim=sim)
    # empty PROGET_VALIDATE_CERTS and no CA: certificate checked, so the self-signed one fails
    refused = runner(LOOKUP_PLAY, env={'PROGET_VALIDATE_CERTS': '', 'PROGET_CA_PATH': ''}, expect_rc=2)
    msg = refused.task('versions')['result']['msg']
    assert 'TLS error' in msg and 'certificate' in msg.lower(), msg
    # empty PROGET_CA_PATH with a CA bundle from requests' own variable: verified, and it works
    ok = runner(LOOKUP_PLAY, env={'PROGET_VALIDATE_CERTS': '', 'PROGET_CA_PATH': '',
                                  'REQUESTS_CA_BUNDLE': sim.ca_path})
    assert ok.rc == 0, ok.describe()


DOWNLOAD_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: info
      cac.proget.proget_package_info: {feed: py, name: acme_tools}
    - name: versions
      ansible.builtin.debug:
        msg: "{{ query('cac.proget.proget_versions', 'acme_tools', feed='py', qualifier=qual | default(None)) }}"
    - name: download
      cac.proget.proget_download:
        feed: py
        name: acme_tools
        version: "{{ v | default(omit) }}"
        latest: "{{ omit if v is defined else true }}"
        qualifier: "{{ qual | default(omit) }}"
        dest: "{{ dest }}"
'''


def test_download_of_a_version_with_several_files_needs_its_qualifier(sim, run_play, tmp_path):
    """pgutil sends a qualifier (ProGetClient.cs); a download that matches several files is a 400
    (docs packages/download.md). The module names the files instead, and never compares the hash
    of another file of the version."""
    sim.api('POST', 'api/management/feeds/create', json={'name': 'py', 'feedType': 'pypi'}, expect=200)
    files = dict((name, data) for name, data in (wheel('acme_tools', '1.4.0'), sdist('acme_tools', '1.4.0'),
                                                 sdist('acme_tools', '1.3.0')))
    for name, data in files.items():
        sim.api('PUT', 'api/packages/py/upload/' + name, data=data, expect=200)
    whl, tgz = 'file=acme_tools-1.4.0-py3-none-any.whl', 'file=acme_tools-1.4.0.tar.gz'

    dest = tmp_path / 'downloads'
    dest.mkdir()
    sim.clear_log()
    refused = run_play(DOWNLOAD_PLAY, extra_vars=dict(dest=str(dest)), expect_rc=2)
    rows = refused.task('info')['result']['versions']
    assert sorted((r['version'], r['qualifier']) for r in rows) == sorted(
        [('1.4.0', whl), ('1.4.0', tgz), ('1.3.0', 'file=acme_tools-1.3.0.tar.gz')])
    assert refused.task('info')['result']['packages'][0]['versions'] == ['1.4.0', '1.3.0']
    assert refused.task('versions')['result']['msg'] == ['1.4.0', '1.3.0']
    msg = refused.task('download')['result']['msg']
    assert msg.startswith("package 'acme_tools' 1.4.0 in feed 'py' has 2 files; set qualifier to one of: ")
    assert sorted(msg.split(': ', 1)[1].split(', ')) == sorted([whl, tgz])
    assert not [e for e in sim.log() if e['path'].endswith('/download')] and list(dest.iterdir()) == []

    first = run_play(DOWNLOAD_PLAY, extra_vars=dict(dest=str(dest), qual=tgz))
    assert first.task('versions')['result']['msg'] == ['1.4.0']
    result = first.task('download')['result']
    assert result['changed'] and result['qualifier'] == tgz
    written = dest / 'acme_tools-1.4.0.tar.gz'
    assert written.read_bytes() == files['acme_tools-1.4.0.tar.gz']
    assert result['checksum'] == hashlib.sha256(files['acme_tools-1.4.0.tar.gz']).hexdigest()

    sim.clear_log()
    again = run_play(DOWNLOAD_PLAY, extra_vars=dict(dest=str(written), qual=tgz, v='1.4.0'))
    assert again.task('download')['changed'] is False
    assert not [e for e in sim.log() if e['path'].endswith('/download')]  # compared by the right file's hash
