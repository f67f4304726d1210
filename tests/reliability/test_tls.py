"""TLS for proget_state and an info module (proget_feed is covered in tests/integration/test_feed.py):
refused by default with a clear message, accepted with ca_path, accepted with validate_certs: false
(with a warning)."""


def test_state_and_info_module_over_https(sim_factory, play_runner):
    sim = sim_factory(https=True)
    play = '''
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: state default
          cac.proget.proget_state: {feeds: [{name: a, type: npm}], ca_path: null}
          environment: {PROGET_CA_PATH: ""}
          ignore_errors: true
        - name: info default
          cac.proget.proget_connector_info: {ca_path: null}
          environment: {PROGET_CA_PATH: ""}
          ignore_errors: true
        - name: state with ca
          cac.proget.proget_state: {feeds: [{name: b, type: npm}], ca_path: "{{ ca }}"}
        - name: info with ca
          cac.proget.proget_connector_info: {ca_path: "{{ ca }}"}
        - name: state no validation
          cac.proget.proget_state: {feeds: [{name: c, type: npm}], validate_certs: false}
          environment: {PROGET_CA_PATH: ""}
        - name: info no validation
          cac.proget.proget_connector_info: {validate_certs: false}
          environment: {PROGET_CA_PATH: ""}
    '''
    result = play_runner(sim=sim)(play, extra_vars={'ca': sim.ca_path})
    for name in ('state default', 'info default'):
        msg = result.task(name)['msg']
        assert result.task(name)['failed'] and 'TLS error' in msg and 'ca_path' in msg, msg
    assert result.task('state with ca')['changed'] and not result.task('info with ca')['failed']
    for name in ('state no validation', 'info no validation'):
        assert any('validate_certs' in w for w in result.task(name)['result'].get('warnings', [])), name
    names = sorted(f['name'] for f in sim.api('GET', 'api/management/feeds/list').json())
    assert names == ['b', 'c']
