"""The proget_server role converged for real against a Docker engine.

The image is a local stand-in (tests/docker/dockerlib.py, standin.py) serving the ProGet test
server on port 80 in place of ProGet, tagged like ProGet releases (cac-test/proget:25.0.1,
:26.0.1). Assertions read the real resulting state: `docker inspect`, files on the host, and
the stand-in's own API (feeds, API keys, settings).
"""
import json
import os
import socket
import stat
import time

import requests

import dockerlib
from dockerlib import docker, inspect

ENCRYPTION_KEY = '5eed0a11c0ffee5eed0a11c0ffee5eed'          # planted: must never be printed
LICENSE_KEY = 'PLANTED-LICENSE-7f3a9c-never-print-me'        # planted
DB_PASSWORD = 'Planted-DB-Passw0rd-4b1d'                       # planted
ADMIN_PASSWORD = 'planted-Admin-PW-0815'                         # planted
ROLE = 'cac.proget.proget_server : '


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def role_vars(engine, names, port, **extra):
    v = {
        'proget_server_image_repository': engine['repo'],
        'proget_server_version': '25.0.1',
        'proget_server_container_name': names['container'],
        'proget_server_network': names['network'],
        'proget_server_port': port,
        'proget_server_secrets_dir': names['secrets_dir'],
        'proget_server_wait_delay': 1,
        'proget_server_wait_retries': 30,
    }
    v.update(extra)
    return v


def role_play(variables, key_file=None):
    """The role with these vars, then a non-secret report and (optionally) a check that the
    proget_server_api_key fact equals the kept key file (no_log: the key is never printed)."""
    text = '''
- hosts: localhost
  gather_facts: false
  roles:
    - role: cac.proget.proget_server
      vars: %s
  post_tasks:
    - name: report
      ansible.builtin.debug:
        var: proget_server_facts
      when: proget_server_facts is defined
''' % json.dumps(variables)
    if key_file:
        text += '''
    - name: api key fact
      ansible.builtin.assert:
        quiet: true
        that:
          - proget_server_api_key | length > 10
          - proget_server_api_key == lookup('ansible.builtin.file', %s)
      no_log: true
''' % json.dumps(key_file)
    return text


def api(port, method, path, key=None, **kw):
    headers = {'X-ApiKey': key} if key else {}
    return requests.request(method, 'http://127.0.0.1:%d/%s' % (port, path.lstrip('/')), headers=headers,
                            timeout=10, **kw)


def sim_config(port, **kw):
    """Change the stand-in's config; it may still be starting (a run without bootstrap does not
    wait for it), and docker's port proxy then resets the connection: retry for up to a minute."""
    deadline = time.time() + 60
    while True:
        try:
            r = requests.post('http://127.0.0.1:%d/__sim/config' % port, json=kw, timeout=10)
            break
        except requests.exceptions.ConnectionError:
            if time.time() > deadline:
                raise
            time.sleep(1)
    assert r.status_code < 400, r.text


def standin_seen(container):
    return json.loads(docker('exec', container, '/usr/bin/python3', '-c',
                             'print(open("/tmp/standin.json").read())'))


def nothing_created(names):
    left = [n for n in [names['container']] if inspect('container', n)]
    left += [n for n in [names['network']] if inspect('network', n)]
    left += [n for n in names['volumes'] if inspect('volume', n)]
    assert not left, 'bad input must change nothing, but these exist: %s' % left
    assert not os.path.exists(names['secrets_dir']), 'bad input must not write the secrets directory'


def assert_no_secret(result, *secrets):
    text = result.stdout + result.stderr
    for s in secrets:
        assert s and s not in text, 'a secret (%s...) appears in the output' % s[:4]


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


# --------------------------------------------------------------------------------------------

def test_lifecycle(docker_engine, names, play):
    """check mode -> install (+bootstrap, -vvv without secrets) -> idempotent -> check mode
    unchanged -> upgrade keeps data -> downgrade refused -> absent keeps data -> absent purge."""
    port = free_port()
    c = names['container']
    key_file = os.path.join(names['secrets_dir'], 'api_key')
    v = role_vars(docker_engine, names, port, proget_server_encryption_key=ENCRYPTION_KEY,
                  proget_server_license_key=LICENSE_KEY, proget_server_timezone='Europe/Berlin')

    # 1. check mode on an empty host: reports changes, creates nothing
    r = play(role_play(v), label='check mode on an empty host', check=True)
    assert r.changed > 0
    assert r.task(ROLE + 'Create the ProGet network')['changed']
    assert r.task(ROLE + 'Say what check mode cannot preview')['changed']
    nothing_created(names)

    # 2. first run, at -vvv: everything created, bootstrap done, no secret in the output
    r = play(role_play(v, key_file), label='first run (-vvv)', verbosity=3)
    assert r.changed > 0 and r.task(ROLE + 'Run the ProGet container')['changed']
    info = inspect('container', c)
    assert info['State']['Running']
    assert info['Config']['Image'] == '%s:25.0.1' % docker_engine['repo']
    assert info['Image'] == docker_engine['ids']['25.0.1']
    assert info['HostConfig']['RestartPolicy']['Name'] == 'unless-stopped'
    assert info['HostConfig']['PortBindings']['80/tcp'][0]['HostPort'] == str(port)
    assert names['network'] in info['NetworkSettings']['Networks']
    env = dict(e.split('=', 1) for e in info['Config']['Env'])
    assert env['TZ'] == 'Europe/Berlin'
    assert env['PROGET_ENCRYPTION_KEY_FILE'] == '/run/secrets/proget/encryption_key'
    assert not any(k.endswith('CONNECTION_STRING_FILE') for k in env)  # embedded database
    mounts = dict((m['Destination'], m) for m in info['Mounts'])
    for dest, vol in zip(('/var/proget/packages', '/var/proget/database', '/var/proget/backups',
                          '/usr/share/ProGet/LocalStorage'), names['volumes']):
        assert mounts[dest]['Type'] == 'volume' and mounts[dest]['Name'] == vol
    assert mounts['/run/secrets/proget']['Type'] == 'bind' and mounts['/run/secrets/proget']['RW'] is False
    assert ENCRYPTION_KEY not in json.dumps(info), 'docker inspect shows the encryption key'
    key_path = os.path.join(names['secrets_dir'], 'container', 'encryption_key')
    with open(key_path) as f:
        assert f.read() == ENCRYPTION_KEY
    assert mode_of(key_path) == 0o600 and mode_of(names['secrets_dir']) == 0o700
    seen = standin_seen(c)
    assert seen['database'] == 'embedded' and seen['encryption_key_from'] == 'file'
    assert seen['encryption_key_sha256'] == __import__('hashlib').sha256(ENCRYPTION_KEY.encode()).hexdigest()
    # bootstrap: license set through the settings API, key created and kept root-only, facts
    with open(key_file) as f:
        api_key = f.read().strip()
    assert mode_of(key_file) == 0o600
    facts = r.task('report')['result']['proget_server_facts']
    assert facts['version'] == '25.0.1.1' and facts['api_key_available'] is True
    assert facts['anonymous_admin'] is True
    ui = r.task(ROLE + 'Steps ProGet only allows in its UI')
    assert 'Remove Anonymous Access' in json.dumps(ui['result'])
    assert_no_secret(r, ENCRYPTION_KEY, LICENSE_KEY, api_key)
    settings = api(port, 'GET', 'api/settings/list', key=api_key, params={'showAll': 'True'}).json()
    assert [s['value'] for s in settings if s['name'] == 'Licensing.Key'] == [LICENSE_KEY]
    assert api(port, 'GET', 'health').status_code == 200  # licensed now
    keys = api(port, 'GET', 'api/api-keys/list', key=api_key).json()
    assert [k['type'] for k in keys if k['displayName'] == 'cac.proget bootstrap'] == ['System']

    # lock-down asked for on Free: no Security API there, the UI steps stay
    v = dict(v, proget_server_lock_down=True, proget_server_admin_password=ADMIN_PASSWORD)
    r = play(role_play(v, key_file), label='lock-down on Free: UI steps')
    assert 'Remove Anonymous Access' in json.dumps(r.task(ROLE + 'Steps ProGet only allows in its UI')['result'])
    assert api(port, 'GET', 'api/api-keys/list').status_code == 200   # still open

    # lock-down on Basic (-vvv): Admin's password set, Anonymous's Administer permission removed
    sim_config(port, edition='basic')
    r = play(role_play(v, key_file), label='lock-down on Basic (-vvv)', verbosity=3)
    assert r.task(ROLE + "Remove Anonymous's Administer permission")['changed']
    assert_no_secret(r, ADMIN_PASSWORD, api_key)
    assert r.task('report')['result']['proget_server_facts']['anonymous_admin'] is False
    assert api(port, 'GET', 'api/api-keys/list').status_code in (401, 403)
    assert api(port, 'GET', 'api/security/users/list', key='Admin:' + ADMIN_PASSWORD).status_code == 200
    assert api(port, 'GET', 'api/security/users/list', key='Admin:Admin').status_code == 403
    # the bootstrap key works on its own
    assert api(port, 'GET', 'api/api-keys/list', key=api_key).status_code == 200
    r = api(port, 'POST', 'api/management/feeds/create', key=api_key,
            json={'name': 'before-upgrade', 'feedType': 'universal'})
    assert r.status_code in (200, 201), r.text

    # 3. second run: nothing changes (bootstrap authenticates with the kept key; locked down already)
    r = play(role_play(v, key_file), label='second run (idempotence)')
    assert r.changed == 0, r.describe()

    # 4. check mode on the converged host: nothing to change
    r = play(role_play(v), label='check mode, converged', check=True)
    assert r.changed == 0, r.describe()

    # 5. upgrade to the 2026 form (plain-text /health): container re-created, same volumes, the feed survives
    old_id = info['Id']
    r = play(role_play(dict(v, proget_server_version='26.0.1'), key_file), label='upgrade 25.0.1 -> 26.0.1')
    assert r.task(ROLE + 'Run the ProGet container')['changed']
    info = inspect('container', c)
    assert info['Id'] != old_id and info['Image'] == docker_engine['ids']['26.0.1']
    assert info['Config']['Labels']['cac.proget.version'] == '26.0.1'
    assert sorted(m['Name'] for m in info['Mounts'] if m['Type'] == 'volume') == sorted(names['volumes'])
    health = api(port, 'GET', 'health')
    assert health.headers['X-ProGet-Version'] == '26.0.1.1' and health.text.strip() == 'OK'  # 2026 plain text
    assert r.task('report')['result']['proget_server_facts']['version'] == '26.0.1.1'
    feeds = api(port, 'GET', 'api/management/feeds/list', key=api_key).json()
    assert 'before-upgrade' in [f['name'] for f in feeds]
    with open(key_file) as f:
        assert f.read().strip() == api_key  # same key handed back after the upgrade

    # 6. downgrade refused before anything changes
    r = play(role_play(dict(v, proget_server_version='25.0.1')), label='downgrade refused', expect_rc=2)
    assert 'is older' in r.stdout and inspect('container', c)['Id'] == info['Id']

    # 7. absent: container gone, data kept
    r = play(role_play(dict(v, proget_server_state='absent')), label='state=absent')
    assert r.changed > 0
    assert inspect('container', c) is None
    assert all(inspect('volume', n) for n in names['volumes']) and inspect('network', names['network'])
    assert os.path.exists(key_path)

    # 8. absent with proget_server_remove_data: volumes, network and secrets gone
    r = play(role_play(dict(v, proget_server_state='absent', proget_server_remove_data=True)),
             label='state=absent, remove_data')
    assert not any(inspect('volume', n) for n in names['volumes'])
    assert inspect('network', names['network']) is None
    assert not os.path.exists(names['secrets_dir'])


def test_external_database_generated_key(docker_engine, names, play, tmp_path):
    """External PostgreSQL through PROGET_POSTGRES_CONNECTION_STRING_FILE; the encryption key is
    generated once on the host, kept, and neither shows in docker inspect or the output."""
    port = free_port()
    db = socket.socket()
    db.bind(('127.0.0.1', 0))
    db.listen(5)  # a "database server" that answers on its port
    try:
        conn = 'Host=127.0.0.1;Port=%d;Database=ProGet;Username=proget;Password=%s' % (db.getsockname()[1], DB_PASSWORD)
        v = role_vars(docker_engine, names, port, proget_server_database='postgres',
                      proget_server_database_connection_string=conn, proget_server_bootstrap=False)
        r = play(role_play(v), label='external PostgreSQL, generated key (-vvv)', verbosity=3)
        key_path = os.path.join(names['secrets_dir'], 'container', 'encryption_key')
        with open(key_path) as f:
            generated = f.read()
        assert len(generated) == 32 and int(generated, 16) >= 0 and mode_of(key_path) == 0o600
        info = inspect('container', names['container'])
        env = dict(e.split('=', 1) for e in info['Config']['Env'])
        assert env['PROGET_POSTGRES_CONNECTION_STRING_FILE'] == '/run/secrets/proget/database_connection_string'
        dump = json.dumps(info)
        assert DB_PASSWORD not in dump and generated not in dump
        seen = standin_seen(names['container'])
        assert seen['database'] == 'postgres' and seen['connection_string_from'] == 'file'
        assert seen['connection_string_sha256'] == __import__('hashlib').sha256(conn.encode()).hexdigest()
        assert_no_secret(r, DB_PASSWORD, generated)
        # second run, bootstrap on, anonymous access removed and no key to give: the container and
        # the generated key are left alone, and the license key refusal is explained
        sim_config(port, anonymous='none')
        r = play(role_play(dict(v, proget_server_bootstrap=True, proget_server_license_key=LICENSE_KEY)),
                 label='second run: license key refused (HTTP 403, -vvv)', expect_rc=2, verbosity=3)
        assert not r.task(ROLE + 'Run the ProGet container')['changed']
        with open(key_path) as f:
            assert f.read() == generated
        msgs = ' '.join(str(t.get('msg')) for t in r.failed_tasks)
        assert 'refused to take the license key through its API (HTTP 403' in msgs, msgs
        assert '/administration/licensing' in msgs
        assert_no_secret(r, DB_PASSWORD, generated, LICENSE_KEY)
    finally:
        db.close()


def test_bad_input(docker_engine, names, play):
    """Clear errors that say what to fix, and nothing created."""
    port = free_port()
    base = role_vars(docker_engine, names, port)
    busy = socket.socket()
    busy.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    busy.bind(('0.0.0.0', 0))
    busy.listen(1)
    closed = free_port()
    cases = [
        ('encryption key', dict(proget_server_encryption_key='not-hex-' + 'z' * 24),
         'proget_server_encryption_key must be exactly 32 hexadecimal characters'),
        ('version tag', dict(proget_server_version='99.0.404'),
         'does not exist locally and could not be pulled'),
        ('missing image, pulling off', dict(proget_server_version='99.0.405', proget_server_image_pull=False),
         'is not on this Docker host and proget_server_image_pull is false'),
        ('port in use', dict(proget_server_port=busy.getsockname()[1]),
         'is already in use'),
        ('database down', dict(proget_server_database='sqlserver', proget_server_database_check_timeout=2,
                               proget_server_database_connection_string='Data Source=127.0.0.1,%d;Initial Catalog=ProGet;'
                                                                        'User ID=sa;Password=%s' % (closed, DB_PASSWORD)),
         'did not answer within 2 s'),
        ('connection string without server', dict(proget_server_database='postgres',
                                                  proget_server_database_connection_string='Database=x;Password=%s' % DB_PASSWORD),
         'has no Host='),
    ]
    try:
        for label, extra, expected in cases:
            r = play(role_play(dict(base, **extra)), label='bad input: %s' % label, expect_rc=2)
            msgs = ' '.join(str(t.get('msg')) for t in r.failed_tasks)
            assert expected in msgs, '%s: %r not in %s' % (label, expected, msgs or r.describe())
            assert_no_secret(r, DB_PASSWORD)
            nothing_created(names)
    finally:
        busy.close()
    assert dockerlib.image_id('%s:99.0.404' % docker_engine['repo']) is None


def test_windows_tasks_parse_and_resolve(play):
    """The Windows path cannot run here (no Windows host); a static import of every task file
    makes ansible-playbook parse it and resolve each module (ansible.windows.*) and filter name."""
    tasks = ''.join('''
    - name: %s
      ansible.builtin.import_role:
        name: cac.proget.proget_server
        tasks_from: %s
''' % (f, f) for f in ('windows.yml', 'linux_present.yml', 'linux_absent.yml', 'bootstrap.yml', 'validate.yml'))
    r = play('''
- hosts: localhost
  gather_facts: false
  tasks:%s
''' % tasks, label='syntax check of every task file', args=['--syntax-check'])
    assert r.rc == 0
