"""proget_feed, proget_feed_info and proget_server_info through real ansible-playbook runs.

Every assertion about the result is made on the sim's own state (its API), and every claim that
nothing was written is made on its request log.
"""
import json

import pytest

FEED_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: feed
      cac.proget.proget_feed:
        name: "{{ feed_name }}"
        type: "{{ feed_type | default(omit) }}"
        description: "{{ feed_description | default(omit) }}"
        active: "{{ feed_active | default(omit) }}"
        retention_enabled: "{{ feed_retention_enabled | default(omit) }}"
        retention_rules: "{{ feed_rules | default(omit) }}"
        variables: "{{ feed_variables | default(omit) }}"
        alternate_names: "{{ feed_alternate_names | default(omit) }}"
        state: "{{ feed_state | default('present') }}"
'''

RULES = [{'keep_versions_count': 10, 'delete_prerelease_versions': True},
         {'keep_used_within_days': 90, 'delete_cached': True, 'keep_package_ids': ['Corp.*']}]


def feed_on_server(sim, name):
    response = sim.api('GET', 'api/management/feeds/get/%s' % name)
    return response.json() if response.status_code == 200 else None


def test_feed_lifecycle_create_noop_update_check_diff_delete(sim, run_play):
    create = dict(feed_name='internal-nuget', feed_type='NuGet', feed_description='Internal',
                  feed_retention_enabled=True, feed_rules=RULES, feed_variables={'team': 'platform'})

    # create
    first = run_play(FEED_PLAY, extra_vars=create)
    task = first.task('feed')
    assert task['changed'] and task['result']['action'] == 'create'
    feed = feed_on_server(sim, 'internal-nuget')
    assert feed['feedType'] == 'nuget'
    assert feed['description'] == 'Internal'
    assert feed['retentionRulesEnabled'] is True
    assert feed['variables'] == {'team': 'platform'}
    assert feed['retentionRules'][0]['keepVersionsCount'] == 10
    assert feed['retentionRules'][0]['deletePrereleaseVersions'] is True
    assert feed['retentionRules'][1]['keepPackageIds'] == ['Corp.*']
    assert feed['retentionRules'][1]['deleteCached'] is True
    assert len(sim.writes()) == 1

    # second run: unchanged, one request, no write
    sim.clear_log()
    second = run_play(FEED_PLAY, extra_vars=dict(create, feed_name='INTERNAL-nuget', feed_type='nuget'))
    assert second.recap['localhost']['changed'] == 0
    assert [(e['method'], e['path']) for e in sim.log()] == [('GET', '/api/management/feeds/get/INTERNAL-nuget')]

    # update one field: only that field is sent, the rest stays
    sim.clear_log()
    third = run_play(FEED_PLAY, extra_vars=dict(feed_name='internal-nuget', feed_description='Changed'))
    assert third.task('feed')['result']['action'] == 'update'
    feed = feed_on_server(sim, 'internal-nuget')
    assert feed['description'] == 'Changed'
    assert feed['variables'] == {'team': 'platform'} and len(feed['retentionRules']) == 2
    assert len(sim.writes()) == 1

    # check mode + diff: the change is reported, nothing is written
    sim.clear_log()
    check = run_play(FEED_PLAY, extra_vars=dict(feed_name='internal-nuget', feed_active=False,
                                                feed_rules=RULES[:1]), check=True, diff=True)
    task = check.task('feed')
    assert task['changed']
    assert task['diff']['before']['active'] is True and task['diff']['after']['active'] is False
    assert len(task['diff']['before']['retention_rules']) == 2
    assert task['diff']['after']['retention_rules'] == [{'keep_versions_count': 10, 'delete_prerelease_versions': True}]
    assert '-    "active": true,' in check.stdout and '+    "active": false,' in check.stdout
    assert sim.writes() == []
    assert feed_on_server(sim, 'internal-nuget')['active'] is True

    # the same change for real matches the plan
    real = run_play(FEED_PLAY, extra_vars=dict(feed_name='internal-nuget', feed_active=False,
                                               feed_rules=RULES[:1]), diff=True)
    assert real.task('feed')['diff'] == task['diff']
    feed = feed_on_server(sim, 'internal-nuget')
    assert feed['active'] is False and len(feed['retentionRules']) == 1

    # delete, then absent stays absent
    gone = run_play(FEED_PLAY, extra_vars=dict(feed_name='internal-nuget', feed_state='absent'))
    assert gone.task('feed')['changed']
    assert feed_on_server(sim, 'internal-nuget') is None
    sim.clear_log()
    again = run_play(FEED_PLAY, extra_vars=dict(feed_name='internal-nuget', feed_state='absent'))
    assert not again.task('feed')['changed'] and sim.writes() == []


def test_lists_replace_and_empty_clears(sim, run_play):
    sim.api('POST', 'api/management/feeds/create', json={
        'name': 'npm-a', 'feedType': 'npm', 'alternateNames': ['old-npm'], 'variables': {'a': '1'},
        'retentionRules': [{'keepVersionsCount': 3}]}, expect=(200, 201))
    run_play(FEED_PLAY, extra_vars=dict(feed_name='npm-a', feed_rules=[], feed_variables={},
                                        feed_alternate_names=['new-npm']))
    feed = feed_on_server(sim, 'npm-a')
    assert feed['retentionRules'] == [] and feed['variables'] == {} and feed['alternateNames'] == ['new-npm']
    sim.clear_log()
    again = run_play(FEED_PLAY, extra_vars=dict(feed_name='npm-a', feed_rules=[], feed_variables={},
                                                feed_alternate_names=['NEW-npm']))
    assert again.recap['localhost']['changed'] == 0 and sim.writes() == []


def test_module_defaults_group_info_modules_and_demo_types(sim, run_play):
    play = '''
    - hosts: localhost
      gather_facts: false
      module_defaults:
        group/cac.proget.proget:
          url: "{{ lookup('env', 'PROGET_URL') }}"
      environment:
        PROGET_URL: http://127.0.0.1:9
      tasks:
        - name: feeds
          cac.proget.proget_feed: {name: "{{ item.n }}", type: "{{ item.t }}"}
          loop: [{n: pkgs, t: universal}, {n: files, t: asset}, {n: py, t: pypi}]
        - name: all
          cac.proget.proget_feed_info: {}
          register: all
        - name: assets
          cac.proget.proget_feed_info: {type: asset}
        - name: one
          cac.proget.proget_feed_info: {name: PY}
        - name: missing
          cac.proget.proget_feed_info: {name: nope}
        - name: server
          cac.proget.proget_server_info: {}
    '''
    result = run_play(play)
    names = sorted(f['name'] for f in result.task('all')['result']['feeds'])
    assert names == ['files', 'pkgs', 'py']
    assert [f['name'] for f in result.task('assets')['result']['feeds']] == ['files']
    assert result.task('one')['result']['feeds'][0]['feedType'] == 'pypi'
    assert result.task('missing')['result']['feeds'] == []
    server = result.task('server')['result']
    assert server['healthy'] and server['ready'] and server['edition'] in ('free', 'basic', 'enterprise')
    assert server['version'].count('.') == 3 and server['release'].startswith('20')
    assert sorted(f['name'] for f in sim.api('GET', 'api/management/feeds/list').json()) == names


@pytest.mark.parametrize('version', ['25.0.13.5', '26.0.12.24'])
def test_server_info_reads_2025_json_and_2026_text_health(sim_factory, play_runner, version):
    sim = sim_factory(version=version)
    play = '''
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: server
          cac.proget.proget_server_info: {}
    '''
    result = play_runner(sim=sim)(play).task('server')['result']
    assert result['version'] == version and result['healthy'] and result['ready']
    assert result['health']['releaseNumber'] == version.rsplit('.', 1)[0]


def test_unlicensed_server_is_ready_but_not_healthy(sim_factory, play_runner):
    sim = sim_factory(unlicensed=True, version='26.0.12.24')
    play = '''
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: server
          cac.proget.proget_server_info: {}
    '''
    result = play_runner(sim=sim)(play).task('server')['result']
    assert result['status'] == 500 and not result['healthy'] and result['ready']
    assert result['health']['licenseStatus'] == 'Error'


BAD_INPUT_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: unknown feed type
      cac.proget.proget_feed: {name: a, type: nugget}
      ignore_errors: true
    - name: unknown retention key
      cac.proget.proget_feed: {name: a, type: npm, retention_rules: [{keep_versions: ["1.*"], bogus: 1}]}
      ignore_errors: true
    - name: wrong option type
      cac.proget.proget_feed: {name: a, type: npm, active: sometimes}
      ignore_errors: true
    - name: bad name
      cac.proget.proget_feed: {name: "my feed", type: npm}
      ignore_errors: true
    - name: missing type on create
      cac.proget.proget_feed: {name: newfeed, description: x}
      ignore_errors: true
    - name: missing connector
      cac.proget.proget_feed: {name: a, type: npm, connectors: [nope]}
      ignore_errors: true
    - name: type change
      cac.proget.proget_feed: {name: existing, type: npm}
      ignore_errors: true
    - name: missing url
      cac.proget.proget_feed: {name: a, type: npm}
      environment: {PROGET_URL: ""}
      ignore_errors: true
    - name: unreachable
      cac.proget.proget_feed: {name: a, type: npm, url: "http://127.0.0.1:9", timeout: 2}
      ignore_errors: true
    - name: url without scheme
      cac.proget.proget_feed: {name: a, type: npm, url: "proget.example.com"}
      ignore_errors: true
'''


def test_bad_input_fails_clearly_before_any_write(sim, run_play):
    sim.api('POST', 'api/management/feeds/create', json={'name': 'existing', 'feedType': 'nuget'}, expect=(200, 201))
    sim.clear_log()
    result = run_play(BAD_INPUT_PLAY)
    expected = {
        'unknown feed type': "type 'nugget' is not a ProGet feed type",
        'unknown retention key': 'bogus',
        'wrong option type': 'active',
        'bad name': "feed 'my feed'",
        'missing type on create': "feed 'newfeed' does not exist; to create it, set type",
        'missing connector': "connectors 'nope' do not exist",
        'type change': 'type cannot change from nuget to npm',
        'missing url': 'url',
        'unreachable': 'could not connect',
        'url without scheme': 'url must be an http',
    }
    for name, text in expected.items():
        task = result.task(name)
        assert task['failed'], name
        assert text in task['msg'], (name, task['msg'])
    assert 'retention_rules' in result.task('unknown retention key')['msg']
    assert sim.writes() == []
    assert [f['name'] for f in sim.api('GET', 'api/management/feeds/list').json()] == ['existing']


def test_wrong_api_key_is_403_and_nothing_changes(sim_factory, play_runner):
    sim = sim_factory(anonymous='none', system_key='right-key-123')
    play = '''
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: wrong key
          cac.proget.proget_feed: {name: a, type: npm, api_key: wrong-key-456}
          ignore_errors: true
        - name: right key
          cac.proget.proget_feed: {name: b, type: npm, api_key: right-key-123}
        - name: admin user
          cac.proget.proget_feed: {name: c, type: npm, username: Admin, password: Admin}
    '''
    result = play_runner(sim=sim, api_key=None)(play, verbosity=3)
    msg = result.task('wrong key')['msg']
    assert 'HTTP 403' in msg and 'proper permissions' in msg
    assert 'wrong-key-456' not in result.stdout + result.stderr
    assert 'right-key-123' not in result.stdout + result.stderr
    names = sorted(f['name'] for f in sim.api('GET', 'api/management/feeds/list', key='right-key-123').json())
    assert names == ['b', 'c']


def test_tls_refused_by_default_accepted_with_ca_path_or_without_validation(sim_factory, play_runner):
    sim = sim_factory(https=True)
    play = '''
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: default
          cac.proget.proget_feed: {name: a, type: npm, ca_path: null}
          environment: {PROGET_CA_PATH: ""}
          ignore_errors: true
        - name: with ca
          cac.proget.proget_feed: {name: b, type: npm, ca_path: "{{ ca }}"}
        - name: no validation
          cac.proget.proget_feed: {name: c, type: npm, validate_certs: false}
          environment: {PROGET_CA_PATH: ""}
    '''
    result = play_runner(sim=sim)(play, extra_vars={'ca': sim.ca_path})
    assert 'TLS error' in result.task('default')['msg'] and 'ca_path' in result.task('default')['msg']
    assert result.task('with ca')['changed']
    unchecked = result.task('no validation')
    assert unchecked['changed'] and any('validate_certs' in w for w in unchecked['result'].get('warnings', []))
    names = sorted(f['name'] for f in sim.api('GET', 'api/management/feeds/list').json())
    assert names == ['b', 'c']


def test_sub_path_install(sim_factory, play_runner):
    sim = sim_factory(prefix='/proget')
    result = play_runner(sim=sim)(FEED_PLAY, extra_vars=dict(feed_name='x', feed_type='helm'))
    assert result.task('feed')['changed']
    assert sim.url.endswith('/proget')
    assert sim.api('GET', 'api/management/feeds/get/x').json()['feedType'] == 'helm'


def test_results_are_json_serialisable_and_secret_free(sim_factory, play_runner):
    sim = sim_factory(system_key='planted-secret-KEY-777')
    result = play_runner(sim=sim)(FEED_PLAY, extra_vars=dict(feed_name='f', feed_type='npm'), verbosity=3)
    assert 'planted-secret-KEY-777' not in result.stdout + result.stderr
    json.dumps(result.results)


def test_feed_scoped_key_gets_a_message_naming_the_missing_permission(sim_factory, play_runner):
    sim = sim_factory(anonymous='none', system_key='admin-key-1')
    sim.api('POST', 'api/management/feeds/create', json={'name': 'mine', 'feedType': 'npm'}, expect=(200, 201))
    created = sim.api('POST', 'api/api-keys/create', expect=(200, 201), json={
        'type': 'Feed', 'feed': 'mine', 'packagePermissions': ['view'], 'displayName': 'ci', 'key': 'feed-key-1',
        'logging': 'None'})
    assert created.text == 'feed-key-1'  # the key's text (docs apikeys/create.md)
    sim.clear_log()
    play = '''
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: read own feed
          cac.proget.proget_feed_info: {name: mine}
        - name: change own feed
          cac.proget.proget_feed: {name: mine, description: x}
          ignore_errors: true
        - name: create a feed
          cac.proget.proget_feed: {name: other, type: npm}
          ignore_errors: true
    '''
    result = play_runner(sim=sim, api_key='feed-key-1')(play)
    assert result.task('read own feed')['result']['feeds'][0]['name'] == 'mine'
    msg = result.task('change own feed')['msg']
    assert msg.startswith("failed to update feed 'mine': POST api/management/feeds/update/mine: HTTP 403"), msg
    assert 'this call needs permission to manage feeds' in msg
    msg = result.task('create a feed')['msg']
    assert msg.startswith("failed to read feed 'other': GET api/management/feeds/get/other: HTTP 403"), msg
    assert 'this call needs permission to view feeds' in msg
    assert sim.writes() == []
