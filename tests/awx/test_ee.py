"""The same AWX job inside an execution environment image built with ansible-builder
(tests/awx/eeimage.py): ``ansible-runner run`` in the container, the private data directory mounted
at /runner as AWX's worker has it, the credential injected with container paths.

Runs only with ``CAC_EE_IMAGE`` set (``make awx-ee`` builds the image and sets it; the first build
takes about half an hour on Docker's vfs storage driver, so it is not part of ``make test``). The
collection of the current tree is installed into the project's ``collections/`` directory (AWX's
project sync), and the test checks that this copy ran, not the older one baked into the image.
"""
import glob
import json
import os
import shutil
import subprocess

import pytest

from awxlib import Job, inject
from test_runner import PLANTED, PROJECT, assert_no_secret, generated_keys, inventory

IMAGE = os.environ.get('CAC_EE_IMAGE')
pytestmark = pytest.mark.skipif(not IMAGE, reason='CAC_EE_IMAGE is not set (make awx-ee builds the image)')


class EeJob(Job):
    """A Job run by the ansible-runner of the EE image, as AWX's worker runs it (/runner)."""

    def run(self, playbook, **kw):
        env_dir = os.path.join(self.private_data_dir, 'env')
        os.makedirs(env_dir, exist_ok=True)
        envvars = dict(self.credential_env, ANSIBLE_LOCALHOST_WARNING='False', JOB_ID='43',
                       ANSIBLE_COLLECTIONS_PATHS='/runner/project/collections:/usr/share/ansible/collections',
                       ANSIBLE_COLLECTIONS_PATH='/runner/project/collections:/usr/share/ansible/collections')
        with open(os.path.join(env_dir, 'envvars'), 'w') as f:
            json.dump(envvars, f)
        with open(os.path.join(env_dir, 'extravars'), 'w') as f:
            json.dump(self.extravars, f)
        with open(os.path.join(env_dir, 'settings'), 'w') as f:
            json.dump({'suppress_ansible_output': True, 'job_timeout': 900}, f)
        mounts = ['-v', '%s:/runner:z' % self.private_data_dir]
        for host_dir, mode in self.mounts:
            mounts += ['-v', '%s:%s:%s' % (host_dir, host_dir, mode)]
        for path in [self.private_data_dir] + [d for d, mode in self.mounts if mode == 'rw']:
            subprocess.run(['chmod', '-R', 'a+rwX', path], check=True)   # the EE runs as user 1000
        proc = subprocess.run(['docker', 'run', '--rm', '--network', 'host'] + mounts +
                              [IMAGE, 'ansible-runner', 'run', '/runner', '-p', playbook, '-i', self.name,
                               '--inventory', '/runner/inventory/hosts.json'],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=900)
        self.proc = proc
        self.events = [json.load(open(p)) for p in sorted(
            glob.glob(os.path.join(self.artifact_dir(), 'job_events', '*.json')),
            key=lambda p: int(os.path.basename(p).split('-', 1)[0]))]
        return self

    @property
    def status(self):
        with open(os.path.join(self.artifact_dir(), 'status')) as f:
            return f.read().strip()

    @property
    def rc(self):
        return self.proc.returncode

    def describe(self):
        return 'EE job %s: rc %s\n%s\n%s\n%s' % (self.name, self.proc.returncode, self.proc.stdout.decode()[-3000:],
                                                self.proc.stderr.decode()[-3000:], self.stdout()[-4000:])


def test_configure_and_drift_inside_the_execution_environment(installed_collection, tmp_path):
    import harness
    sim = harness.start_sim(data_dir=str(tmp_path / 'sim'), https=True, edition='basic',
                            system_key=PLANTED['credential api_key'], key_storage='plain')
    try:
        inv = inventory(tmp_path)
        site = inv['proget']['hosts']['proget-awx']['proget_assets'][0]['src']

        def job(name, playbook, extravars=None):
            j = EeJob(tmp_path / 'jobs', name, PROJECT, inv, '/usr/share/ansible/collections', {},
                      extravars=extravars)
            # the collection of this tree, where AWX's project sync puts collections/requirements.yml's
            shutil.copytree(installed_collection, os.path.join(j.private_data_dir, 'project', 'collections'))
            j.mounts = [(site, 'ro')]
            with open(sim.ca_path) as f:
                pem = f.read()
            env, files = inject({'url': sim.url, 'api_key': PLANTED['credential api_key'], 'validate_certs': True,
                                 'ca_cert': pem}, j.private_data_dir)
            # AWX hands the job the container's path of the file it wrote into the private data dir
            (ca_file,) = files
            env['PROGET_CA_PATH'] = '/runner/env/' + os.path.basename(ca_file)
            j.credential_env = env
            return j.run(playbook)

        first = job('ee-configure-1', 'configure.yml')
        assert first.status == 'successful', first.describe()
        paths = set((e.get('event_data') or {}).get('task_path', '').split(':')[0] for e in first.events)
        assert any(p.startswith('/runner/project/collections/ansible_collections/cac/proget/') for p in paths), paths
        assert first.stats()['changed'] == {'proget-awx': 1}
        secrets = dict(PLANTED, **generated_keys(sim))
        assert_no_secret(first, secrets)
        second = job('ee-configure-2', 'configure.yml')
        assert second.status == 'successful' and not second.stats()['changed'], second.describe()
        assert_no_secret(second, secrets)
        # the reports go to the job's directory, as in AWX (the EE runs as user 1000)
        drift = job('ee-drift', 'drift.yml', {'proget_drift_dir': '/runner/drift', 'proget_drift_fail': True})
        assert drift.status == 'successful', drift.describe()
        with open(os.path.join(drift.private_data_dir, 'drift', 'proget-awx.json')) as f:
            assert json.load(f)['drift'] is False
        assert_no_secret(drift, secrets)
    finally:
        sim.stop()
