"""proget_api_key and proget_api_key_info through real ansible-playbook runs.

Secrets: every test that creates a key checks that its secret (read from the sim, which shows it
with plain-text storage, or from the registered result) is absent from the whole ansible-playbook
output at -vvv, from the diff and from proget_api_key_info; the registered ``key`` is used by
later tasks and works. On ansible-core 2.22 and later the module registers a generated secret
with ansible-core, which masks it even in a task without no_log
(test_generated_secret_of_a_task_without_no_log); older versions get the warning asking for no_log.
"""
import json
import os
import re

import harness

# the task that saves the registered result of the task 'key' for the test (never shown)
SAVE_REGISTERED = '''    - name: save what was registered (the test reads it; the output never shows it)
      ansible.builtin.copy:
        content: "{{ created | to_json }}"
        dest: "{{ playbook_dir }}/registered.json"
        mode: '0600'
      no_log: true
'''

KEY_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: key
      cac.proget.proget_api_key:
        name: "{{ key_name | default('ci') }}"
        type: "{{ key_type | default(omit) }}"
        feed: "{{ key_feed | default(omit) }}"
        feed_group: "{{ key_feed_group | default(omit) }}"
        system_apis: "{{ key_system_apis | default(omit) }}"
        package_permissions: "{{ key_permissions | default(omit) }}"
        description: "{{ key_description | default(omit) }}"
        expiration: "{{ key_expiration | default(omit) }}"
        logging: "{{ key_logging | default(omit) }}"
        key: "{{ key_secret | default(omit) }}"
        rotate: "{{ key_rotate | default(false) }}"
        state: "{{ key_state | default('present') }}"
      register: created
      no_log: "{{ key_no_log | default(true) }}"

''' + SAVE_REGISTERED + '''
    - name: info
      cac.proget.proget_api_key_info: {}
'''


def registered(result):
    """What the play registered from the key task (the full result, secret included)."""
    with open(os.path.join(result.workdir, 'registered.json')) as handle:
        return json.load(handle)


def keys_on_server(sim, key=None):
    """The keys on the server but the sim's own System key (the one the tests authenticate with)."""
    kwargs = {} if key is None else {'key': key}
    return [k for k in sim.api('GET', 'api/api-keys/list', expect=200, **kwargs).json()
            if k['displayName'] != 'sim-bootstrap']


def key_named(sim, name, key=None):
    found = [k for k in keys_on_server(sim, key) if (k['displayName'] or '').lower() == name.lower()]
    assert len(found) <= 1, found
    return found[0] if found else None


def assert_secret_hidden(result, secret):
    assert secret and len(secret) >= 8
    assert secret not in result.stdout + result.stderr
    info = result.task('info')['result']['api_keys']
    assert info and all('key' not in k for k in info)
    for task in result.results:
        assert secret not in json.dumps(task['diff'] or {})
        # the key task's own result is censored by no_log; every other result must be clean
        assert secret not in json.dumps(task['result'])


def test_api_key_lifecycle_create_noop_replace_rotate_check_diff_delete(sim, run_play):
    sim.api('POST', 'api/management/feeds/create', json={'name': 'pkgs', 'feedType': 'universal'}, expect=200)
    create = dict(key_type='feed', key_feed='pkgs', key_permissions=['view', 'add'], key_description='CI',
                  key_expiration='2030-01-31', key_logging='request')
    sim.clear_log()

    # create: the secret is returned once as `key`, and shown nowhere else even at -vvv
    first = run_play(KEY_PLAY, extra_vars=create, diff=True, verbosity=3)
    task = registered(first)
    assert task['changed'] and task['action'] == 'create'
    on_server = key_named(sim, 'ci')
    assert on_server['type'] == 'Feed' and on_server['feed'] == 'pkgs'
    assert sorted(on_server['packagePermissions']) == ['add', 'view']
    assert on_server['description'] == 'CI' and on_server['logging'] == 'Request'
    assert on_server['expiration'].startswith('2030-01-31T00:00:00')
    assert task['key'] == on_server['key']  # plain-text storage: the sim shows it
    assert task['api_key']['id'] == on_server['id'] and 'key' not in task['api_key']
    assert 'censored' in first.stdout  # no_log on the task hides the result, -vvv included
    assert_secret_hidden(first, on_server['key'])
    assert len(sim.writes()) == 1

    # second run: one request (the list), no write
    sim.clear_log()
    second = run_play(KEY_PLAY, extra_vars=dict(create, key_name='CI', key_type='feed',
                                                key_permissions=['ADD', 'view'],
                                                key_expiration='2030-01-31T00:00:00Z'))
    assert registered(second)['changed'] is False and registered(second)['action'] == 'none'
    assert [(e['method'], e['path']) for e in sim.log()] == [('GET', '/api/api-keys/list')] * 2
    assert sim.writes() == []

    # check mode + diff: a description change means re-creating the key; nothing is written
    sim.clear_log()
    check = run_play(KEY_PLAY, extra_vars=dict(key_description='CI server', key_no_log=False), check=True,
                     diff=True)
    task = check.task('key')
    assert '+    "description": "CI server"' in check.stdout
    assert task['changed'] and task['result']['action'] == 'replace'
    assert task['diff']['before'] == {'name': 'CI', 'id': on_server['id'], 'description': 'CI'} or \
        task['diff']['before'] == {'name': 'ci', 'id': on_server['id'], 'description': 'CI'}
    assert task['diff']['after']['description'] == 'CI server' and task['diff']['after']['id'] is None
    assert 'key' not in task['result']
    assert sim.writes() == []
    assert key_named(sim, 'ci')['id'] == on_server['id']

    # for real: new id, new secret, the unmanaged properties carried over, the old key gone
    sim.clear_log()
    real = run_play(KEY_PLAY, extra_vars=dict(key_description='CI server'), diff=True, verbosity=3)
    task = registered(real)
    replaced = key_named(sim, 'ci')
    assert task['action'] == 'replace' and replaced['id'] != on_server['id']
    assert replaced['key'] != on_server['key'] and task['key'] == replaced['key']
    assert replaced['description'] == 'CI server' and replaced['feed'] == 'pkgs'
    assert sorted(replaced['packagePermissions']) == ['add', 'view'] and replaced['logging'] == 'Request'
    assert replaced['expiration'] == on_server['expiration']
    assert on_server['id'] not in [k['id'] for k in keys_on_server(sim)]
    # created first, then the old one deleted
    writes = [(e['method'], e['path'], e['query']) for e in sim.writes()]
    assert writes[0][1] == '/api/api-keys/create' and writes[1][1] == '/api/api-keys/delete'
    assert str(on_server['id']) in json.dumps(writes[1])
    assert task['diff']['after']['id'] == replaced['id'] and task['diff']['before']['id'] == on_server['id']
    assert_secret_hidden(real, replaced['key'])

    # rotate: same properties, new secret
    rotated = run_play(KEY_PLAY, extra_vars=dict(key_rotate=True))
    now = key_named(sim, 'ci')
    assert registered(rotated)['action'] == 'replace' and registered(rotated)['key'] == now['key']
    assert now['key'] != replaced['key'] and now['description'] == 'CI server' and now['feed'] == 'pkgs'

    # delete, then absent stays absent
    gone = run_play(KEY_PLAY, extra_vars=dict(key_state='absent'))
    assert gone.task('key')['changed'] and key_named(sim, 'ci') is None
    sim.clear_log()
    again = run_play(KEY_PLAY, extra_vars=dict(key_state='absent'))
    assert not again.task('key')['changed'] and sim.writes() == []


SCOPE_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: feed key
      cac.proget.proget_api_key: {name: reader-a, type: feed, feed: a, package_permissions: [view]}
      register: reader
      no_log: true
    - name: full key
      cac.proget.proget_api_key: {name: admin, type: system, system_apis: [full-control]}
      register: admin
      no_log: true
    - name: feeds key
      cac.proget.proget_api_key: {name: feeds-only, type: system, system_apis: [feeds]}
      register: feeds_only
      no_log: true

    - name: read a with the feed key
      cac.proget.proget_feed_info: {name: a, api_key: "{{ reader.key }}"}
    - name: read b with the feed key
      cac.proget.proget_feed_info: {name: b, api_key: "{{ reader.key }}"}
      ignore_errors: true
    - name: create a feed with the feed key
      cac.proget.proget_feed: {name: c, type: npm, api_key: "{{ reader.key }}"}
      ignore_errors: true
    - name: license with the full-control key
      cac.proget.proget_license: {code: MIT, title: MIT License, api_key: "{{ admin.key }}"}
    - name: license with the feeds key
      cac.proget.proget_license: {code: BSD, title: BSD, api_key: "{{ feeds_only.key }}"}
      ignore_errors: true
    - name: feed with the feeds key
      cac.proget.proget_feed: {name: d, type: npm, api_key: "{{ feeds_only.key }}"}
    - name: info
      cac.proget.proget_api_key_info: {api_key: "{{ admin.key }}"}
'''


def test_feed_key_scope_and_created_keys_work_for_what_they_allow(sim_factory, play_runner):
    sim = sim_factory(anonymous='none', system_key='bootstrap-key-0123')
    for name in ('a', 'b'):
        sim.api('POST', 'api/management/feeds/create', json={'name': name, 'feedType': 'nuget'}, expect=200)
    result = play_runner(sim=sim)(SCOPE_PLAY, verbosity=3, expect_rc=0)
    reader = key_named(sim, 'reader-a')['key']
    admin = key_named(sim, 'admin')['key']
    feeds_only = key_named(sim, 'feeds-only')['key']

    assert [f['name'] for f in result.task('read a with the feed key')['result']['feeds']] == ['a']
    for name in ('read b with the feed key', 'create a feed with the feed key', 'license with the feeds key'):
        task = result.task(name)
        assert task['failed'] and 'HTTP 403' in task['msg'], (name, task['msg'])
    assert result.task('license with the full-control key')['changed']
    assert result.task('feed with the feeds key')['changed']
    # asserted on the sim directly, too
    assert sim.api('GET', 'api/management/feeds/get/a', key=reader).status_code == 200
    assert sim.api('GET', 'api/management/feeds/get/b', key=reader).status_code == 403
    assert [lic['code'] for lic in sim.api('GET', 'api/licenses/list', expect=200).json()] == ['MIT']
    assert sorted(f['name'] for f in sim.api('GET', 'api/management/feeds/list').json()) == ['a', 'b', 'd']
    for secret in (reader, admin, feeds_only):
        assert_secret_hidden(result, secret)


def test_hashed_storage_generated_secret_and_chosen_key_refused(sim_factory, play_runner):
    sim = sim_factory(key_storage='hashed')
    run = play_runner(sim=sim)
    first = run(KEY_PLAY, extra_vars=dict(key_type='system', key_system_apis=['feeds']), verbosity=3)
    secret = registered(first)['key']
    assert key_named(sim, 'ci')['key'] is None
    assert sim.api('GET', 'api/management/feeds/list', key=secret).status_code == 200
    assert_secret_hidden(first, secret)
    sim.clear_log()
    second = run(KEY_PLAY, extra_vars=dict(key_type='system', key_system_apis=['feeds'], key_secret='cannot-verify-1'))
    assert not registered(second)['changed'] and sim.writes() == []  # a chosen key cannot be compared
    chosen = run(KEY_PLAY, extra_vars=dict(key_name='other', key_type='system', key_system_apis=['feeds'],
                                           key_secret='my-chosen-secret-99', key_no_log=False), expect_rc=2,
                 verbosity=3)
    msg = chosen.task('key')['result']['msg']
    assert "API key 'other'" in msg and 'HTTP 400' in msg and 'hashed' in msg
    assert 'my-chosen-secret-99' not in chosen.stdout + chosen.stderr
    assert key_named(sim, 'other') is None


def test_chosen_key_plain_storage_compared_and_replaced(sim, run_play):
    base = dict(key_type='system', key_system_apis=['feeds', 'sca'])
    first = run_play(KEY_PLAY, extra_vars=dict(base, key_secret='chosen-secret-1'), verbosity=3)
    assert registered(first)['action'] == 'create'
    assert 'key' not in registered(first)  # the caller has it already
    assert key_named(sim, 'ci')['key'] == 'chosen-secret-1'
    assert 'chosen-secret-1' not in first.stdout + first.stderr
    sim.clear_log()
    assert not registered(run_play(KEY_PLAY, extra_vars=dict(base, key_secret='chosen-secret-1')))['changed']
    assert sim.writes() == []
    old_id = key_named(sim, 'ci')['id']
    sim.clear_log()
    check = run_play(KEY_PLAY, extra_vars=dict(base, key_secret='chosen-secret-2', key_no_log=False), check=True,
                     diff=True, verbosity=3)
    assert 'chosen-secret' not in check.stdout + check.stderr
    assert check.task('key')['result']['action'] == 'replace' and sim.writes() == []
    assert check.task('key')['diff']['after']['key'] == '<changed>'
    assert 'chosen-secret' not in json.dumps(check.task('key')['diff'])
    run_play(KEY_PLAY, extra_vars=dict(base, key_secret='chosen-secret-2'))
    now = key_named(sim, 'ci')
    assert now['key'] == 'chosen-secret-2' and now['id'] != old_id
    writes = [e['path'] for e in sim.writes()]
    assert writes == ['/api/api-keys/delete', '/api/api-keys/create']  # a chosen key: delete first
    # the same secret again after a rotate: delete first lets ProGet accept it
    run_play(KEY_PLAY, extra_vars=dict(base, key_secret='chosen-secret-2', key_rotate=True))
    assert key_named(sim, 'ci')['key'] == 'chosen-secret-2'


def core_masks_registered_secrets():
    """ansible-core 2.22 and later mask the secrets a module registers (ansible.module_utils.secrets)."""
    _, version = harness.which_ansible()
    match = re.match(r'(\d+)\.(\d+)', version)
    assert match, 'ansible-core version: %r' % version
    return (int(match.group(1)), int(match.group(2))) >= (2, 22)


def test_warns_when_the_task_is_not_no_log(sim, run_play):
    """Older ansible-core: the module asks for no_log. 2.22+: the secret is masked, no warning needed."""
    result = run_play(KEY_PLAY, extra_vars=dict(key_type='system', key_system_apis=['sca'], key_no_log=False))
    warnings = ' '.join(result.task('key')['result'].get('warnings') or [])
    if core_masks_registered_secrets():
        assert 'no_log' not in warnings and result.task('key')['result']['key'] == '$REDACTED$'
    else:
        assert 'set no_log: true on this task' in warnings


UNMASKED_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: key
      cac.proget.proget_api_key: {name: open-ci, type: system, system_apis: [feeds]}
      register: created

''' + SAVE_REGISTERED + '''
    - name: show the registered variable
      ansible.builtin.debug:
        var: created

    - name: use the new key
      cac.proget.proget_feed_info:
        api_key: "{{ created.key }}"

    - name: the registered variable holds the secret itself
      ansible.builtin.assert:
        that:
          - created.key | length >= 8
          - "'REDACTED' not in created.key"
'''


def test_generated_secret_of_a_task_without_no_log(sim, run_play):
    """A key generated by a task WITHOUT no_log, at -vvv, then used by a later task.

    ansible-core 2.22+: the secret never appears in the output (the key task's result, the debug of
    the registered variable, the later task's invocation: ``$REDACTED$``), and no warning asks for
    no_log; the registered variable still holds it and the later task authenticates with it.
    Older ansible-core: what the module documents there: it warns and asks for no_log, since
    Ansible shows the result.
    """
    sim.api('POST', 'api/management/feeds/create', json={'name': 'pkgs', 'feedType': 'npm'}, expect=200)
    sim.clear_log()
    result = run_play(UNMASKED_PLAY, verbosity=3)
    on_server = key_named(sim, 'open-ci')
    secret = on_server['key']  # plain-text storage: the sim shows it
    assert secret and len(secret) >= 8
    task = result.task('key')['result']
    assert task['changed'] and task['action'] == 'create'
    # the registered variable holds the real secret, and the later task used it
    assert registered(result)['key'] == secret
    used = [e for e in sim.log() if e['path'] == '/api/management/feeds/list']
    assert used and all(e['principal'] == 'apikey:%s' % on_server['id'] and e['status'] == 200 for e in used), used
    assert [f['name'] for f in result.task('use the new key')['result']['feeds']] == ['pkgs']
    assert not result.task('the registered variable holds the secret itself')['failed']
    warnings = ' '.join(task.get('warnings') or [])
    if core_masks_registered_secrets():
        assert secret not in result.stdout + result.stderr
        assert task['key'] == '$REDACTED$'
        assert 'no_log' not in warnings
        assert '$REDACTED$' in result.stdout  # shown masked, not left out
        for item in result.results:
            assert secret not in json.dumps(item['result']) and secret not in json.dumps(item['diff'] or {})
    else:
        assert 'set no_log: true on this task' in warnings
        assert task['key'] == secret  # Ansible shows it: the reason for no_log on these versions


def test_type_change_drops_the_old_scope(sim, run_play):
    sim.api('POST', 'api/management/feeds/create', json={'name': 'pkgs', 'feedType': 'npm'}, expect=200)
    run_play(KEY_PLAY, extra_vars=dict(key_type='system', key_system_apis=['feeds'], key_description='d'))
    run_play(KEY_PLAY, extra_vars=dict(key_type='feed', key_feed='pkgs', key_permissions=['view']))
    now = key_named(sim, 'ci')
    assert now['type'] == 'Feed' and now['systemApis'] is None and now['feed'] == 'pkgs'
    assert now['description'] == 'd'


def test_several_keys_with_one_name_is_an_error(sim, run_play):
    for _ in range(2):
        sim.api('POST', 'api/api-keys/create', expect=200, json={'type': 'System', 'systemApis': ['feeds'],
                                                                  'displayName': 'dup', 'logging': 'None'})
    ids = [k['id'] for k in keys_on_server(sim) if k['displayName'] == 'dup']
    assert len(ids) == 2
    sim.clear_log()
    result = run_play(KEY_PLAY, extra_vars=dict(key_name='DUP', key_state='absent', key_no_log=False), expect_rc=2)
    msg = result.task('key')['result']['msg']
    assert "API key 'DUP'" in msg and '2 API keys' in msg
    assert all(str(i) in msg for i in ids)
    assert sim.writes() == []


BAD_INPUT_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: feed key without feed
      cac.proget.proget_api_key: {name: k1, type: feed, package_permissions: [view]}
      ignore_errors: true
    - name: feed and feed_group
      cac.proget.proget_api_key: {name: k2, type: feed, feed: pkgs, feed_group: g, package_permissions: [view]}
      ignore_errors: true
    - name: system key with package permissions
      cac.proget.proget_api_key: {name: k3, type: system, system_apis: [feeds], package_permissions: [view]}
      ignore_errors: true
    - name: unknown permission
      cac.proget.proget_api_key: {name: k4, type: feed, feed: pkgs, package_permissions: [view, own]}
      ignore_errors: true
    - name: unknown system api
      cac.proget.proget_api_key: {name: k5, type: system, system_apis: [everything]}
      ignore_errors: true
    - name: expiration not a date
      cac.proget.proget_api_key: {name: k6, type: system, system_apis: [feeds], expiration: next tuesday}
      ignore_errors: true
    - name: no type on create
      cac.proget.proget_api_key: {name: k7}
      ignore_errors: true
    - name: personal key without user
      cac.proget.proget_api_key: {name: k8, type: personal}
      ignore_errors: true
    - name: feed key to a missing feed
      cac.proget.proget_api_key: {name: k9, type: feed, feed: nope, package_permissions: [view]}
      ignore_errors: true
'''


def test_bad_input_fails_clearly_before_any_write(sim, run_play):
    sim.api('POST', 'api/management/feeds/create', json={'name': 'pkgs', 'feedType': 'npm'}, expect=200)
    sim.clear_log()
    result = run_play(BAD_INPUT_PLAY)
    expected = {
        'feed key without feed': "API key 'k1': a feed key needs feed or feed_group",
        'feed and feed_group': "API key 'k2': set feed or feed_group, not both",
        'system key with package permissions': "API key 'k3': package_permissions cannot be set on a system key",
        'unknown permission': "API key 'k4': package_permissions: unknown permission 'own'",
        'unknown system api': "API key 'k5': system_apis: unknown permission 'everything'",
        'expiration not a date': "API key 'k6': expiration 'next tuesday' is not a date",
        'no type on create': "API key 'k7' does not exist; to create it, set type",
        'personal key without user': "API key 'k8': a personal key needs user",
        'feed key to a missing feed': "API key 'k9': feed 'nope' does not exist in ProGet",
    }
    for name, text in expected.items():
        task = result.task(name)
        assert task['failed'], name
        assert text in task['msg'], (name, task['msg'])
    assert sim.writes() == [] and all(e['method'] == 'GET' for e in sim.log())
    assert keys_on_server(sim) == []
