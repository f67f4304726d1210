"""Secrets: every secret the collection handles is planted with a recognisable value; every play
runs at -vvv with --diff, in check mode and normal mode, with failures forced; the whole output,
the drift report, the export and the sim's request log (and its file) hold zero occurrences.

The secrets ProGet generates (API keys) are searched for too. With ansible-core older than 2.22
they are kept out of the output by no_log on their tasks (as the modules document; the role
proget_config sets it); with 2.22 and later the modules register them with ansible-core, which
masks them, so there the play also generates a key in a task WITHOUT no_log, shows the registered
variable and uses the key in a later task, and the role runs its state task without no_log.
Every task's arguments are shown too (ansible_inject_invocation), as older cores always do.
"""
import json
import os
import re

import yaml

import harness
from harness import ROOT

PLAYBOOKS = os.path.join(ROOT, 'playbooks')
SYSTEM_KEY = 'PLANTED-SYSTEM-KEY-5b1e'
USER_PW = 'PLANTED-USER-PW-77aa'
CONN_PW = 'PLANTED-CONN-PW-3c9d'
API_SECRET = 'PLANTED-API-SECRET-e4f0'
LICENSE = 'PLANTED-LICENSE-KEY-9e21'
HOOK = 'PLANTED-HOOK-SECRET-11bb'
NATIVE = 'PLANTED-NATIVE-ARG-42cc'
ENC_KEY = 'c0ffee00c0ffee00c0ffee00c0ffee99'
DB_CONN = 'Server=db;Database=ProGet;User Id=proget;Password=PLANTED-DB-PW-7731'
# the kinds with secrets of their own: user passwords, storage credentials
DOC_USER_PW = 'PLANTED-DOC-USER-PW-5d20'
S3_SECRET = 'PLANTED-S3-SECRET-ACCESS-KEY-a1b2'
AZURE_CONN = 'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=PLANTED-AZURE-ACCOUNT-KEY-c3d4'
# secrets given under options the modules do not know (misspelled, or a kind that does not exist)
TYPO_PW = 'PLANTED-TYPO-PASWORD-e5f6'
KIND_PW = 'PLANTED-USER-KIND-PW-0a7b'
MODULE_TYPO_PW = 'PLANTED-MODULE-TYPO-PW-19cd'
TYPO_STORAGE = 'PLANTED-TYPO-STORAGE-KEY-2e8f'
PLANTED = [SYSTEM_KEY, USER_PW, CONN_PW, API_SECRET, LICENSE, HOOK, NATIVE, ENC_KEY, 'PLANTED-DB-PW-7731',
           DOC_USER_PW, S3_SECRET, 'PLANTED-AZURE-ACCOUNT-KEY-c3d4', TYPO_PW, KIND_PW, MODULE_TYPO_PW, TYPO_STORAGE]

DOC = {
    'proget_connectors': [{'name': 'sec-conn', 'type': 'nuget', 'url': 'https://upstream.example/nuget/',
                           'username': 'svc', 'password': CONN_PW, 'update_password': 'always'}],
    'proget_feeds': [{'name': 'sec-feed', 'type': 'nuget', 'connectors': ['sec-conn']},
                     {'name': 'sec-s3', 'type': 'nuget',
                      'storage': {'type': 's3', 'update_secrets': 'always', 'properties': {
                          'AccessKey': 'AKIAEXAMPLE', 'SecretAccessKey': '{{ s_s3 }}', 'RegionEndpoint': 'us-east-1',
                          'BucketName': 'packages'}}},
                     {'name': 'sec-azure', 'type': 'asset',
                      'storage': {'type': 'azure', 'properties': {'ConnectionString': '{{ s_azure }}',
                                                                  'ContainerName': 'assets'}}}],
    'proget_users': [{'name': 'sec-user', 'display_name': 'Secret User', 'password': '{{ s_doc_user_pw }}',
                      'update_password': 'always'}],
    'proget_api_keys': [{'name': 'sec-key-given', 'type': 'system', 'system_apis': ['feeds'], 'key': API_SECRET},
                        {'name': 'sec-key-generated', 'type': 'feed', 'feed': 'sec-feed',
                         'package_permissions': ['view']}],
    'proget_settings': [{'name': 'Licensing.Key', 'value': LICENSE},
                        {'name': 'Custom.WebhookToken', 'value': HOOK, 'secret': True}],
}

MODULES_PLAY = '''
- hosts: proget
  gather_facts: false
  vars:
    conn: &conn {url: "{{ proget_url }}", api_key: "{{ proget_api_key }}"}
  tasks:
    - name: connector
      cac.proget.proget_connector:
        <<: *conn
        name: sec-conn2
        type: nuget
        connector_url: https://upstream.example/two/
        connector_username: svc
        connector_password: "{{ s_conn_pw }}"
        update_password: always
    - name: key with a given secret
      cac.proget.proget_api_key: {<<: *conn, name: sec-key2, type: system, system_apis: [feeds], key: "{{ s_api }}"}
    - name: key with a generated secret (no_log, as the module documents)
      cac.proget.proget_api_key: {<<: *conn, name: sec-key3, type: system, system_apis: [feeds]}
      no_log: true
%(masked_by_core)s    - name: license setting
      cac.proget.proget_setting: {<<: *conn, name: Licensing.Key, value: "{{ s_license }}"}
    - name: native with a secret argument
      cac.proget.proget_native_api:
        <<: *conn
        method: Configuration_SetValue
        arguments: {Key_Name: Custom.NativeSecret, Value_Text: "{{ s_native }}"}
        secret_arguments: [Value_Text]
    - name: login with a password
      cac.proget.proget_feed_info: {url: "{{ proget_url }}", username: planted, password: "{{ s_user_pw }}"}
    - name: infos
      cac.proget.proget_api_key_info: {<<: *conn}
    - name: connector info
      cac.proget.proget_connector_info: {<<: *conn}
    - name: settings in the state export
      cac.proget.proget_state_info: {<<: *conn}
    # failures forced, each carrying secrets
    - name: fail wrong key
      cac.proget.proget_feed_info: {url: "{{ proget_url }}", api_key: "{{ s_api }}-wrong"}
      ignore_errors: true
    - name: fail wrong password
      cac.proget.proget_feed_info: {url: "{{ proget_url }}", username: planted, password: "{{ s_user_pw }}-x"}
      ignore_errors: true
    - name: fail connector bad input
      cac.proget.proget_connector: {<<: *conn, name: "bad name", connector_password: "{{ s_conn_pw }}", type: nuget}
      ignore_errors: true
    - name: fail unreachable server
      cac.proget.proget_setting: {url: "http://127.0.0.1:9", api_key: "{{ s_api }}", name: Licensing.Key,
                                  value: "{{ s_license }}", timeout: 2}
      ignore_errors: true
    - name: fail state with a misspelled password option
      cac.proget.proget_state:
        <<: *conn
        users: [{name: typo-user, pasword: "{{ s_typo_pw }}"}]
      ignore_errors: true
    - name: fail state with a kind that does not exist
      cac.proget.proget_state:
        <<: *conn
        user: [{name: kind-user, password: "{{ s_kind_pw }}"}]
      ignore_errors: true
    - name: fail user module with a misspelled password option
      cac.proget.proget_user: {<<: *conn, name: typo-user2, pasword: "{{ s_module_typo_pw }}"}
      ignore_errors: true
    - name: fail state with a misspelled storage secret
      cac.proget.proget_state:
        <<: *conn
        feeds:
          - name: typo-storage
            type: nuget
            storage: {type: s3, properties: {RegionEndpoint: us-east-1, SecretAcessKey: "{{ s_typo_storage }}"}}
      ignore_errors: true
    - name: fail state with a secret of the wrong type
      cac.proget.proget_state:
        <<: *conn
        users: [{name: type-user, password: ["{{ s_typo_pw }}"]}]
      ignore_errors: true
    - name: fail state with secrets and a bad entry
      cac.proget.proget_state:
        <<: *conn
        connectors: [{name: sec-conn3, type: nuget, url: "https://u.example/", password: "{{ s_conn_pw }}"}]
        settings: [{name: Licensing.Key, value: "{{ s_license }}"}]
        feeds: [{name: f-bad, type: nuget, connectors: [missing-conn]}]
      ignore_errors: true
    - name: role proget_server with secrets fails its argument validation before Docker
      block:
        - name: proget_server
          ansible.builtin.include_role: {name: cac.proget.proget_server}
          vars:
            proget_server_encryption_key: "{{ s_enc }}"
            proget_server_database_connection_string: "{{ s_db }}"
            proget_server_port: eighty
      rescue:
        - name: role failed as planned
          ansible.builtin.debug: {msg: "{{ ansible_failed_result.msg }}"}
'''
# ansible-core 2.22+ only: a generated secret in a task without no_log, masked by ansible-core
# (older versions show it, as the module documents: it asks for no_log there)
MASKED_BY_CORE = '''    - name: key with a generated secret, without no_log (ansible-core 2.22+ masks it)
      cac.proget.proget_api_key: {<<: *conn, name: sec-key4, type: system, system_apis: [feeds]}
      register: open_key
    - name: the registered variable, shown
      ansible.builtin.debug: {var: open_key}
    - name: a later task uses the generated key
      cac.proget.proget_feed_info: {url: "{{ proget_url }}", api_key: "{{ open_key.key }}", name: sec-feed}
      when: open_key.key is defined
'''


def core_masks_registered_secrets():
    _, version = harness.which_ansible()
    match = re.match(r'(\d+)\.(\d+)', version)
    assert match, 'ansible-core version: %r' % version
    return (int(match.group(1)), int(match.group(2))) >= (2, 22)


# the secrets come from inventory variables (as from a vault), never from the play's text:
# ansible-core prints the source lines of a failed task
SECRET_VARS = dict(s_conn_pw=CONN_PW, s_api=API_SECRET + '2', s_license=LICENSE, s_native=NATIVE, s_user_pw=USER_PW,
                   s_enc=ENC_KEY, s_db=DB_CONN, s_doc_user_pw=DOC_USER_PW, s_s3=S3_SECRET, s_azure=AZURE_CONN,
                   s_typo_pw=TYPO_PW, s_kind_pw=KIND_PW, s_module_typo_pw=MODULE_TYPO_PW, s_typo_storage=TYPO_STORAGE)
# the outputs searched: the default callback, and its YAML and JSON result formats (the json and yaml
# callbacks of ansible.posix and community.general are not part of ansible-core)
RESULT_FORMATS = {(True, 'config'): 'json', (True, 'modules'): 'yaml', (False, 'config'): 'yaml',
                  (False, 'modules'): 'json'}

CONFIG_PLAY = '''
- hosts: proget
  gather_facts: false
  roles: [cac.proget.proget_config]
'''


def test_no_secret_anywhere(sim_factory, play_runner, tmp_path):
    sim = sim_factory(system_key=SYSTEM_KEY, anonymous='none', key_storage='plain', edition='basic')
    sim.add_user('planted', USER_PW, attributes=['admin'])
    inventory = tmp_path / 'inventory'
    (inventory / 'group_vars').mkdir(parents=True)
    host = dict(DOC, **SECRET_VARS)
    # ansible_inject_invocation: ansible-core 2.21+ no longer returns each task's arguments
    # (`invocation`) by default; the older cores always do. Asked for here, -vvv shows them on every
    # core, so a secret inside an option (a state document's connector password) is searched for
    # there too: ansible-core 2.22 masks it only if the module registered it.
    host.update(proget_url=sim.url, proget_api_key=SYSTEM_KEY, ansible_connection='local',
                ansible_python_interpreter=harness_python(), ansible_inject_invocation=True)
    (inventory / 'hosts.yml').write_text(yaml.safe_dump({'proget': {'hosts': {'srv': host}}}))
    run = play_runner(sim=sim, api_key=None)
    args = ('-i', str(inventory / 'hosts.yml'))
    masks = core_masks_registered_secrets()
    modules_play = MODULES_PLAY % {'masked_by_core': MASKED_BY_CORE if masks else ''}
    outputs = []
    runs = 0
    for check in (True, False):
        for play in (CONFIG_PLAY, modules_play):
            result_format = RESULT_FORMATS[check, 'config' if play is CONFIG_PLAY else 'modules']
            result = run(play, check=check, diff=True, verbosity=3, args=args, expect_rc=None,
                         env={'ANSIBLE_CALLBACK_RESULT_FORMAT': result_format})
            assert result.rc in (0, 2), result.stdout[-3000:]
            outputs.append(result.stdout + result.stderr)
            runs += 1
            if masks and play is modules_play and not check:
                # the key generated without no_log: masked where shown, real in the registered variable
                assert result.task('key with a generated secret, without no_log (ansible-core 2.22+ masks it)',
                                   host='srv')['result']['key'] == '$REDACTED$'
                used = result.task('a later task uses the generated key', host='srv')
                assert not used['failed'] and [f['name'] for f in used['result']['feeds']] == ['sec-feed'], used
    # the options nobody knows failed, naming the option and not the value
    failures = dict((name, result.task(name, host='srv')['msg']) for name in (
        'fail state with a misspelled password option', 'fail state with a kind that does not exist',
        'fail user module with a misspelled password option', 'fail state with a misspelled storage secret',
        'fail state with a secret of the wrong type'))
    assert 'users[0].pasword: unknown option' in failures['fail state with a misspelled password option']
    assert 'user' in failures['fail state with a kind that does not exist']
    assert 'pasword' in failures['fail user module with a misspelled password option']
    assert 'SecretAcessKey' in failures['fail state with a misspelled storage secret']
    assert 'users[0].password: the value does not match the schema' in failures[
        'fail state with a secret of the wrong type']
    # the state was applied: the secrets really reached the server
    keys = sim.api('GET', 'api/api-keys/list', expect=200).json()
    generated_names = ('sec-key-generated', 'sec-key3') + (('sec-key4',) if masks else ())
    generated = [k['key'] for k in keys if k.get('key') and k['displayName'] in generated_names]
    assert len(generated) == len(generated_names), keys
    assert any(k.get('key') == API_SECRET for k in keys)
    # a forced failure of the role and the state
    failed = run(CONFIG_PLAY, diff=True, verbosity=3, args=args + ('-e', json.dumps(
        {'proget_feeds': [{'name': 'x', 'type': 'nuget', 'connectors': ['nope']}]})), expect_rc=2)
    outputs.append(failed.stdout + failed.stderr)
    # drift report and export
    sim.api('POST', 'api/management/feeds/update/sec-feed', json={'description': 'hand-made'}, expect=200)
    drift_dir, export_dir = tmp_path / 'drift', tmp_path / 'export'
    drift = run(os.path.join(PLAYBOOKS, 'drift.yml'), diff=True, verbosity=3, args=args,
                extra_vars={'proget_drift_dir': str(drift_dir)})
    export = run(os.path.join(PLAYBOOKS, 'export.yml'), verbosity=3, args=args,
                 extra_vars={'proget_export_dir': str(export_dir)})
    outputs += [drift.stdout + drift.stderr, export.stdout + export.stderr]
    files = {}
    for folder in (drift_dir, export_dir):
        for path in folder.iterdir():
            files[str(path)] = path.read_text()
    assert json.loads((drift_dir / 'srv.json').read_text())['drift'] is True
    assert 'sec-conn' in files[str(export_dir / 'srv.yml')]
    log_text = json.dumps(sim.log())
    raw_logs = ''
    for dirpath, _, names in os.walk(sim.data_dir):
        for name in names:
            if name.endswith('.log') or 'log' in name:
                with open(os.path.join(dirpath, name), errors='replace') as f:
                    raw_logs += f.read()
    haystacks = dict(('run %d' % i, text) for i, text in enumerate(outputs))
    haystacks.update(files)
    haystacks['request log'] = log_text
    haystacks['request log files'] = raw_logs
    found = []
    for secret in PLANTED + generated:
        for where, text in haystacks.items():
            if secret in text:
                at = text.index(secret)
                found.append('%s in %s: ...%s...' % (secret, where, text[max(0, at - 300):at + 60]))
    for i, text in enumerate(outputs):
        (tmp_path / ('output-%d.txt' % i)).write_text(text)
    print('\nFIGURES secrets: %d secrets planted, %d runs searched (%d bytes of output), found %d'
          % (len(PLANTED + generated), runs + 3, sum(len(t) for t in haystacks.values()), len(found)))
    assert found == [], '\n\n'.join(found)


def harness_python():
    import harness
    return os.path.join(harness.ansible_venv(), 'bin', 'python')
