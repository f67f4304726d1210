"""proget_setting through real ansible-playbook runs (state checked through the sim's settings API)."""

LICENSE = 'PLANTED-LICENSE-KEY-0042-XYZ'

SETTING_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: base url
      cac.proget.proget_setting: {name: Web.BaseUrl, value: "{{ base_url }}"}
    - name: dry run
      cac.proget.proget_setting: {name: feedretentiondryrun, value: "{{ dry_run }}"}
    - name: log level
      cac.proget.proget_setting: {name: Diagnostics.MinimumLogLevel, value: "{{ level }}"}
    - name: license
      cac.proget.proget_setting: {name: Licensing.Key, value: "{{ license }}"}
    - name: custom secret
      cac.proget.proget_setting: {name: Custom.Webhook, value: "{{ hook }}", secret: true}
'''


def settings(sim):
    return dict((s['name'], s['value']) for s in sim.api('GET', 'api/settings/list?showAll=True').json())


def test_setting_lifecycle_normalised_compare_secrets(sim, run_play):
    values = dict(base_url='https://proget.example.com/', dry_run=True, level=10, license=LICENSE,
                  hook='planted-hook-secret-99')
    first = run_play(SETTING_PLAY, extra_vars=values, diff=True, verbosity=3)
    state = settings(sim)
    assert state['Web.BaseUrl'] == 'https://proget.example.com/'
    assert state['FeedRetentionDryRun'] == 'True' and state['Diagnostics.MinimumLogLevel'] == '10'
    assert state['Licensing.Key'] == LICENSE and state['Custom.Webhook'] == 'planted-hook-secret-99'
    assert first.recap['localhost']['changed'] == 5 and len(sim.writes()) == 5
    lic = first.task('license')
    assert lic['result']['setting']['value'] == '<secret>'
    assert lic['diff']['before']['value'] is None and lic['diff']['after']['value'] == '<changed>'
    assert first.task('dry run')['result']['setting'] == {
        'name': 'FeedRetentionDryRun', 'value': 'True', 'valueType': 'Boolean',
        'description': 'Run all retention rules as a dry run (log only).'}
    for secret in (LICENSE, 'planted-hook-secret-99'):
        assert secret not in first.stdout + first.stderr

    # second run: booleans compared without case, integers as numbers -> nothing written,
    # one request (the list) per setting
    sim.clear_log()
    second = run_play(SETTING_PLAY, extra_vars=dict(values, dry_run='true', level='010'), verbosity=3)
    assert second.recap['localhost']['changed'] == 0 and sim.writes() == []
    assert len(sim.log()) == 5
    assert LICENSE not in second.stdout + second.stderr

    # check mode + diff: reported, nothing written; secrets show as markers
    sim.clear_log()
    changed = dict(values, base_url='https://new.example.com/', dry_run=False, license=LICENSE + '-NEW')
    check = run_play(SETTING_PLAY, extra_vars=changed, check=True, diff=True, verbosity=3)
    assert check.task('base url')['diff'] == {'before': {'name': 'Web.BaseUrl', 'value': 'https://proget.example.com/'},
                                              'after': {'name': 'Web.BaseUrl', 'value': 'https://new.example.com/'}}
    assert check.task('dry run')['diff']['after']['value'] == 'False'
    assert check.task('license')['diff'] == {'before': {'name': 'Licensing.Key', 'value': '<secret>'},
                                             'after': {'name': 'Licensing.Key', 'value': '<changed>'}}
    assert check.recap['localhost']['changed'] == 3 and sim.writes() == []
    assert LICENSE not in check.stdout + check.stderr
    real = run_play(SETTING_PLAY, extra_vars=changed)
    assert real.recap['localhost']['changed'] == 3
    state = settings(sim)
    assert state['Web.BaseUrl'] == 'https://new.example.com/' and state['FeedRetentionDryRun'] == 'False'
    assert state['Licensing.Key'] == LICENSE + '-NEW'

    # an empty value clears
    run_play('''
    - hosts: localhost
      gather_facts: false
      tasks:
        - cac.proget.proget_setting: {name: Web.BaseUrl, value: ""}
    ''')
    assert settings(sim)['Web.BaseUrl'] in (None, '')


def test_bad_values_fail_before_any_write(sim, run_play):
    play = '''
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: not a boolean
          cac.proget.proget_setting: {name: FeedRetentionDryRun, value: maybe}
          ignore_errors: true
        - name: not an integer
          cac.proget.proget_setting: {name: Diagnostics.MinimumLogLevel, value: lots}
          ignore_errors: true
        - name: a list
          cac.proget.proget_setting: {name: Web.BaseUrl, value: [a, b]}
          ignore_errors: true
        - name: secret in error
          cac.proget.proget_setting: {name: Diagnostics.MinimumLogLevel, value: planted-not-a-number, secret: true}
          ignore_errors: true
    '''
    result = run_play(play, verbosity=3)
    assert "setting 'FeedRetentionDryRun': value must be true or false" in result.task('not a boolean')['msg']
    assert "setting 'Diagnostics.MinimumLogLevel': value must be an integer" in result.task('not an integer')['msg']
    assert "setting 'Web.BaseUrl': value must be text" in result.task('a list')['msg']
    assert result.task('secret in error')['failed']
    assert 'planted-not-a-number' not in result.stdout + result.stderr
    assert sim.writes() == []
