"""Fixtures of the proget_server role suite: a real Docker engine and the ProGet stand-in.

Needs root (it may install and start Debian's docker.io daemon). Runs ansible-playbook from
$CAC_ANSIBLE_VENV, default .venv/docker (ansible-core 2.19 + the `ansible` package, which
brings community.docker). `make docker-test` builds that venv.
"""
import os
import subprocess
import sys
import time
import uuid

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, 'tests', 'integration'))
os.environ.setdefault('CAC_ANSIBLE_VENV', os.path.join('.venv', 'docker'))

import dockerlib  # noqa: E402  pylint: disable=wrong-import-position
import harness  # noqa: E402  pylint: disable=wrong-import-position

TAGS = ('25.0.1', '26.0.1')  # 2025 (JSON /health) and 2026 (plain-text /health)
TIMINGS = []


def timed(label, func, *args, **kwargs):
    start = time.monotonic()
    try:
        return func(*args, **kwargs)
    finally:
        TIMINGS.append((label, time.monotonic() - start))


def pytest_report_header(config):
    return 'cac.proget docker suite: ansible from %s' % harness.ansible_venv()


def pytest_terminal_summary(terminalreporter):
    if TIMINGS:
        terminalreporter.write_sep('-', 'proget_server role against Docker: timings')
        for label, secs in TIMINGS:
            terminalreporter.write_line('%7.1fs  %s' % (secs, label))


@pytest.fixture(scope='session')
def docker_engine():
    if os.geteuid() != 0:
        pytest.fail('the docker suite needs root (it starts dockerd and writes root-only files)')
    venv = harness.ansible_venv()
    if not os.path.exists(os.path.join(venv, 'bin', 'ansible-playbook')):
        timed('build venv %s' % venv, subprocess.run, [os.path.join(ROOT, 'scripts', 'venv.sh'),
                                                       os.path.basename(venv)], check=True)
    harness.ensure_collection_link()
    how = timed('docker engine', dockerlib.ensure_daemon)
    ids = timed('stand-in images %s' % ', '.join(TAGS), dockerlib.build_standin, TAGS)
    TIMINGS.append(('(engine: %s)' % how, 0.0))
    return {'repo': dockerlib.STANDIN_REPO, 'ids': ids}


@pytest.fixture
def tracker():
    t = dockerlib.Tracker()
    yield t
    errors = t.cleanup()
    assert not errors, 'cleanup failed: %s' % errors


@pytest.fixture
def names(tracker, tmp_path):
    """Unique names for one ProGet instance; every one is registered for cleanup."""
    base = 'cacpg-%s' % uuid.uuid4().hex[:8]
    n = {'container': base, 'network': base,
         'volumes': ['%s-%s' % (base, v) for v in ('packages', 'database', 'backups', 'localstorage')],
         'secrets_dir': str(tmp_path / 'secrets')}
    tracker.containers.append(base)
    tracker.networks.append(base)
    tracker.volumes.extend(n['volumes'])
    return n


@pytest.fixture
def play(docker_engine, tmp_path):
    """play(text, **run_kwargs) -> PlayResult; ansible-playbook from the docker venv, no sim."""
    runner = harness.PlayRunner(tmp_path / 'plays', sim=None, api_key=None)

    def run(text, label=None, env=None, **kw):
        # pipelining: one process per module instead of copy + chmod + run + rm (2-core machines)
        env = dict({'ANSIBLE_PIPELINING': 'True'}, **(env or {}))
        return timed(label or 'play', runner, text, env=env, **kw)

    return run
