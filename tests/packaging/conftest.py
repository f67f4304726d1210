"""The packaging suite (make packaging): what Galaxy, Automation Hub and AWX users get.

Runs with the tools venv (.venv/tools: ansible-core 2.19 + the `ansible` package, ansible-builder,
antsibull-*); ansible-playbook runs of the installed tarball use $CAC_ANSIBLE_VENV (core-2.19).
The sim comes from tests/integration/harness.py.
"""
import os
import subprocess
import sys
import tarfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'integration'))

import harness  # noqa: E402  pylint: disable=wrong-import-position

ROOT = harness.ROOT
TOOLS = os.path.join(ROOT, '.venv', 'tools', 'bin')


def tool(name):
    path = os.path.join(TOOLS, name)
    if not os.path.exists(path):
        pytest.fail('%s is missing: run `make venv-tools`' % path)
    return path


def run(cmd, env=None, cwd=None, expect=0):
    full_env = dict(os.environ)
    for k in ('ANSIBLE_COLLECTIONS_PATHS', 'ANSIBLE_COLLECTIONS_PATH'):
        full_env.pop(k, None)
    full_env.update(env or {})
    p = subprocess.run(cmd, env=full_env, cwd=cwd or ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, timeout=600)
    if expect is not None and p.returncode != expect:
        raise AssertionError('%s -> rc %s\nstdout:\n%s\nstderr:\n%s' % (' '.join(cmd), p.returncode, p.stdout,
                                                                       p.stderr))
    return p


@pytest.fixture(scope='session')
def tarball(tmp_path_factory):
    """`ansible-galaxy collection build` of the repository, as a user or Automation Hub gets it."""
    out = tmp_path_factory.mktemp('dist')
    run([tool('ansible-galaxy'), 'collection', 'build', '--force', '--output-path', str(out), ROOT])
    (path,) = [os.path.join(str(out), f) for f in os.listdir(str(out)) if f.endswith('.tar.gz')]
    return path


@pytest.fixture(scope='session')
def tar_members(tarball):
    with tarfile.open(tarball) as t:
        return sorted(m.name for m in t.getmembers())
