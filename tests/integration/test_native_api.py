"""proget_native_api through real ansible-playbook runs, checked on the sim's state and request log."""

NATIVE_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: create connector
      cac.proget.proget_native_api:
        method: Connectors_CreateOrUpdateConnector
        arguments:
          Connector_Name: native-npm
          FeedType_Name: npm
          Connector_Url: https://npm.example.com
          User_Name: ci
          Password_Bytes: "{{ 'planted-native-pw' | b64encode }}"
          Timeout_Period: 15
        secret_arguments: [Password_Bytes]
      register: created
    - name: list connectors
      cac.proget.proget_native_api: {method: Connectors_GetConnectors}
    - name: one connector
      cac.proget.proget_native_api:
        method: Connectors_GetConnector
        arguments: {Connector_Id: "{{ created.result | default(0) }}"}
    - name: create feed
      cac.proget.proget_native_api:
        method: Feeds_CreateFeed
        arguments: {Feed_Name: native-feed, FeedType_Name: npm}
      register: feed
      changed_when: feed.result is number
    - name: no output
      cac.proget.proget_native_api:
        method: Feeds_SetFeedProperty
        arguments: {Feed_Name: native-feed, Feed_Id: "{{ feed.result | default(0) }}", Feed_Description: via native}
    - name: unknown method
      cac.proget.proget_native_api: {method: Nope_DoesNotExist}
      ignore_errors: true
    - name: bad argument
      cac.proget.proget_native_api: {method: Feeds_DeleteFeed, arguments: {Feed_Id: abc}}
      ignore_errors: true
    - name: licenses
      cac.proget.proget_native_api: {method: Licenses_GetLicenses}
'''


def test_native_calls_reads_writes_errors(sim, run_play):
    sim.api('POST', 'api/licenses/add', json={'code': 'MIT', 'title': 'MIT License'}, expect=200)
    sim.clear_log()
    result = run_play(NATIVE_PLAY, verbosity=3)
    created = result.task('create connector')
    assert created['changed'] and isinstance(created['result']['result'], int)
    assert created['result']['read'] is False
    c = sim.api('GET', 'api/management/connectors/get/native-npm').json()
    assert c['feedType'] == 'npm' and c['timeout'] == 15 and c['username'] == 'ci'
    assert sim.state()['connector'][0]['password'] == 'planted-native-pw'
    assert 'planted-native-pw' not in result.stdout + result.stderr

    rows = result.task('list connectors')
    assert not rows['changed'] and rows['result']['read'] is True
    assert [r['Connector_Name'] for r in rows['result']['result']] == ['native-npm']
    assert result.task('one connector')['result']['result']['Connector_Id'] == created['result']['result']
    assert result.task('create feed')['changed']
    assert result.task('no output')['changed'] and result.task('no output')['result']['result'] is None
    assert sim.api('GET', 'api/management/feeds/get/native-feed').json()['description'] == 'via native'
    msg = result.task('unknown method')['msg']
    assert 'Nope_DoesNotExist' in msg and 'HTTP 404' in msg
    msg = result.task('bad argument')['msg']
    assert 'native API method Feeds_DeleteFeed failed' in msg and 'HTTP 400' in msg and 'Feed_Id' in msg
    assert result.task('licenses')['result']['result']['Licenses'][0]['External_Id'] == 'MIT'
    native = [e for e in sim.log() if e['path'].startswith('/api/json/')]
    assert len(native) == 8 and all(e['method'] == 'POST' for e in native)


def test_check_mode_runs_reads_only_key_in_header(sim_factory, play_runner):
    # anonymous has no rights: the read works only because the key travels in X-ApiKey
    sim = sim_factory(anonymous='none', system_key='native-system-key-1')
    play = '''
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: read
          cac.proget.proget_native_api: {method: Feeds_GetFeeds}
        - name: write
          cac.proget.proget_native_api:
            method: Feeds_CreateFeed
            arguments: {Feed_Name: never, FeedType_Name: npm}
    '''
    sim.api('POST', 'api/management/feeds/create', json={'name': 'f', 'feedType': 'nuget'}, expect=200)
    sim.clear_log()
    result = play_runner(sim=sim)(play, check=True)
    assert [r['Feed_Name'] for r in result.task('read')['result']['result']] == ['f']
    write = result.task('write')
    assert write['skipped'] and not write['changed'] and 'check mode' in write['result']['msg']
    log = sim.log()
    assert [e['path'] for e in log] == ['/api/json/Feeds_GetFeeds'] and log[0]['status'] == 200
    assert 'native-system-key-1' not in str(log) and sim.writes() == []


def test_bad_method_names_send_nothing(sim, run_play):
    play = '''
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: slash
          cac.proget.proget_native_api: {method: "Feeds_GetFeeds/../x"}
          ignore_errors: true
        - name: space
          cac.proget.proget_native_api: {method: "Feeds GetFeeds"}
          ignore_errors: true
        - name: empty
          cac.proget.proget_native_api: {method: ""}
          ignore_errors: true
        - name: key in arguments
          cac.proget.proget_native_api: {method: Feeds_GetFeeds, arguments: {API_Key: planted-arg-key}}
          ignore_errors: true
        - name: nested argument
          cac.proget.proget_native_api: {method: Feeds_CreateFeed, arguments: {Feed_Name: [a]}}
          ignore_errors: true
    '''
    result = run_play(play)
    for name in ('slash', 'space', 'empty'):
        msg = result.task(name)['msg']
        assert 'native API: method' in msg and "letters, digits and '_'" in msg, (name, msg)
    assert 'must not contain API_Key' in result.task('key in arguments')['msg']
    assert 'argument Feed_Name must be' in result.task('nested argument')['msg']
    assert sim.log() == []
