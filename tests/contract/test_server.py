"""Health, headers, request log, faults, restart, HTTPS, prefix, config (architecture.md)."""
import json
import os

import pytest
import requests

from conftest import SYSTEM_KEY


def test_headers_on_every_response(client, sim):
    sim.config(edition="Enterprise", version="24.0.3.7")
    rs = [client.get("health"), client.get("api/management/feeds/get/nope"),
          client.post("api/management/feeds/create", json={}),
          client.get("no/such/endpoint"),
          client.request("PUT", "api/management/feeds/list")]
    rs.append(client.get("api/api-keys/list", key=None))
    sim.config(fail_every=1)
    rs.append(client.get("api/management/feeds/list"))
    assert [r.status_code for r in rs] == [200, 404, 400, 404, 405, 403, 500]
    for r in rs:
        assert r.headers["X-ProGet-Version"] == "24.0.3.7"
        assert r.headers["X-ProGet-Edition"] == "enterprise"


def test_health_2025(client, sim):
    r = client.get("health")
    assert r.status_code == 200
    h = r.json()
    assert h["applicationName"] == "ProGet" and h["versionNumber"] == "25.0.13.5"
    assert h["releaseNumber"] == "25.0.13"
    for k in ("databaseStatus", "databaseStatusDetails", "licenseStatus", "licenseStatusDetail",
              "serviceStatus", "serviceStatusDetail", "extensionsInstalled", "replicationStatus"):
        assert k in h
    assert h["licenseStatus"] == "OK"
    sim.config(unlicensed=True)
    r = client.get("health", key="bogus")       # no key needed; an unknown one is not refused
    assert r.status_code == 500 and r.json()["licenseStatus"] == "Error"


REPL = {
    "none": (None, None, None, None),
    "ok": ("OK", None, "OK", None),
    "server_error": ("Error", "Simulated replication error (progetsim config replication=server_error).", "OK", None),
    "client_error": ("OK", None, "Error", "Simulated replication error (progetsim config replication=client_error)."),
}


@pytest.mark.parametrize("mode", sorted(REPL))
@pytest.mark.parametrize("version", ["25.0.13.5", "26.0.12.24"])
def test_health_replication_status(client, sim, mode, version):
    # ProGetHealthInfo.cs ReplicationStatusInfo; docs health.md gives 500 only for a health
    # problem "such as service not running", so the status stays 200
    sim.config(version=version, replication=mode)
    r = client.get("health?format=json", key=None)
    assert r.status_code == 200
    rs = r.json()["replicationStatus"]
    assert (rs["serverStatus"], rs["serverError"], rs["clientStatus"], rs["clientError"]) == REPL[mode]
    if version.startswith("26"):
        assert client.get("health/json").json()["replicationStatus"] == rs
        r = client.get("health", key=None)
        assert (r.status_code, r.text) == (200, "OK")


def test_health_2026(client, sim):
    sim.config(version="26.0.12.24")
    r = client.get("health")
    assert (r.status_code, r.text) == (200, "OK")
    assert r.headers["Content-Type"].startswith("text/plain")
    assert client.get("health/json").json()["versionNumber"] == "26.0.12.24"
    assert client.get("health?format=json").json()["releaseNumber"] == "26.0.12"
    sim.config(unlicensed=True)
    r = client.get("health")
    assert (r.status_code, r.text) == (500, "ERROR: Product license is not valid")
    r = client.get("health/json")
    assert r.status_code == 500 and r.json()["licenseStatus"] == "Error"


def test_cli_version_edition_unlicensed(sim_factory):
    s = sim_factory("--version", "26.0.1.2", "--edition", "basic", "--unlicensed")
    r = requests.get(s.url + "/health")
    assert r.status_code == 500 and r.text.startswith("ERROR")
    assert r.headers["X-ProGet-Version"] == "26.0.1.2" and r.headers["X-ProGet-Edition"] == "basic"


def test_request_log(client, sim):
    client.create_feed("logged", key=SYSTEM_KEY)
    client.get("api/management/feeds/list?key=" + SYSTEM_KEY + "&indent", key=None)
    client.post("api/settings/set?name=Licensing.Key&value=SECRET-LIC", key=SYSTEM_KEY)
    client.post("api/management/feeds/update/logged", json={"description": "x"}, key="Admin:Admin")
    client.get("api/api-keys/list", key="bogus")
    client.post("api/management/feeds/update/logged", json={}, key=SYSTEM_KEY)  # no change
    client.get("__sim/state")
    log = sim.log()
    assert [e["method"] + " " + e["path"] for e in log] == [
        "POST /api/management/feeds/create", "GET /api/management/feeds/list",
        "POST /api/settings/set", "POST /api/management/feeds/update/logged",
        "GET /api/api-keys/list", "POST /api/management/feeds/update/logged"]
    for e in log:
        assert set(e) == {"ts", "method", "path", "query", "status", "bytes", "ms", "write", "principal"}
    assert [e["write"] for e in log] == [True, False, True, True, False, False]
    assert [e["status"] for e in log] == [200, 200, 200, 200, 403, 200]
    assert log[1]["query"].startswith("key=***") and log[2]["query"] == "name=Licensing.Key&value=***"
    assert log[0]["principal"] == log[1]["principal"] != "Anonymous"
    assert log[4]["principal"] == "Invalid"   # a refused key is not the anonymous user
    assert log[0]["bytes"] > 0
    text = json.dumps(log) + open(os.path.join(sim.data_dir, "requests.jsonl")).read()
    for secret in (SYSTEM_KEY, "SECRET-LIC", "Admin:Admin", "bogus"):
        assert secret not in text
    sim.clear_log()
    assert sim.log() == []


def test_fail_every(client, sim):
    sim.config(fail_every=2)
    r1 = client.post("api/management/feeds/create", json={"name": "a", "feedType": "npm"})
    r2 = client.post("api/management/feeds/create", json={"name": "b", "feedType": "npm"})
    assert r1.status_code == 200 and r2.status_code == 500 and r2.text
    sim.config(fail_every=0)
    assert [f["name"] for f in client.get("api/management/feeds/list").json()] == ["a"]
    assert [(e["status"], e["write"]) for e in sim.log()][:2] == [(200, True), (500, False)]


def test_drop_every(client, sim):
    sim.config(drop_every=1)
    with pytest.raises(requests.ConnectionError):
        client.post("api/management/feeds/create", json={"name": "a", "feedType": "npm"})
    sim.config(drop_every=0)
    assert client.get("api/management/feeds/list").json() == []
    assert sim.log()[0]["status"] == 0


def test_drop_after_write(client, sim):
    sim.config(drop_after_write=1)
    with pytest.raises(requests.ConnectionError):
        client.post("api/management/feeds/create", json={"name": "a", "feedType": "npm"})
    assert client.get("api/management/feeds/get/a").status_code == 200  # reads are answered
    sim.config(drop_after_write=0)
    e = sim.log()[0]
    assert e["status"] == 0 and e["write"] is True


def test_latency(client, sim):
    sim.config(latency_ms=150)
    r = client.get("api/management/feeds/list")
    assert r.elapsed.total_seconds() >= 0.14
    assert sim.log()[0]["ms"] >= 140


def test_config_validation(client, sim):
    for bad in ({"anonymous": "everyone"}, {"edition": "pro"}, {"fail_every": -1},
                {"version": "x"}, {"nope": 1}, {"apikey_create_reply": "xml"},
                {"full_control_echo": "all"}, {"replication": "broken"}, {"license_delete_by": "name"},
                {"license_update_hashes": "clear"}, {"feed_variables_name": "vars"},
                {"storage_secrets": "masked"}, {"storage_denied_status": "401"},
                {"status_allow_omitted": "ignore"}, {"promote_existing": "merge"},
                {"free_delete_limit": -1}, {"free_delete_window_s": "soon"}):
        r = requests.post(sim.url + "/__sim/config", json=bad)
        assert r.status_code == 400, bad
    cfg = requests.get(sim.url + "/__sim/config").json()
    assert cfg == {"version": "25.0.13.5", "edition": "free", "anonymous": "none",
                   "key_storage": "plain", "fail_every": 0, "drop_every": 0, "drop_after_write": 0,
                   "latency_ms": 0, "unlicensed": False, "connector_in_use": "detach",
                   "apikey_create_reply": "text", "full_control_echo": "as-sent",
                   "replication": "none", "license_delete_by": "code",
                   "license_update_hashes": "keep", "feed_variables_name": "variables",
                   "security_delete_verb": "DELETE", "group_add_existing": "refuse", "builtin_tasks": "editable",
                   "storage_secrets": "hidden", "storage_denied_status": "500", "status_allow_omitted": "keep",
                   "promote_existing": "refuse", "free_delete_limit": 10, "free_delete_window_s": 3600}
    r = requests.post(sim.url + "/__sim/config", json={"feed_variables_name": "VARIABLEDICTIONARY"})
    assert r.json()["feed_variables_name"] == "variableDictionary"


def test_reset_empties_and_restores_config(client, sim):
    client.create_feed("x")
    sim.config(anonymous="admin", replication="ok")
    sim.reset()
    assert sim.get_config()["anonymous"] == "none" and sim.get_config()["replication"] == "none"
    assert client.get("api/management/feeds/list").json() == []
    assert client.get("api/api-keys/list", key=SYSTEM_KEY).json()[0]["displayName"] == "sim-bootstrap"


def test_state_dump(client, sim):
    client.create_feed("s")
    st = sim.state()
    assert [f["name"] for f in st["feed"]] == ["s"]


def test_restart_keeps_data(sim_factory):
    s = sim_factory("--system-key", "k1")
    h = {"X-ApiKey": "k1"}
    requests.post(s.url + "/api/management/feeds/create", headers=h, json={"name": "persist", "feedType": "npm"})
    requests.post(s.url + "/api/api-keys/create", headers=h,
                  json={"type": "System", "systemApis": ["feeds"], "logging": "None"})
    requests.post(s.url + "/api/licenses/add", headers=h, json={"code": "MIT", "title": "MIT"})
    ids = [k["id"] for k in requests.get(s.url + "/api/api-keys/list", headers=h).json()]
    s.restart()
    assert requests.get(s.url + "/api/management/feeds/get/persist", headers=h).status_code == 200
    assert [k["id"] for k in requests.get(s.url + "/api/api-keys/list", headers=h).json()] == ids
    assert len(ids) == 2
    assert requests.get(s.url + "/api/licenses/list", headers=h).json()[0]["code"] == "MIT"
    requests.post(s.url + "/api/api-keys/create", headers=h,
                  json={"type": "System", "systemApis": ["feeds"], "logging": "None"})
    assert max(k["id"] for k in requests.get(s.url + "/api/api-keys/list", headers=h).json()) > max(ids)


def test_https(sim_factory):
    s = sim_factory("--system-key", "tls-key", https=True)
    assert os.path.exists(s.cert)
    r = requests.get(s.url + "/health", verify=s.cert)
    assert r.status_code == 200 and s.url.startswith("https://")
    r = requests.post(s.url + "/api/management/feeds/create", verify=s.cert,
                      json={"name": "t", "feedType": "nuget"}, headers={"X-ApiKey": "tls-key"})
    assert r.json()["endpointUrl"].startswith("https://")
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(s.url + "/health")  # not trusted by default


def test_prefix(sim_factory):
    s = sim_factory("--anonymous", "admin", prefix="/proget")
    assert s.url.endswith("/proget")
    root = s.url[:-len("/proget")]
    assert requests.get(root + "/health").status_code == 404
    assert requests.get(s.url + "/health").status_code == 200
    f = requests.post(s.url + "/api/management/feeds/create",
                      json={"name": "p", "feedType": "npm"}).json()
    assert f["endpointUrl"] == s.url + "/npm/p/"
    assert requests.get(s.url + "/__sim/log").json()[-1]["path"] == "/proget/api/management/feeds/create"


def test_web_base_url_drives_endpoint_url(client):
    client.post("api/settings/set?name=Web.BaseUrl&value=https://proget.corp.local/")
    f = client.create_feed("myNugetFeed")
    assert f["endpointUrl"] == "https://proget.corp.local/nuget/myNugetFeed/v3/index.json"


def test_head_and_chunked_body(client):
    r = client.request("HEAD", "api/management/feeds/list")
    assert r.status_code == 200 and r.content == b""
    assert r.headers["X-ProGet-Edition"] == "free"

    def gen():
        yield b'{"name": "chunked", '
        yield b'"feedType": "npm"}'
    r = client.post("api/management/feeds/create", data=gen(),
                    headers={"Content-Type": "application/json"})
    assert r.status_code == 200 and r.json()["name"] == "chunked"


def test_concurrent_writes(client, sim):
    import concurrent.futures

    sim.config(apikey_create_reply="json")

    def create(i):
        return requests.post(sim.url + "/api/api-keys/create", timeout=10, headers={"X-ApiKey": SYSTEM_KEY},
                             json={"type": "System", "systemApis": ["feeds"], "logging": "None",
                                   "displayName": "k%d" % i}).json()["id"]
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        ids = list(pool.map(create, range(40)))
    assert len(set(ids)) == 40
    assert len(client.get("api/api-keys/list").json()) == 41  # + sim-bootstrap


def test_cli_config_option_survives_reset(sim_factory):
    s = sim_factory("--system-key", SYSTEM_KEY, "--config", "apikey_create_reply=json",
                    "--config", "replication=client_error")
    s.reset()
    assert s.get_config()["apikey_create_reply"] == "json"
    r = requests.post(s.url + "/api/api-keys/create", headers={"X-ApiKey": SYSTEM_KEY},
                      json={"type": "System", "systemApis": ["feeds"], "logging": "None"})
    assert r.status_code == 200 and r.json()["systemApis"] == ["feeds"]
    assert requests.get(s.url + "/health").json()["replicationStatus"]["clientStatus"] == "Error"
