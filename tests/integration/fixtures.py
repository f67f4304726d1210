"""The pytest fixtures of the suites that run ansible-playbook against the sim.

Imported by tests/integration/conftest.py and tests/reliability/conftest.py
(``from fixtures import *``); the API is documented in harness.py.
"""
import os

import pytest

import harness
from harness import PlayRunner, Sim, start_sim

__all__ = ['pytest_report_header', '_collection_link', 'sim_server', 'sim', 'sim_factory', 'run_play',
           'play_runner']


def pytest_report_header(config):
    venv, version = harness.which_ansible()
    return 'cac.proget: ansible-core %s from %s' % (version, venv)


@pytest.fixture(scope='session', autouse=True)
def _collection_link():
    problem = harness.venv_problem()
    if problem:  # one clear message instead of every test failing on a missing interpreter
        pytest.exit('cac.proget: ' + problem, returncode=4)
    harness.ensure_collection_link()
    expected = os.environ.get('CAC_EXPECT_CORE')
    if expected:  # make integration-2.22 must really run ansible-core 2.22
        venv, version = harness.which_ansible()
        assert version.startswith(expected + '.'), 'expected ansible-core %s, %s has %s' % (expected, venv, version)


@pytest.fixture(scope='module')
def sim_server(tmp_path_factory):
    """One sim per test module (default options)."""
    s = start_sim(data_dir=str(tmp_path_factory.mktemp('sim')))
    yield s
    s.stop()


@pytest.fixture
def sim(sim_server):
    """The module's sim, emptied (reset + log cleared) for this test."""
    if not sim_server.alive():
        pytest.fail('the sim died; see %s' % sim_server.stderr_file)
    sim_server.reset()
    sim_server.clear_log()
    return sim_server


@pytest.fixture
def sim_factory(tmp_path_factory):
    """sim_factory(**options) -> a new Sim with these CLI options, stopped after the test."""
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
    """run_play(playbook, extra_vars=None, check=False, diff=False, verbosity=0, env=None,
    expect_rc=0, sim=None, api_key=...) -> PlayResult, against the module's sim."""
    return PlayRunner(tmp_path / 'plays', sim=sim)


@pytest.fixture
def play_runner(tmp_path):
    """play_runner(sim=None, api_key=...) -> a PlayRunner bound to another sim."""
    count = [0]

    def make(sim=None, api_key=Sim._DEFAULT):
        count[0] += 1
        return PlayRunner(tmp_path / ('plays-%d' % count[0]), sim=sim, api_key=api_key)

    return make
