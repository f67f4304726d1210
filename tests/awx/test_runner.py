"""playbooks/configure.yml and playbooks/drift.yml as AWX runs them: ``ansible_runner.run()``, the
ProGet credential injected as environment variables (empty fields as empty strings) and a CA file,
the collection from the built tarball; no planted secret in any job event or artifact.

The sim serves HTTPS with its own CA (the credential's "CA certificate" field becomes a file, as in
AWX), runs the Basic edition (the Security API: a user password is one more secret) and stores API
keys in plain text (a generated key is read back from it and searched for too).
"""
import json
import os

import pytest

import harness
from awxlib import Job, inject

# every secret the job is given (credential, document) or creates; none may be in any output
PLANTED = {
    'credential api_key': 'AWXCRED-7d1f0c-apikey',
    'connector password': 'AWXPLANT-connector-pw-5e2b',
    'declared API key': 'AWXPLANT-declared-key-91ac',
    'secret setting': 'AWXPLANT-setting-value-33d0',
    'user password': 'AWXPLANT-user-pw-c4f7',
}

PROJECT = {
    # a project of the kind AWX syncs from Git: its playbooks import the collection's
    'configure.yml': '---\n- name: Configure ProGet\n  ansible.builtin.import_playbook: cac.proget.configure\n',
    'drift.yml': '---\n- name: Detect drift\n  ansible.builtin.import_playbook: cac.proget.drift\n',
}


def inventory(tmp_path):
    site = tmp_path / 'site'
    for i in range(12):
        (site / ('part%d' % (i % 2))).mkdir(parents=True, exist_ok=True)
        (site / ('part%d' % (i % 2)) / ('page%02d.html' % i)).write_text('<p>page %d</p>\n' % i)
    document = {
        'proget_connectors': [{'name': 'awx-nuget-org', 'type': 'nuget', 'url': 'https://api.nuget.org/v3/index.json',
                               'username': 'mirror', 'password': PLANTED['connector password']}],
        'proget_feeds': [{'name': 'awx-nuget', 'type': 'nuget', 'connectors': ['awx-nuget-org'],
                          'description': 'from AWX'},
                         {'name': 'awx-npm', 'type': 'npm'},
                         {'name': 'awx-site', 'type': 'asset'}],
        'proget_api_keys': [{'name': 'awx-declared', 'type': 'system', 'system_apis': ['feeds'],
                             'key': PLANTED['declared API key']},
                            {'name': 'awx-generated', 'type': 'feed', 'feed': 'awx-npm',
                             'package_permissions': ['view']}],
        'proget_settings': [{'name': 'Custom.Awx.Secret', 'value': PLANTED['secret setting'], 'secret': True}],
        'proget_users': [{'name': 'awx-user', 'display_name': 'AWX user', 'password': PLANTED['user password']}],
        'proget_assets': [{'feed': 'awx-site', 'path': 'site', 'state': 'directory', 'src': str(site)}],
        'proget_parallel_writes': 4,
    }
    # proget_url is not set: the role takes PROGET_URL, which the credential injects
    return {'proget': {'hosts': {'proget-awx': dict(document, ansible_connection='local')}}}


@pytest.fixture(scope='module')
def awx_sim(tmp_path_factory):
    sim = harness.start_sim(data_dir=str(tmp_path_factory.mktemp('sim')), https=True, edition='basic',
                            system_key=PLANTED['credential api_key'], key_storage='plain')
    yield sim
    sim.stop()


def credential(sim, private_data_dir):
    """The ProGet credential of the job: URL, API key and the sim's CA (user name, password and CA
    path left empty), injected as AWX does."""
    with open(sim.ca_path) as f:
        pem = f.read()
    env, files = inject({'url': sim.url, 'api_key': PLANTED['credential api_key'], 'username': '', 'password': '',
                         'validate_certs': True, 'ca_cert': pem, 'ca_path': ''}, private_data_dir)
    return env, files


def generated_keys(sim):
    """Secrets of the API keys ProGet generated (plain-text key storage shows them)."""
    keys = sim.api('GET', 'api/api-keys/list', expect=200).json()
    return dict(('generated API key %s' % k['displayName'], k['key']) for k in keys
                if k.get('displayName') == 'awx-generated' and k.get('key'))


def assert_no_secret(job, secrets):
    """No planted secret in any event, nor in any file ansible-runner wrote, except the credential's
    own environment in artifacts/<job>/command (see the guide: ansible-runner records the environment
    it started ansible-playbook with; AWX deletes the private data directory after the job)."""
    found = []
    for index, event in enumerate(job.events):
        text = json.dumps(event)
        found.extend('%s in event %d (%s)' % (label, index, event.get('event'))
                     for label, value in secrets.items() if value in text)
    for path, text in job.artifacts().items():
        if os.path.basename(path) == 'command':
            data = json.loads(text)
            env = data.pop('env', None) or {}
            assert env.get('PROGET_API_KEY') in (None, PLANTED['credential api_key'])
            text = json.dumps(dict(data, env=dict((k, v) for k, v in env.items() if k != 'PROGET_API_KEY')))
        found.extend('%s in %s' % (label, os.path.relpath(path, job.private_data_dir))
                     for label, value in secrets.items() if value in text)
    assert not found, found
    return len(job.events)


def test_configure_and_drift_through_ansible_runner(awx_sim, installed_collection, tmp_path):
    sim = awx_sim
    inv = inventory(tmp_path)
    jobs = tmp_path / 'jobs'
    counts = {}

    def job(name, playbook, extravars=None, verbosity=0):
        j = Job(jobs, name, PROJECT, inv, installed_collection, {}, extravars=extravars, verbosity=verbosity)
        env, files = credential(sim, j.private_data_dir)
        assert env['PROGET_USERNAME'] == '' and env['PROGET_PASSWORD'] == ''   # AWX injects empty fields
        assert env['PROGET_CA_PATH'] in files and env['PROGET_VALIDATE_CERTS'] == 'True'
        j.credential_env = env
        return j.run(playbook)

    # 1. the first converge, at -vvv (module arguments are shown: every secret must be masked there)
    first = job('configure-1', 'configure.yml', verbosity=3)
    assert first.status == 'successful' and first.rc == 0, first.describe()
    (res,) = first.results('Apply the state document').values()
    # ProGet generates the key of awx-generated: before ansible-core 2.22 the role runs that task with
    # no_log (its result is censored in the events); 2.22+ registers the secret and shows the plan
    assert 'censored' in res or res['summary']['create'] == 9, res
    assert first.stats()['changed'] == {'proget-awx': 1}, first.stats()
    state = sim.api('GET', 'api/management/feeds/list', expect=200).json()
    assert sorted(f['name'] for f in state) == ['awx-npm', 'awx-nuget', 'awx-site']
    site = sim.api('GET', 'endpoints/awx-site/dir/site', params={'recursive': 'true'}, expect=200).json()
    assert len([i for i in site if i.get('type') != 'dir']) == 12
    secrets = dict(PLANTED, **generated_keys(sim))
    assert len(secrets) == len(PLANTED) + 1, 'ProGet generated the key of awx-generated'
    counts['configure-1'] = assert_no_secret(first, secrets)

    # 2. the same job again changes nothing
    second = job('configure-2', 'configure.yml')
    assert second.status == 'successful', second.describe()
    assert not second.stats()['changed'], second.stats()
    counts['configure-2'] = assert_no_secret(second, secrets)

    # 3. the drift report: nothing to report
    reports = tmp_path / 'drift'
    clean = job('drift-1', 'drift.yml', extravars={'proget_drift_dir': str(reports), 'proget_drift_fail': True})
    assert clean.status == 'successful', clean.describe()
    report = json.loads((reports / 'proget-awx.json').read_text())
    assert report['drift'] is False and report['summary']['unchanged'] == 9
    assert '| proget-awx | 0 | 0 | 0 | 9 | no |' in (reports / 'summary.md').read_text()
    counts['drift-1'] = assert_no_secret(clean, secrets)

    # 4. someone changes a feed in ProGet's UI: the drift job fails and names it
    sim.api('POST', 'api/management/feeds/update/awx-nuget', json={'description': 'changed by hand'}, expect=200)
    drift = job('drift-2', 'drift.yml', extravars={'proget_drift_dir': str(reports), 'proget_drift_fail': True})
    assert drift.status == 'failed' and drift.rc == 2, drift.describe()
    report = json.loads((reports / 'proget-awx.json').read_text())
    assert report['drift'] is True and report['summary']['update'] == 1
    assert [c['name'] for c in report['changes']] == ['awx-nuget']
    assert report['changes'][0]['changes']['description'] == {'before': 'changed by hand', 'after': 'from AWX'}
    assert '| proget-awx | 0 | 1 | 0 | 8 | yes |' in (reports / 'summary.md').read_text()
    counts['drift-2'] = assert_no_secret(drift, secrets)
    for path in reports.iterdir():
        text = path.read_text()
        assert not [label for label, value in secrets.items() if value in text], path
    print('\nFIGURES awx-runner: events searched per job %s, %d secrets each' % (counts, len(secrets)))


def test_a_credential_without_a_url_fails_clearly(installed_collection, tmp_path):
    """An empty URL field (the credential type requires it, but a job may still get ''): the role
    says what is missing instead of a Python traceback; the API key is in no event."""
    j = Job(tmp_path / 'jobs', 'no-url', PROJECT, {'proget': {'hosts': {'p': {'ansible_connection': 'local'}}}},
            installed_collection, {})
    env, _ = inject({'url': '', 'api_key': PLANTED['credential api_key']}, j.private_data_dir)
    assert env['PROGET_URL'] == '' and env['PROGET_CA_PATH'] == ''
    j.credential_env = env
    j.run('configure.yml')
    assert j.status == 'failed', j.describe()
    assert 'url' in j.stdout().lower()
    assert_no_secret(j, {'credential api_key': PLANTED['credential api_key']})
