"""proget_connector, proget_connector_info and proget_feed's connectors through real ansible-playbook runs.

Assertions are made on the sim's state (its API and its database dump) and its request log.
"""
import pytest

C = 'api/management/connectors/'
PASSWORD = 'planted-Connector-PW-4711'

CONNECTOR_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: connector
      cac.proget.proget_connector:
        name: "{{ c_name }}"
        type: "{{ c_type | default(omit) }}"
        connector_url: "{{ c_url | default(omit) }}"
        connector_username: "{{ c_user | default(omit) }}"
        connector_password: "{{ c_password | default(omit) }}"
        update_password: "{{ c_update_password | default(omit) }}"
        connector_timeout: "{{ c_timeout | default(omit) }}"
        filters: "{{ c_filters | default(omit) }}"
        metadata_cache_enabled: "{{ c_cache | default(omit) }}"
        metadata_cache_minutes: "{{ c_cache_minutes | default(omit) }}"
        metadata_cache_count: "{{ c_cache_count | default(omit) }}"
        state: "{{ c_state | default('present') }}"
'''


def connector(sim, name):
    response = sim.api('GET', C + 'get/%s' % name)
    return response.json() if response.status_code == 200 else None


def stored_password(sim, name):
    for rec in sim.state().get('connector', []):
        if rec['name'].lower() == name.lower():
            return rec.get('password')
    return None


def feed_connectors(sim, feed):
    return sim.api('GET', 'api/management/feeds/get/%s' % feed).json()['connectors']


def test_connector_lifecycle_password_check_diff_delete(sim, run_play):
    create = dict(c_name='partner-npm', c_type='npm', c_url='https://npm.partner.example.com/',
                  c_user='ci', c_password=PASSWORD, c_timeout=10, c_filters=['Corp.*', '!Corp.Secret*'])

    first = run_play(CONNECTOR_PLAY, extra_vars=create, verbosity=3, diff=True)
    task = first.task('connector')
    assert task['changed'] and task['result']['action'] == 'create'
    c = connector(sim, 'partner-npm')
    assert c['feedType'] == 'npm' and c['url'] == 'https://npm.partner.example.com/'
    assert c['username'] == 'ci' and c['timeout'] == 10 and c['filters'] == ['Corp.*', '!Corp.Secret*']
    assert stored_password(sim, 'partner-npm') == PASSWORD
    assert task['diff']['after']['connector_password'] == '<changed>'
    assert PASSWORD not in first.stdout + first.stderr
    assert 'password' not in task['result']['connector']
    assert len(sim.writes()) == 1

    # second run (password on_create, URL without the trailing slash, type in other case): no change,
    # one request
    sim.clear_log()
    second = run_play(CONNECTOR_PLAY, extra_vars=dict(create, c_type='NPM', c_url='https://npm.partner.example.com',
                                                      c_name='PARTNER-npm'), verbosity=3, diff=True)
    assert second.recap['localhost']['changed'] == 0
    assert [(e['method'], e['path']) for e in sim.log()] == [('GET', '/' + C + 'get/PARTNER-npm')]
    assert PASSWORD not in second.stdout + second.stderr

    # update: filters reordered, cache options; only those are sent; password untouched
    sim.clear_log()
    third = run_play(CONNECTOR_PLAY, extra_vars=dict(c_name='partner-npm', c_filters=['!Corp.Secret*', 'Corp.*'],
                                                     c_cache=True, c_cache_minutes=5, c_cache_count=0))
    assert third.task('connector')['result']['action'] == 'update'
    c = connector(sim, 'partner-npm')
    assert c['filters'] == ['!Corp.Secret*', 'Corp.*'] and c['metadataCacheEnabled'] is True
    assert (c['metadataCacheMinutes'], c['metadataCacheCount'], c['timeout'], c['username']) == (5, 0, 10, 'ci')
    assert stored_password(sim, 'partner-npm') == PASSWORD
    assert len(sim.writes()) == 1
    # ProGet Free saves but ignores filters and the metadata cache: say so
    assert any('ProGet Free' in w for w in third.task('connector')['result'].get('warnings', []))

    # check mode + diff: reported, nothing written
    sim.clear_log()
    check = run_play(CONNECTOR_PLAY, extra_vars=dict(c_name='partner-npm', c_filters=[], c_timeout=30,
                                                     c_user=''), check=True, diff=True)
    diff = check.task('connector')['diff']
    assert check.task('connector')['changed']
    assert diff['before'] == {'name': 'partner-npm', 'filters': ['!Corp.Secret*', 'Corp.*'],
                              'connector_timeout': 10, 'connector_username': 'ci'}
    assert diff['after'] == {'name': 'partner-npm', 'filters': [], 'connector_timeout': 30,
                             'connector_username': None}
    assert sim.writes() == []
    real = run_play(CONNECTOR_PLAY, extra_vars=dict(c_name='partner-npm', c_filters=[], c_timeout=30, c_user=''),
                    diff=True)
    assert real.task('connector')['diff'] == diff
    c = connector(sim, 'partner-npm')
    assert c['filters'] == [] and c['timeout'] == 30 and c['username'] is None

    # update_password: always sends it and reports a change; the diff shows only a marker
    sim.clear_log()
    rotate = run_play(CONNECTOR_PLAY, extra_vars=dict(c_name='partner-npm', c_password='rotated-' + PASSWORD,
                                                      c_update_password='always'), diff=True, verbosity=3)
    task = rotate.task('connector')
    assert task['changed'] and task['diff']['before']['connector_password'] == '<write-only>'
    assert task['diff']['after']['connector_password'] == '<changed>'
    assert stored_password(sim, 'partner-npm') == 'rotated-' + PASSWORD
    assert PASSWORD not in rotate.stdout + rotate.stderr and len(sim.writes()) == 1
    # on_create with another password: nothing sent
    sim.clear_log()
    kept = run_play(CONNECTOR_PLAY, extra_vars=dict(c_name='partner-npm', c_password='ignored'))
    assert not kept.task('connector')['changed'] and sim.writes() == []
    assert stored_password(sim, 'partner-npm') == 'rotated-' + PASSWORD

    # delete, then absent stays absent
    gone = run_play(CONNECTOR_PLAY, extra_vars=dict(c_name='partner-npm', c_state='absent'))
    assert gone.task('connector')['changed'] and connector(sim, 'partner-npm') is None
    sim.clear_log()
    again = run_play(CONNECTOR_PLAY, extra_vars=dict(c_name='partner-npm', c_state='absent'))
    assert not again.task('connector')['changed'] and sim.writes() == []


FEED_CONNECTORS_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: connectors
      cac.proget.proget_connector:
        name: "{{ item.n }}"
        type: nuget
        connector_url: "{{ item.u }}"
      loop:
        - {n: nuget.org, u: "https://nuget.example.com/v3/index.json"}
        - {n: partner, u: "https://nuget.partner.example.com/v3/index.json"}
    - name: feed
      cac.proget.proget_feed:
        name: internal
        type: nuget
        connectors: "{{ feed_connectors }}"
'''


def test_feed_attach_reorder_detach_and_missing_connector(sim, run_play):
    first = run_play(FEED_CONNECTORS_PLAY, extra_vars={'feed_connectors': ['nuget.org', 'partner']})
    assert first.task('feed')['changed'] and feed_connectors(sim, 'internal') == ['nuget.org', 'partner']
    sim.clear_log()
    same = run_play(FEED_CONNECTORS_PLAY, extra_vars={'feed_connectors': ['NuGet.org', 'partner']})
    assert same.recap['localhost']['changed'] == 0 and sim.writes() == []
    reorder = run_play(FEED_CONNECTORS_PLAY, extra_vars={'feed_connectors': ['partner', 'nuget.org']}, diff=True)
    diff = reorder.task('feed')['diff']
    assert diff['before']['connectors'] == ['nuget.org', 'partner']
    assert diff['after']['connectors'] == ['partner', 'nuget.org']
    assert feed_connectors(sim, 'internal') == ['partner', 'nuget.org']
    run_play(FEED_CONNECTORS_PLAY, extra_vars={'feed_connectors': ['partner']})
    assert feed_connectors(sim, 'internal') == ['partner']

    # a missing connector fails before any write, also in check mode
    sim.clear_log()
    play = '''
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: missing
          cac.proget.proget_feed: {name: internal, connectors: [partner, ghost, nuget.org, Ghost2]}
          ignore_errors: true
        - name: missing on create, check mode
          cac.proget.proget_feed: {name: newfeed, type: nuget, connectors: [ghost]}
          check_mode: true
          ignore_errors: true
    '''
    result = run_play(play)
    msg = result.task('missing')['msg']
    assert "feed 'internal'" in msg and "'ghost'" in msg and "'Ghost2'" in msg and 'partner' not in msg
    assert "feed 'newfeed'" in result.task('missing on create, check mode')['msg']
    assert sim.writes() == []
    assert feed_connectors(sim, 'internal') == ['partner']

    # detach all
    run_play(FEED_CONNECTORS_PLAY, extra_vars={'feed_connectors': []})
    assert feed_connectors(sim, 'internal') == []


DELETE_IN_USE_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: delete
      cac.proget.proget_connector: {name: shared, state: absent}
    - name: info
      cac.proget.proget_connector_info: {feeds: true}
'''


@pytest.mark.parametrize('in_use', ['detach', 'refuse'])
def test_delete_in_use_detaches_from_feeds_first(sim, run_play, in_use):
    sim.config(connector_in_use=in_use)
    for name in ('shared', 'other'):
        sim.api('POST', C + 'create', json={'name': name, 'feedType': 'npm', 'url': 'https://r.example.com'},
                expect=200)
    for feed, names in (('a', ['shared', 'other']), ('b', ['SHARED']), ('c', ['other'])):
        sim.api('POST', 'api/management/feeds/create', json={'name': feed, 'feedType': 'npm', 'connectors': names},
                expect=200)
    sim.clear_log()
    check = run_play(DELETE_IN_USE_PLAY, check=True)
    assert check.task('delete')['result']['detached_from'] == ['a', 'b'] and sim.writes() == []
    result = run_play(DELETE_IN_USE_PLAY)
    assert result.task('delete')['result']['detached_from'] == ['a', 'b']
    assert [(f, feed_connectors(sim, f)) for f in 'abc'] == [('a', ['other']), ('b', []), ('c', ['other'])]
    assert [c['name'] for c in sim.api('GET', C + 'list').json()] == ['other']
    info = result.task('info')['result']['connectors']
    assert [(c['name'], c['feeds']) for c in info] == [('other', ['a', 'c'])]
    assert len(sim.writes()) == 3


def test_info_and_connection_options_stay_separate(sim, run_play):
    play = '''
    - hosts: localhost
      gather_facts: false
      module_defaults:
        group/cac.proget.proget:
          timeout: 17
      tasks:
        - name: create
          cac.proget.proget_connector:
            name: pypi
            type: pypi
            connector_url: https://pypi.example.com/simple
            connector_username: upstream-user
        - name: all
          cac.proget.proget_connector_info: {}
        - name: one
          cac.proget.proget_connector_info: {name: PYPI}
        - name: by type
          cac.proget.proget_connector_info: {type: npm}
        - name: missing
          cac.proget.proget_connector_info: {name: nope}
    '''
    result = run_play(play)
    c = connector(sim, 'pypi')
    # the connection timeout (17) and the ProGet login are not the connector's
    assert c['timeout'] is None and c['username'] == 'upstream-user' and c['url'] == 'https://pypi.example.com/simple'
    assert [x['name'] for x in result.task('all')['result']['connectors']] == ['pypi']
    assert result.task('one')['result']['connectors'][0]['feedType'] == 'pypi'
    assert result.task('by type')['result']['connectors'] == []
    assert result.task('missing')['result']['connectors'] == []


BAD_INPUT_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: unknown type
      cac.proget.proget_connector: {name: x, type: nugget, connector_url: "https://x.example.com"}
      ignore_errors: true
    - name: url without scheme
      cac.proget.proget_connector: {name: x, type: nuget, connector_url: "nuget.example.com/v3/index.json"}
      ignore_errors: true
    - name: negative timeout
      cac.proget.proget_connector: {name: x, type: nuget, connector_url: "https://x.example.com", connector_timeout: -1}
      ignore_errors: true
    - name: filter not a string
      cac.proget.proget_connector: {name: x, type: nuget, connector_url: "https://x.example.com", filters: [ok, {a: 1}]}
      ignore_errors: true
    - name: number filter
      cac.proget.proget_connector: {name: x, type: nuget, connector_url: "https://x.example.com", filters: [12]}
      ignore_errors: true
    - name: negative cache
      cac.proget.proget_connector: {name: existing, metadata_cache_count: -5}
      ignore_errors: true
    - name: bad name
      cac.proget.proget_connector: {name: "a b", type: nuget, connector_url: "https://x.example.com"}
      ignore_errors: true
    - name: missing url on create
      cac.proget.proget_connector: {name: newone, type: nuget}
      ignore_errors: true
    - name: update existing with bad url
      cac.proget.proget_connector: {name: existing, connector_url: "ftp://x.example.com", connector_password: "{{ pw }}"}
      ignore_errors: true
'''


def test_bad_input_fails_clearly_before_any_write(sim, run_play):
    sim.api('POST', C + 'create', json={'name': 'existing', 'feedType': 'npm', 'url': 'https://r.example.com'},
            expect=200)
    sim.clear_log()
    result = run_play(BAD_INPUT_PLAY, extra_vars={'pw': PASSWORD}, verbosity=3)
    expected = {
        'unknown type': "connector 'x': type 'nugget' is not a ProGet feed type",
        'url without scheme': "connector 'x': connector_url 'nuget.example.com/v3/index.json' must be an absolute",
        'negative timeout': "connector 'x': connector_timeout must not be negative",
        'filter not a string': "connector 'x': filters[1] must be a non-empty string",
        'number filter': "connector 'x': filters[0] must be a non-empty string",
        'negative cache': "connector 'existing': metadata_cache_count must not be negative",
        'bad name': "connector 'a b'",
        'missing url on create': "connector 'newone' does not exist; to create it, set connector_url",
        'update existing with bad url': "connector 'existing': connector_url 'ftp://x.example.com'",
    }
    for name, text in expected.items():
        task = result.task(name)
        assert task['failed'], name
        assert text in task['msg'], (name, task['msg'])
    assert PASSWORD not in result.stdout + result.stderr
    assert sim.writes() == []
    assert [c['name'] for c in sim.api('GET', C + 'list').json()] == ['existing']
