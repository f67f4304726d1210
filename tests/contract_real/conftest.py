"""Contract checks of the claims the test server and the collection rely on, against a real ProGet.

    make contract-real PROGET_URL=https://proget.example.com/ PROGET_API_KEY=...  # System key, Full Control
    make contract                                  # the same checks against the bundled test server

Pure HTTP (``requests``). Only reads, and writes that clean up after themselves: every object is
named under ``realapi.PREFIX`` (``cacct-<random6>-``) and removed by a fixture finalizer, also when
the check fails, and by a sweep of that prefix at the end of the session.

Where the primary sources (the ProGet docs, pgutil) disagree or are silent, a check accepts each
documented reading and records the one the server took. Every reading and outcome is written to
``build/contract-real/report.{json,md}`` (runs against the bundled test server:
``build/contract-real/sim/``). Secrets (the API key, created key texts, connector passwords) are
never printed or written: they are replaced by ``***`` in the report and in failure texts.

Environment: PROGET_URL, PROGET_API_KEY, PROGET_VALIDATE_CERTS, PROGET_CA_PATH (empty = unset).
Without PROGET_URL a test server is started (``--anonymous none --system-key <random>``), unless
CAC_CONTRACT_REAL=1 (``make contract-real``), which refuses to run without PROGET_URL.
"""
import os
import secrets
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
ROOT = os.path.dirname(TESTS)
for p in (HERE, TESTS):
    if p not in sys.path:
        sys.path.insert(0, p)

from realapi import PREFIX, Api, Report, env, ok, version_tuple  # noqa: E402

REPORT = Report()


def _verify():
    """As the collection's client: validate_certs false wins, then ca_path, else the system CAs."""
    flag = (env("PROGET_VALIDATE_CERTS") or "true").lower()
    if flag in ("0", "false", "no", "off", "n", "f"):
        import urllib3
        urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
        return False
    return env("PROGET_CA_PATH") or True


@pytest.fixture(scope="session")
def api(request, tmp_path_factory):
    """The ProGet under test (a real one from PROGET_URL, or a started test server)."""
    url, key, sim = env("PROGET_URL"), env("PROGET_API_KEY"), None
    if url is None:
        if os.environ.get("CAC_CONTRACT_REAL") == "1":
            pytest.exit("contract-real: PROGET_URL and PROGET_API_KEY are required", returncode=2)
        from progetsim.testing import SimProcess
        key = "sim-" + secrets.token_hex(16)
        sim = SimProcess(str(tmp_path_factory.mktemp("sim")), "--system-key", key, "--anonymous", "none")
        request.addfinalizer(sim.cleanup)      # runs after the sweep below
        sim.start()
        url = sim.url
        REPORT.target = "bundled test server (tests/progetsim, defaults + --anonymous none)"
    else:
        if key is None:
            pytest.exit("contract-real: PROGET_API_KEY is required (a System key with Full Control)",
                        returncode=2)
        REPORT.target = "real ProGet"
    REPORT.secret(key)
    a = Api(url, key, verify=_verify())
    a.is_sim = sim is not None
    r = a.get("health?format=json", key=None)
    info = {}
    try:
        info = r.json() if isinstance(r.json(), dict) else {}
    except ValueError:
        pass
    a.version = version_tuple(r.headers.get("X-ProGet-Version") or info.get("versionNumber"))
    a.edition = (r.headers.get("X-ProGet-Edition") or "").lower() or None
    REPORT.server = {"version": ".".join(map(str, a.version)) or None, "edition": a.edition,
                     "releaseNumber": info.get("releaseNumber")}
    yield a
    REPORT.left_behind = a.sweep()


@pytest.fixture
def record(request):
    """record(point, reading, source, detail=None): a reading for the report."""
    def rec(point, reading, source, detail=None):
        REPORT.record(request.node.name, point, reading, source, detail)
    return rec


@pytest.fixture
def secret():
    """secret(value) -> value, redacted from the report and failure texts from now on."""
    return REPORT.secret


@pytest.fixture
def cleanup():
    """cleanup(fn, *args): run at teardown, last registered first, also when the test failed."""
    todo = []
    yield lambda fn, *args: todo.append((fn, args))
    for fn, args in reversed(todo):
        try:
            fn(*args)
        except Exception as e:  # the session sweep retries
            sys.stderr.write("cleanup: %s\n" % REPORT.redact(str(e)))


@pytest.fixture
def name():
    """name(suffix) -> a unique object name under the suite's prefix."""
    return lambda suffix: PREFIX + suffix + secrets.token_hex(2)


@pytest.fixture
def make_feed(api, cleanup, name):
    """make_feed(feed_type="universal", **fields) -> (name, create response); deleted at teardown."""
    def make(feed_type="universal", **fields):
        n = name("f")
        cleanup(api.delete_feed, n)
        r = api.post("api/management/feeds/create", json=dict(name=n, feedType=feed_type, **fields))
        assert ok(r), "feed create: %s %s" % (r.status_code, r.text[:300])
        return n, r
    return make


# -- report plumbing ---------------------------------------------------------------------------
@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.longrepr is not None and REPORT.secrets:
        text = str(rep.longrepr)
        clean = REPORT.redact(text)
        if clean != text:
            rep.longrepr = clean


def pytest_runtest_logreport(report):
    if report.when != "call" and report.passed:
        return
    note = ""
    if report.skipped and isinstance(report.longrepr, tuple):
        note = report.longrepr[2]
    elif report.failed:
        lines = str(report.longrepr).strip().splitlines() or [""]
        errors = [ln[1:].strip() for ln in lines if ln.startswith("E ")]
        note = " ".join(errors[:3]) if errors else lines[-1]
    REPORT.results.append({"test": report.nodeid.split("::", 1)[-1], "when": report.when,
                           "outcome": report.outcome, "note": REPORT.redact(note)[:500]})


def pytest_sessionfinish(session, exitstatus):
    if not REPORT.results:
        return
    out = env("CONTRACT_REAL_REPORT_DIR") or os.path.join(ROOT, "build", "contract-real")
    if REPORT.target and REPORT.target.startswith("bundled"):
        out = os.path.join(out, "sim")
    REPORT.write(out)
    tr = session.config.pluginmanager.get_plugin("terminalreporter")
    if tr is not None:
        tr.write_line("contract-real report: %s" % os.path.join(os.path.relpath(out, os.getcwd()),
                                                               "report.{json,md}"))
