"""Unit tests import the collection as ansible_collections.cac.proget (see `make collection`), and
talk to ProGet through the fixture `proget`: the real client on an in-process sim."""
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTIONS = os.path.join(ROOT, 'build', 'collections')
link = os.path.join(COLLECTIONS, 'ansible_collections', 'cac', 'proget')
if not os.path.exists(link):
    os.makedirs(os.path.dirname(link), exist_ok=True)
    os.symlink(ROOT, link)
if COLLECTIONS not in sys.path:
    sys.path.insert(0, COLLECTIONS)

from ansible_collections.cac.proget.plugins.module_utils.client import ProGetClient  # noqa: E402
from progetsim.inprocess import SimAdapter  # noqa: E402  (tests/ is on sys.path: tests/conftest.py)
from progetsim.server import Sim  # noqa: E402

SIM_KEY = 'unit-system-key'


@pytest.fixture
def proget(tmp_path):
    """A real ProGetClient (``http://sim.invalid``, a System key with Full Control) whose session
    hands every request to a fresh in-process sim (tests/progetsim/inprocess.py); nothing leaves
    the process. ``proget.sim`` is that ``progetsim.server.Sim``: ``read_log()`` / ``clear_log()``
    (entries: method, path, query, status, write, body; ``progetsim.inprocess.writes(sim)``),
    ``config`` (faults ``fail_every``, ``drop_every``, ``drop_after_write``, ``latency_ms``;
    ``edition``, ``anonymous`` and the fidelity switches), ``store`` (the state: ``find(kind,
    name)``, ``dump()``) and ``reset()``."""
    sim = Sim(str(tmp_path / 'progetsim'), system_key=SIM_KEY, log_bodies=True)
    client = ProGetClient('http://sim.invalid', api_key=SIM_KEY, backoff=0)
    adapter = SimAdapter(sim)
    client.session.mount('http://', adapter)
    client.session.mount('https://', adapter)
    client.sim = sim
    yield client
    client.session.close()
    sim.store.close()
