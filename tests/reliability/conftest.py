"""Fixtures for the reliability suite: the integration harness (tests/integration/harness.py)."""
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'integration'))

import harness  # noqa: E402  pylint: disable=wrong-import-position
from harness import PlayRunner, Sim, start_sim  # noqa: E402,F401


def pytest_report_header(config):
    venv, version = harness.which_ansible()
    return 'cac.proget reliability: ansible-core %s from %s' % (version, venv)


@pytest.fixture(scope='session', autouse=True)
def _collection_link():
    harness.ensure_collection_link()
    expected = os.environ.get('CAC_EXPECT_CORE')
    if expected:  # `make reliability` must really run ansible-core 2.19
        venv, version = harness.which_ansible()
        assert version.startswith(expected + '.'), 'expected ansible-core %s, %s has %s' % (expected, venv, version)


@pytest.fixture(scope='module')
def sim_server(tmp_path_factory):
    s = start_sim(data_dir=str(tmp_path_factory.mktemp('sim')), key_storage='plain')
    yield s
    s.stop()


@pytest.fixture
def sim(sim_server):
    if not sim_server.alive():
        pytest.fail('the sim died; see %s' % sim_server.stderr_file)
    sim_server.reset()
    sim_server.clear_log()
    return sim_server


@pytest.fixture
def sim_factory(tmp_path_factory):
    started = []

    def factory(**options):
        s = start_sim(data_dir=str(tmp_path_factory.mktemp('sim-extra')), **options)
        started.append(s)
        return s

    yield factory
    for s in started:
        s.stop()


@pytest.fixture
def run_play(sim, tmp_path):
    return PlayRunner(tmp_path / 'plays', sim=sim)


@pytest.fixture
def play_runner(tmp_path):
    count = [0]

    def make(sim=None, api_key=Sim._DEFAULT):
        count[0] += 1
        return PlayRunner(tmp_path / ('plays-%d' % count[0]), sim=sim, api_key=api_key)

    return make
