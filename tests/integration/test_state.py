"""proget_state and proget_state_info: plan, converge, drift, prune, export, failures."""
import yaml

STATE_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: state
      cac.proget.proget_state:
        feeds: "{{ doc.feeds | default(omit) }}"
        prune: "{{ doc.prune | default([]) }}"
        prune_protect: "{{ doc.prune_protect | default([]) }}"
'''

EXPORT_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: export
      cac.proget.proget_state_info: {}
'''


def document(count=6):
    types = ['nuget', 'npm', 'pypi', 'docker', 'universal', 'asset', 'maven', 'helm']
    feeds = []
    for i in range(count):
        feed = {'name': 'feed-%03d' % i, 'type': types[i % len(types)], 'description': 'feed %d' % i}
        if i % 3 == 0:
            feed['retention_enabled'] = True
            feed['retention_rules'] = [{'keep_versions_count': 5 + i}, {'delete_cached': True, 'keep_used_within_days': 30}]
        if i % 4 == 1:
            feed['variables'] = {'team': 'team-%d' % i}
        feeds.append(feed)
    return {'feeds': feeds}


def live_feeds(sim):
    return dict((f['name'], f) for f in sim.api('GET', 'api/management/feeds/list').json())


def test_plan_converge_noop_drift_and_revert(sim, run_play):
    doc = document()
    plan = run_play(STATE_PLAY, extra_vars={'doc': doc}, check=True, diff=True)
    task = plan.task('state')
    assert task['changed'] and task['result']['summary'] == {'create': 6, 'update': 0, 'replace': 0, 'delete': 0, 'unchanged': 0}
    assert sim.writes() == [] and live_feeds(sim) == {}
    assert 'feeds feed-000 (create)' in plan.stdout

    applied = run_play(STATE_PLAY, extra_vars={'doc': doc})
    assert applied.task('state')['result']['summary']['create'] == 6
    live = live_feeds(sim)
    assert sorted(live) == ['feed-%03d' % i for i in range(6)]
    assert live['feed-003']['retentionRules'][0]['keepVersionsCount'] == 8
    assert live['feed-005']['variables'] == {'team': 'team-5'}

    sim.clear_log()
    again = run_play(STATE_PLAY, extra_vars={'doc': doc})
    assert not again.task('state')['changed'] and again.recap['localhost']['changed'] == 0
    assert [(e['method'], e['path']) for e in sim.log()] == [('GET', '/api/management/feeds/list')]

    # someone changes a feed by hand: the plan shows exactly that field, the run reverts it
    sim.api('POST', 'api/management/feeds/update/feed-001', json={'description': 'hand-made'}, expect=200)
    sim.clear_log()
    drift = run_play(STATE_PLAY, extra_vars={'doc': doc}, check=True).task('state')['result']
    assert drift['summary'] == {'create': 0, 'update': 1, 'replace': 0, 'delete': 0, 'unchanged': 5}
    step = [s for s in drift['plan'] if s['action'] == 'update'][0]
    assert step == {'kind': 'feeds', 'name': 'feed-001', 'action': 'update',
                    'changes': {'description': {'before': 'hand-made', 'after': 'feed 1'}}}
    assert sim.writes() == []
    run_play(STATE_PLAY, extra_vars={'doc': doc})
    assert live_feeds(sim)['feed-001']['description'] == 'feed 1'


def test_prune_only_undeclared_of_pruned_kinds_and_protect(sim, run_play):
    for name in ('keep-me', 'stray', 'Protected'):
        sim.api('POST', 'api/management/feeds/create', json={'name': name, 'feedType': 'npm'}, expect=(200, 201))
    doc = {'feeds': [{'name': 'keep-me', 'type': 'npm'}, {'name': 'new', 'type': 'pypi'}]}
    # without prune nothing undeclared is touched
    run_play(STATE_PLAY, extra_vars={'doc': doc})
    assert sorted(live_feeds(sim)) == ['Protected', 'keep-me', 'new', 'stray']
    doc.update(prune=['feeds'], prune_protect=['protected'])
    plan = run_play(STATE_PLAY, extra_vars={'doc': doc}, check=True).task('state')['result']
    assert [(s['name'], s['action'], s.get('pruned')) for s in plan['plan'] if s['action'] != 'none'] == \
        [('stray', 'delete', True)]
    run_play(STATE_PLAY, extra_vars={'doc': doc})
    assert sorted(live_feeds(sim)) == ['Protected', 'keep-me', 'new']


def test_export_then_apply_is_a_noop(sim, run_play):
    run_play(STATE_PLAY, extra_vars={'doc': document(8)})
    sim.api('POST', 'api/management/feeds/update/feed-002', json={'active': False, 'alternateNames': ['old']}, expect=200)
    exported = run_play(EXPORT_PLAY).task('export')['result']['document']
    assert len(exported['feeds']) == 8
    feed = [f for f in exported['feeds'] if f['name'] == 'feed-002'][0]
    assert feed['active'] is False and feed['alternate_names'] == ['old']
    yaml.safe_dump(exported)  # plain data, ready to commit
    sim.clear_log()
    result = run_play(STATE_PLAY, extra_vars={'doc': exported})
    assert not result.task('state')['changed'] and sim.writes() == []


def test_invalid_document_lists_every_problem_and_sends_nothing(sim, run_play):
    doc = {'feeds': [
        {'name': 'ok', 'type': 'nuget'},
        {'name': 'bad', 'type': 'nuget', 'retention_rules': [{'keep_versions_count': 'ten'}]},
        {'name': 'worse', 'type': 'nugget'},
        {'name': 'OK', 'type': 'npm'},
    ]}
    result = run_play(STATE_PLAY, extra_vars={'doc': doc}, expect_rc=2).task('state')
    assert result['failed']
    problems = result['result']['problems']
    assert "feeds[1].retention_rules[0].keep_versions_count: 'ten' is not of type 'integer'" in problems
    assert any(p.startswith("feeds[3].name: 'OK' is declared twice") for p in problems)
    assert sim.log() == []
    # semantic problems (unknown type, missing connector) are found after the one list, before any write
    doc = {'feeds': [{'name': 'worse', 'type': 'nugget'}, {'name': 'c', 'type': 'nuget', 'connectors': ['nope']}]}
    result = run_play(STATE_PLAY, extra_vars={'doc': doc}, expect_rc=2).task('state')
    assert "feeds[0]: feed 'worse': type 'nugget'" in result['msg']
    assert "feeds[1]: feed 'c': connectors 'nope' do not exist" in result['msg']
    assert sim.writes() == []


def test_a_fault_the_run_survives_leaves_exact_state(sim, run_play):
    doc = document(5)
    sim.config(fail_every=3)   # every 3rd request answers 500: reads are retried, creates re-checked
    run_play(STATE_PLAY, extra_vars={'doc': doc})
    sim.config(fail_every=0)
    assert sorted(live_feeds(sim)) == ['feed-%03d' % i for i in range(5)]
    sim.clear_log()
    assert not run_play(STATE_PLAY, extra_vars={'doc': doc}).task('state')['changed']


def test_failure_names_the_object_and_reports_applied_and_not_applied(sim, run_play):
    doc = document(5)
    run_play(STATE_PLAY, extra_vars={'doc': {'feeds': doc['feeds'][:1]}})
    doc['feeds'][0]['description'] = 'changed'
    # Every 2nd request fails: 1 list ok, 2 update fails (uncertain), 3 re-read ok (not applied),
    # 4 update again fails: a rate the run cannot survive.
    sim.config(fail_every=2)
    result = run_play(STATE_PLAY, extra_vars={'doc': doc}, expect_rc=2).task('state')['result']
    sim.config(fail_every=0)
    assert "feeds feed-000: failed to update feed 'feed-000'" in result['msg'] and 'HTTP 500' in result['msg']
    assert 'applied 0 of 5 changes; 4 not applied' in result['msg']
    assert result['applied'] == [] and result['failed_object']['name'] == 'feed-000'
    assert [s['name'] for s in result['not_applied']] == ['feed-001', 'feed-002', 'feed-003', 'feed-004']
    assert sorted(live_feeds(sim)) == ['feed-000']
    assert live_feeds(sim)['feed-000']['description'] == 'feed 0'
    # the next clean run completes the job
    run_play(STATE_PLAY, extra_vars={'doc': doc})
    assert sorted(live_feeds(sim)) == ['feed-%03d' % i for i in range(5)]


def test_300_objects_converge_and_a_noop_is_one_list_request(sim, run_play):
    doc = document(300)
    first = run_play(STATE_PLAY, extra_vars={'doc': doc}).task('state')['result']
    assert first['summary']['create'] == 300
    live = live_feeds(sim)
    assert len(live) == 300 and live['feed-297']['retentionRules'][0]['keepVersionsCount'] == 302
    sim.clear_log()
    second = run_play(STATE_PLAY, extra_vars={'doc': doc}).task('state')['result']
    assert second['summary'] == {'create': 0, 'update': 0, 'replace': 0, 'delete': 0, 'unchanged': 300}
    assert len(sim.log()) == 1 and sim.writes() == []


def test_assets_are_applied_after_their_asset_directory(sim, run_play, tmp_path):
    folder = tmp_path / 'bundle'
    (folder / 'sub').mkdir(parents=True)
    (folder / 'a.txt').write_text('alpha')
    (folder / 'sub' / 'b.txt').write_text('beta')
    doc = {'feeds': [{'name': 'files', 'type': 'asset'}],
           'assets': [{'feed': 'files', 'path': 'config/app.json', 'content': '{"x": 1}',
                       'content_type': 'application/json'},
                      {'feed': 'files', 'path': 'bundle', 'state': 'directory', 'src': str(folder)}]}
    plan = run_play(STATE_PLAY_ASSETS, extra_vars={'doc': doc}, check=True).task('state')['result']
    assert [(s['kind'], s['name'], s['action']) for s in plan['plan']] == [
        ('feeds', 'files', 'create'), ('assets', 'files/config/app.json', 'create'), ('assets', 'files/bundle', 'create')]
    assert sim.writes() == []
    run_play(STATE_PLAY_ASSETS, extra_vars={'doc': doc})
    content = sim.api('GET', 'endpoints/files/content/config/app.json')
    assert content.status_code == 200, (content.status_code, content.text, sim.log())
    assert content.text == '{"x": 1}'
    assert sim.api('GET', 'endpoints/files/content/bundle/sub/b.txt').text == 'beta'
    sim.clear_log()
    again = run_play(STATE_PLAY_ASSETS, extra_vars={'doc': doc}).task('state')['result']
    assert not again['changed'] and sim.writes() == []
    (folder / 'a.txt').write_text('alpha 2')
    changed = run_play(STATE_PLAY_ASSETS, extra_vars={'doc': doc}, check=True).task('state')['result']
    assert [(s['name'], s['action']) for s in changed['plan'] if s['action'] != 'none'] == [('files/bundle', 'update')]


STATE_PLAY_ASSETS = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: state
      cac.proget.proget_state:
        feeds: "{{ doc.feeds }}"
        assets: "{{ doc.assets }}"
'''


KINDS_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: state
      cac.proget.proget_state:
        connectors: "{{ doc.connectors | default(omit) }}"
        feeds: "{{ doc.feeds | default(omit) }}"
        settings: "{{ doc.settings | default(omit) }}"
        prune: "{{ doc.prune | default([]) }}"
'''


def test_connectors_before_feeds_settings_secrets_and_export(sim, run_play):
    doc = {
        'connectors': [{'name': 'nuget.org', 'type': 'nuget', 'url': 'https://nuget.example.com/v3/index.json',
                        'username': 'mirror', 'password': 'Planted-Connector-Pw-1', 'timeout': 15},
                       {'name': 'npmjs', 'type': 'npm', 'url': 'https://npm.example.com', 'filters': ['!evil*', '*']}],
        'feeds': [{'name': 'nuget-internal', 'type': 'nuget', 'connectors': ['nuget.org']},
                  {'name': 'npm-internal', 'type': 'npm', 'connectors': ['npmjs']}],
        'settings': [{'name': 'Web.BaseUrl', 'value': 'https://proget.example.com/'},
                     {'name': 'Licensing.Key', 'value': 'Planted-License-Key-2'},
                     {'name': 'FeedRetentionDryRun', 'value': True}],
    }
    plan = run_play(KINDS_PLAY, extra_vars={'doc': doc}, check=True, diff=True, verbosity=3)
    result = plan.task('state')['result']
    assert [(s['kind'], s['action']) for s in result['plan']].count(('connectors', 'create')) == 2
    assert sim.writes() == []
    applied = run_play(KINDS_PLAY, extra_vars={'doc': doc}, diff=True, verbosity=3)
    order = [(e['path'].split('/')[3] if e['path'].startswith('/api/management') else e['path'])
             for e in sim.writes()]
    assert order[:2] == ['connectors', 'connectors'] and order[2:4] == ['feeds', 'feeds'], order
    assert sim.api('GET', 'api/management/feeds/get/npm-internal').json()['connectors'] == ['npmjs']
    connector = sim.api('GET', 'api/management/connectors/get/nuget.org').json()
    assert connector['username'] == 'mirror' and connector['timeout'] == 15 and 'password' not in connector
    settings = dict((s['name'], s['value']) for s in sim.api('GET', 'api/settings/list?showAll=True').json())
    assert settings['Web.BaseUrl'] == 'https://proget.example.com/' and settings['Licensing.Key'] == 'Planted-License-Key-2'
    for run in (plan, applied):
        text = run.stdout + run.stderr
        assert 'Planted-Connector-Pw-1' not in text and 'Planted-License-Key-2' not in text
    # second run: nothing (the password is write-only: on_create)
    sim.clear_log()
    assert not run_play(KINDS_PLAY, extra_vars={'doc': doc}).task('state')['changed']
    assert sim.writes() == []
    # export: no secret, and applying it changes nothing
    exported = run_play(EXPORT_PLAY, verbosity=3)
    assert 'Planted-License-Key-2' not in exported.stdout + exported.stderr
    document = exported.task('export')['result']['document']
    omitted = exported.task('export')['result']['secrets_omitted']
    assert 'settings[Licensing.Key].value' in omitted and 'connectors[nuget.org].password' in omitted
    assert not any(s['name'] == 'Licensing.Key' for s in document['settings'])
    sim.clear_log()
    assert not run_play(KINDS_PLAY, extra_vars={'doc': document}).task('state')['changed']
    assert sim.writes() == []
    # pruning connectors detaches them from feeds first, then deletes them
    doc2 = dict(doc, connectors=doc['connectors'][:1], prune=['connectors'],
                feeds=[{'name': 'nuget-internal', 'type': 'nuget', 'connectors': ['nuget.org']}])
    run_play(KINDS_PLAY, extra_vars={'doc': doc2})
    assert [c['name'] for c in sim.api('GET', 'api/management/connectors/list').json()] == ['nuget.org']
    assert sim.api('GET', 'api/management/feeds/get/npm-internal').json()['connectors'] == []


KEYS_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: state
      cac.proget.proget_state:
        feeds: "{{ doc.feeds }}"
        licenses: "{{ doc.licenses }}"
        api_keys: "{{ doc.api_keys }}"
      register: applied
      no_log: "{{ hide | default(false) }}"
    - name: use the new key
      cac.proget.proget_feed_info:
        name: builds
        api_key: "{{ applied.new_secrets.api_keys['ci-builds'] }}"
      when: applied.new_secrets is defined
'''


def test_licenses_and_api_keys_in_one_document(sim, run_play, tmp_path):
    eula = tmp_path / 'eula.txt'
    eula.write_text('ACME EULA\n')
    doc = {'feeds': [{'name': 'builds', 'type': 'universal'}],
           'licenses': [{'code': 'ACME-EULA', 'title': 'ACME EULA', 'urls': ['https://acme.example/eula'],
                         'files': [str(eula)]}],
           'api_keys': [{'name': 'ci-builds', 'type': 'feed', 'feed': 'builds', 'package_permissions': ['view', 'add']},
                        {'name': 'deployer', 'type': 'system', 'system_apis': ['feeds'], 'key': 'Planted-Chosen-Key-3'}]}
    plan = run_play(KEYS_PLAY, extra_vars={'doc': doc}, check=True).task('state')['result']
    assert plan['summary']['create'] == 4 and sim.writes() == []
    applied = run_play(KEYS_PLAY, extra_vars={'doc': doc, 'hide': True}, verbosity=3)
    assert applied.task('use the new key')['result']['feeds'][0]['name'] == 'builds'
    keys = sim.api('GET', 'api/api-keys/list').json()
    new_secret = [k['key'] for k in keys if k['displayName'] == 'ci-builds'][0]
    text = applied.stdout + applied.stderr
    assert new_secret not in text and 'Planted-Chosen-Key-3' not in text
    licenses = sim.api('GET', 'api/licenses/list').json()
    assert licenses[0]['urls'] == ['acme.example/eula'] and len(licenses[0]['hashes']) == 1
    sim.clear_log()
    again = run_play(KEYS_PLAY, extra_vars={'doc': doc}).task('state')['result']
    assert not again['changed'] and sim.writes() == []
    # a changed permission re-creates the key (ProGet cannot update keys)
    doc['api_keys'][0]['package_permissions'] = ['view']
    plan = run_play(KEYS_PLAY, extra_vars={'doc': doc}, check=True).task('state')['result']
    assert plan['summary']['replace'] == 1
    sim.clear_log()
    run_play(KEYS_PLAY, extra_vars={'doc': doc, 'hide': True})
    assert [(e['method'], e['path']) for e in sim.writes()] == [('POST', '/api/api-keys/create'),
                                                                ('POST', '/api/api-keys/delete')]
    keys = [k for k in sim.api('GET', 'api/api-keys/list').json() if k['displayName'] == 'ci-builds']
    assert len(keys) == 1 and keys[0]['packagePermissions'] == ['view']


def test_a_reference_to_an_undeclared_object_on_the_server_is_checked_there(sim, run_play):
    """A feed that names a connector the document does not declare: the connectors are listed once,
    only because a reference changes; a no-op stays one list request."""
    sim.api('POST', 'api/management/connectors/create', expect=200,
            json={'name': 'upstream', 'feedType': 'nuget', 'url': 'https://nuget.example.com/v3/index.json'})
    doc = {'feeds': [{'name': 'mirror', 'type': 'nuget', 'connectors': ['UPSTREAM']}]}
    sim.clear_log()
    first = run_play(STATE_PLAY, extra_vars={'doc': doc}).task('state')
    assert first['changed']
    assert [c.lower() for c in sim.api('GET', 'api/management/feeds/get/mirror').json()['connectors']] == ['upstream']
    reads = [e['path'] for e in sim.log() if e['method'] == 'GET']
    assert reads.count('/api/management/connectors/list') == 1
    sim.clear_log()
    assert run_play(STATE_PLAY, extra_vars={'doc': doc}).task('state')['changed'] is False
    assert [(e['method'], e['path']) for e in sim.log()] == [('GET', '/api/management/feeds/list')]
