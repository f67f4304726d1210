"""Contract tests of the sim (pure HTTP). One sim process per test module; each test starts
from an empty server (``/__sim/reset``) and an empty request log.

The sims run as a ProGet that requires a key (the default ``anonymous: none``) with the system
key ``SYSTEM_KEY``, which ``Client`` sends unless a test passes ``key=None`` (no key) or another
key. Tests of the anonymous modes set the mode explicitly."""
import os
import sys

import pytest
import requests

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)

from progetsim.testing import SimProcess  # noqa: E402

SYSTEM_KEY = "sim-system-key-0123456789"
FORBIDDEN = "The specified API key does not have the proper permissions to perform this action."


class Client(object):
    """Tiny requests wrapper bound to one sim."""

    def __init__(self, sim):
        self.sim = sim
        self.session = requests.Session()

    def url(self, path):
        return self.sim.url + "/" + path.lstrip("/")

    def request(self, method, path, key=SYSTEM_KEY, **kw):
        """``key``: the X-ApiKey to send (default the system key); None sends none."""
        headers = dict(kw.pop("headers", None) or {})
        if key is not None and "X-ApiKey" not in headers and "auth" not in kw:
            headers["X-ApiKey"] = key
        kw.setdefault("timeout", 10)
        if self.sim.https:
            kw.setdefault("verify", self.sim.cert)
        return self.session.request(method, self.url(path), headers=headers, **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def create_feed(self, name, feed_type="nuget", key=SYSTEM_KEY, **fields):
        body = dict(name=name, feedType=feed_type, **fields)
        r = self.post("api/management/feeds/create", json=body, key=key)
        assert r.status_code == 200, r.text
        return r.json()

    def create_connector(self, name, feed_type="nuget", url="https://api.nuget.org/v3/index.json",
                         key=SYSTEM_KEY, **fields):
        body = dict(name=name, feedType=feed_type, url=url, **fields)
        r = self.post("api/management/connectors/create", json=body, key=key)
        assert r.status_code == 200, r.text
        return r.json()

    def create_key(self, key=SYSTEM_KEY, **body):
        """Create an API key (``logging`` defaults to "None") -> its ApiKeyInfo: the JSON reply,
        or for the default text reply the listed record with ``key`` set to the text."""
        body.setdefault("logging", "None")
        r = self.post("api/api-keys/create", json=body, key=key)
        assert r.status_code == 200, r.text
        if r.headers["Content-Type"].startswith("application/json"):
            return r.json()
        assert r.headers["Content-Type"].startswith("text/plain")
        listed = self.get("api/api-keys/list", key=SYSTEM_KEY).json()
        info = max(listed, key=lambda k: k["id"])  # ids only grow
        return dict(info, key=r.text)


def _start(tmp_path_factory, *args, **kw):
    sim = SimProcess(str(tmp_path_factory.mktemp("sim")), *args, **kw)
    sim.start()
    return sim


@pytest.fixture(scope="module")
def sim_server(tmp_path_factory):
    sim = _start(tmp_path_factory, "--system-key", SYSTEM_KEY)
    yield sim
    sim.stop()


@pytest.fixture
def sim(sim_server):
    """The module's sim, emptied (reset + log cleared) for this test."""
    if sim_server.proc is None or sim_server.proc.poll() is not None:
        sim_server.start()
    sim_server.reset()
    sim_server.clear_log()
    return sim_server


@pytest.fixture
def client(sim):
    c = Client(sim)
    yield c
    c.session.close()


@pytest.fixture
def sim_factory(tmp_path_factory):
    """sim_factory(*cli_args, https=False, prefix='') -> a started SimProcess (stopped after)."""
    started = []

    def factory(*args, **kw):
        s = _start(tmp_path_factory, *args, **kw)
        started.append(s)
        return s

    yield factory
    for s in started:
        s.stop()
