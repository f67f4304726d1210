"""The AWX runner suite (make awx): playbooks/configure.yml and drift.yml run through
``ansible_runner.run()`` as AWX runs a job, with the ProGet credential type injected as AWX injects
it, the collection installed from the built tarball, and every job event and artifact searched for
the secrets the test planted.

Runs with the tools venv (.venv/tools: ansible-core 2.19 + ansible-runner; the ansible-playbook that
ansible-runner starts is the one of $CAC_ANSIBLE_VENV, .venv/tools by default here, as in an
execution environment where ansible-core and ansible-runner share one Python).
"""
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'integration'))

import harness  # noqa: E402  pylint: disable=wrong-import-position

os.environ.setdefault('CAC_ANSIBLE_VENV', os.path.join(harness.ROOT, '.venv', 'tools'))


def pytest_report_header(config):
    venv, version = harness.which_ansible()
    try:
        import ansible_runner
        runner = getattr(ansible_runner, '__version__', None) or 'installed'
    except ImportError:
        runner = 'MISSING (make venv-tools)'
    return 'cac.proget: ansible-core %s from %s; ansible-runner %s' % (version, venv, runner)


@pytest.fixture(scope='session')
def installed_collection(tmp_path_factory):
    """`ansible-galaxy collection build` of the repository, installed offline into a collections
    directory of its own (what an execution environment or a project's collections/ holds)."""
    venv = harness.ansible_venv()
    dist = tmp_path_factory.mktemp('dist')
    dest = tmp_path_factory.mktemp('collections')
    galaxy = os.path.join(venv, 'bin', 'ansible-galaxy')
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith('ANSIBLE_'))
    subprocess.run([galaxy, 'collection', 'build', '--force', '--output-path', str(dist), harness.ROOT],
                   check=True, stdout=subprocess.PIPE, env=env)
    (tarball,) = [os.path.join(str(dist), f) for f in os.listdir(str(dist)) if f.endswith('.tar.gz')]
    subprocess.run([galaxy, 'collection', 'install', '--offline', '--no-deps', '-p', str(dest), tarball],
                   check=True, stdout=subprocess.PIPE, env=env)
    path = os.path.join(str(dest), 'ansible_collections', 'cac', 'proget')
    assert os.path.isfile(os.path.join(path, 'MANIFEST.json')) and not os.path.islink(path)
    return str(dest)
