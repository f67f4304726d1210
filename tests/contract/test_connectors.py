"""Connectors API (proget-api.md §3)."""
import pytest

from conftest import FORBIDDEN

C = "api/management/connectors/"
REQUIRED = ("name", "url", "feedType")


def test_crud(client):
    r = client.post(C + "create", json={"name": "nuget.org", "feedType": "NuGet",
                                        "url": "https://api.nuget.org/v3/index.json",
                                        "password": "pw", "username": "u", "timeout": 10})
    assert r.status_code == 200  # docs connectors/create.md
    c = r.json()
    assert c["name"] == "nuget.org" and c["feedType"] == "nuget" and c["timeout"] == 10
    assert "password" not in c and "id" not in c and c["username"] == "u"
    for k in REQUIRED + ("filters", "metadataCacheEnabled", "metadataCacheMinutes",
                         "metadataCacheCount"):
        assert k in c
    assert client.get(C + "get/NUGET.ORG").json() == c
    assert client.get(C + "list").json() == [c]
    r = client.request("PUT", C + "create", json={"name": "npmjs", "feedType": "npm",
                                                  "url": "https://registry.npmjs.org"})
    assert r.status_code == 200  # create.md: "POST/PUT"
    assert client.request("DELETE", C + "delete/npmjs").status_code == 200  # delete.md: DELETE
    assert client.post(C + "delete/nuget.org").status_code == 200            # pgutil: POST
    assert client.get(C + "list").json() == []
    state = client.sim.state()
    assert "connector" not in state


def test_required_fields_always_present_even_minimal(client):
    c = client.create_connector("m")
    for k in REQUIRED:
        assert c[k] is not None
    assert c["filters"] == [] and c["metadataCacheEnabled"] is False


@pytest.mark.parametrize("body", [
    {"feedType": "nuget", "url": "https://x"},
    {"name": "a", "url": "https://x"},
    {"name": "a", "feedType": "nuget"},
    {"name": "a", "feedType": "nope", "url": "https://x"},
    {"name": "a b", "feedType": "nuget", "url": "https://x"},
    {"name": "a" * 101, "feedType": "nuget", "url": "https://x"},
    {"name": "a", "feedType": "nuget", "url": "https://x", "timeout": -1},
    {"name": "a", "feedType": "nuget", "url": "https://x", "timeout": "soon"},
    {"name": "a", "feedType": "nuget", "url": "https://x", "filters": "x"},
])
def test_create_validation(client, body):
    r = client.post(C + "create", json=body)
    assert r.status_code == 400 and r.text
    assert r.headers["Content-Type"].startswith("text/plain")


def test_duplicate_malformed_404(client):
    client.create_connector("dup")
    assert client.post(C + "create", json={"name": "DUP", "feedType": "nuget",
                                           "url": "https://x"}).status_code == 400
    r = client.post(C + "create", data=b"{{", headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert client.get(C + "get/zz").status_code == 404
    assert client.post(C + "update/zz", json={}).status_code == 404
    assert client.post(C + "delete/zz").status_code == 404
    assert client.request("DELETE", C + "delete/zz").status_code == 404


def test_partial_update_filters_replace_metadata_echo(client):
    client.create_connector("c", filters=["a", "!b"], username="u", password="p")
    c = client.post(C + "update/c", json={"timeout": 30}).json()
    assert c["filters"] == ["a", "!b"] and c["username"] == "u" and c["timeout"] == 30
    c = client.post(C + "update/c", json={"filters": ["z*"], "metadataCacheEnabled": True,
                                          "metadataCacheMinutes": 5,
                                          "metadataCacheCount": 7}).json()
    assert c["filters"] == ["z*"]
    assert (c["metadataCacheEnabled"], c["metadataCacheMinutes"], c["metadataCacheCount"]) == (True, 5, 7)
    c = client.post(C + "update/c", json={"filters": []}).json()
    assert c["filters"] == []
    assert client.post(C + "update/c", json={"timeout": -5}).status_code == 400
    # post back what was got
    assert client.post(C + "update/c", json=c).json() == c
    assert client.get(C + "get/c").json() == c


def test_feed_key_cannot_use_connectors(client, sim):
    client.create_feed("f")
    k = client.create_key(type="Feed", feed="f", packagePermissions=["view", "add", "promote", "delete"])["key"]
    assert client.get(C + "list", key=k).status_code == 403
    assert client.post(C + "create", key=k, json={"name": "x", "feedType": "nuget",
                                                  "url": "https://x"}).status_code == 403
    s = client.create_key(key="Admin:Admin", type="System", systemApis=["feeds"])["key"]
    assert client.get(C + "list", key=s).status_code == 200
    assert client.post(C + "create", key=s, json={"name": "x", "feedType": "nuget",
                                                  "url": "https://x"}).status_code == 200
    assert [c["name"] for c in client.get(C + "list").json()] == ["x"]


def test_errors_are_plain_text(client, sim):
    client.create_connector("t")
    for r in (client.get(C + "get/nope"), client.post(C + "update/t", json={"url": "ftp.example.com"}),
              client.post(C + "update/t", json={"feedType": "nugget"}),
              client.post(C + "update/t", json={"filters": ["a", 1]})):
        assert r.status_code in (400, 404) and r.text
        assert r.headers["Content-Type"].startswith("text/plain")
    assert client.get(C + "get/t").json()["url"] == "https://api.nuget.org/v3/index.json"
    r = client.post(C + "delete/t", key=None)
    assert r.status_code == 403 and r.text == FORBIDDEN
    assert [c["name"] for c in client.get(C + "list").json()] == ["t"]


def test_password_write_only_and_kept_on_update(client, sim):
    client.create_connector("p", username="u", password="planted-pw-123")
    client.post(C + "update/p", json={"timeout": 5})
    for r in (client.get(C + "get/p"), client.get(C + "list")):
        assert "planted-pw-123" not in r.text and "password" not in r.text
    assert sim.state()["connector"][0]["password"] == "planted-pw-123"
    client.post(C + "update/p", json={"password": "new-pw"})
    assert sim.state()["connector"][0]["password"] == "new-pw"


def test_delete_in_use_detaches_by_default_or_is_refused(client, sim):
    client.create_connector("a")
    client.create_connector("b")
    client.create_feed("f1", connectors=["a", "b"])
    client.create_feed("f2", connectors=["A"])
    assert client.request("DELETE", C + "delete/a").status_code == 200
    assert client.get("api/management/feeds/get/f1").json()["connectors"] == ["b"]
    assert client.get("api/management/feeds/get/f2").json()["connectors"] == []
    sim.config(connector_in_use="refuse")
    r = client.post(C + "delete/b")
    assert r.status_code == 400 and "f1" in r.text and r.headers["Content-Type"].startswith("text/plain")
    assert [c["name"] for c in client.get(C + "list").json()] == ["b"]
    client.post("api/management/feeds/update/f1", json={"connectors": []})
    assert client.post(C + "delete/b").status_code == 200
    assert client.get(C + "list").json() == []


def test_feed_with_unknown_connector_400_nothing_written(client, sim):
    # 2024-07 feeds update page: "400 (Invalid Input)"; no source gives 422
    client.create_connector("known")
    client.create_feed("f", connectors=["known"])
    sim.clear_log()
    r = client.post("api/management/feeds/update/f", json={"connectors": ["known", "unknown"]})
    assert r.status_code == 400 and "unknown" in r.text
    assert r.headers["Content-Type"].startswith("text/plain")
    assert client.get("api/management/feeds/get/f").json()["connectors"] == ["known"]
    assert [e for e in sim.log() if e["write"]] == []


def test_null_or_omitted_keeps_empty_string_clears_credentials(client, sim):
    # docs connectors/update.md "any properties omitted will keep their existing values"; 2024-07
    # connectors page "omitting a property or supplying null ... will keep the current setting".
    # Clearing: the sources are silent; the sim's reading is that "" clears.
    full = client.create_connector("k", username="u", password="p", timeout=9, filters=["a"],
                                   metadataCacheEnabled=True, metadataCacheMinutes=5, metadataCacheCount=6)
    nulls = dict((f, None) for f in ("url", "feedType", "username", "password", "timeout", "filters",
                                     "metadataCacheEnabled", "metadataCacheMinutes", "metadataCacheCount"))
    r = client.post(C + "update/k", json=nulls)
    assert r.status_code == 200 and r.json() == full
    assert client.get(C + "get/k").json() == full
    assert sim.state()["connector"][0]["password"] == "p"
    r = client.post(C + "update/k", json={"username": ""})
    assert r.status_code == 200 and r.json()["username"] is None
    assert client.get(C + "get/k").json()["username"] is None
    assert sim.state()["connector"][0]["password"] == "p"
    client.post(C + "update/k", json={"password": ""})
    assert sim.state()["connector"][0]["password"] is None
    assert client.get(C + "get/k").json() == dict(full, username=None)


def test_undocumented_verbs_are_405(client):
    client.create_connector("v")
    for method, path in [("POST", "get/v"), ("PATCH", "update/v"), ("PUT", "update/v"),
                         ("POST", "list"), ("GET", "create"), ("GET", "delete/v"), ("PUT", "delete/v")]:
        r = client.request(method, C + path, json={"timeout": 1})
        assert r.status_code == 405, (method, path)
        assert r.headers["Content-Type"].startswith("text/plain")
    assert client.get(C + "get/v").json()["timeout"] is None
    assert [c["name"] for c in client.get(C + "list").json()] == ["v"]
