"""API Keys API (proget-api.md §4)."""
import re

import pytest

from conftest import SYSTEM_KEY

K = "api/api-keys/"
FIELDS = {"id", "type", "key", "displayName", "description", "systemApis", "packagePermissions",
          "feed", "feedGroup", "user", "expiration", "logging"}


def test_create_replies_200_with_the_key_as_text(client):
    # docs apikeys/create.md: "Text of the API key will be returned on a successful 200 response"
    r = client.post(K + "create", json={"type": "system", "systemApis": ["Feeds", "sca"],
                                        "displayName": "ci", "logging": "both"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/plain")
    assert re.match(r"^[0-9a-f]{40}$", r.text)
    listed = [k for k in client.get(K + "list").json() if k["key"] == r.text]
    assert len(listed) == 1 and set(listed[0]) == FIELDS
    info = listed[0]
    assert info["type"] == "System" and info["logging"] == "Both" and info["displayName"] == "ci"
    assert info["systemApis"] == ["feeds", "sca"] and info["id"] >= 1000
    assert client.get(K + "list", key=r.text).status_code == 403       # feeds+sca is not admin


def test_create_json_reply_switch(client, sim):
    # pgutil ProGetClient.cs CreateApiKeyAsync parses an ApiKeyInfo reply
    sim.config(apikey_create_reply="json")
    r = client.post(K + "create", json={"type": "System", "systemApis": ["feeds"], "logging": "None"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/json")
    info = r.json()
    assert set(info) == FIELDS and re.match(r"^[0-9a-f]{40}$", info["key"])
    listed = [k for k in client.get(K + "list").json() if k["id"] == info["id"]][0]
    assert listed == info  # plain storage shows the key


def test_create_list_delete_plain(client):
    info = client.create_key(type="system", systemApis=["Feeds", "sca"], displayName="ci", logging="both")
    other = client.create_key(type="Feed", feedGroup="grp", packagePermissions=["view"])
    assert other["id"] > info["id"] and other["logging"] == "None"
    assert other["feedGroup"] == "grp" and other["feed"] is None
    assert client.post(K + "delete?id=%d" % info["id"]).status_code == 200
    assert info["id"] not in [k["id"] for k in client.get(K + "list").json()]
    assert client.post(K + "delete?id=%d" % info["id"]).status_code == 404


def test_logging_is_required(client):
    # ApiKeyInfo.cs: "public required ApiKeyBodyLogging Logging"
    before = client.get(K + "list").json()
    for body in ({"type": "System", "systemApis": ["feeds"]},
                 {"type": "System", "systemApis": ["feeds"], "logging": None}):
        r = client.post(K + "create", json=body)
        assert r.status_code == 400 and "logging" in r.text
        assert r.headers["Content-Type"].startswith("text/plain")
    assert client.get(K + "list").json() == before


def test_full_control_stored_as_sent_or_expanded(client, sim):
    full = client.create_key(type="System", systemApis=["full-control"])
    assert full["systemApis"] == ["full-control"]
    sim.config(full_control_echo="expanded", apikey_create_reply="json")
    r = client.post(K + "create", json={"type": "System", "systemApis": ["full-control"], "logging": "None"})
    assert r.json()["systemApis"] == ["feeds", "sca", "sbom-upload"]
    listed = dict((k["id"], k["systemApis"]) for k in client.get(K + "list").json())
    assert listed[full["id"]] == listed[r.json()["id"]] == ["feeds", "sca", "sbom-upload"]
    assert client.get(K + "list", key=r.json()["key"]).status_code == 200


def test_verbs(client):
    info = client.create_key(type="System", systemApis=["feeds"])
    # docs apikeys/delete.md and pgutil: POST; create: POST
    assert client.request("DELETE", K + "delete?id=%d" % info["id"]).status_code == 405
    r = client.request("PUT", K + "create", json={"type": "System", "systemApis": ["feeds"], "logging": "None"})
    assert r.status_code == 405
    assert client.post(K + "list").status_code == 405
    assert [k["id"] for k in client.get(K + "list").json()].count(info["id"]) == 1
    assert len(client.get(K + "list").json()) == 2      # + sim-bootstrap


def test_custom_key_and_duplicate(client):
    r = client.post(K + "create", json={"type": "System", "systemApis": ["full-control"],
                                        "key": "my-chosen-secret", "logging": "None"})
    assert r.status_code == 200 and r.text == "my-chosen-secret"
    r = client.post(K + "create", json={"type": "System", "systemApis": ["feeds"],
                                        "key": "my-chosen-secret", "logging": "None"})
    assert r.status_code == 400
    assert client.get(K + "list", key="my-chosen-secret").status_code == 200
    assert len(client.get(K + "list").json()) == 2


def test_hashed_storage(client, sim):
    sim.config(key_storage="hashed")
    r = client.post(K + "create", json={"type": "System", "systemApis": ["full-control"], "logging": "None"})
    assert r.status_code == 200 and len(r.text) == 40   # shown once, as text
    listed = client.get(K + "list", key=r.text).json()
    assert listed and all(k["key"] is None for k in listed)
    assert r.text not in str(sim.state())  # only a hash is stored
    r = client.post(K + "create", json={"type": "System", "systemApis": ["feeds"], "key": "custom",
                                        "logging": "None"})
    assert r.status_code == 400
    assert len(client.get(K + "list").json()) == 2


def test_hashed_storage_from_cli(sim_factory):
    import requests
    s = sim_factory("--key-storage", "hashed", "--system-key", SYSTEM_KEY)
    h = {"X-ApiKey": SYSTEM_KEY}
    r = requests.post(s.url + "/api/api-keys/create", headers=h,
                      json={"type": "System", "systemApis": ["feeds"], "logging": "None"})
    assert r.status_code == 200 and len(r.text) == 40
    assert [k["key"] for k in requests.get(s.url + "/api/api-keys/list", headers=h).json()] == [None, None]


@pytest.mark.parametrize("body", [
    {},
    {"type": "Bogus"},
    {"type": "System"},
    {"type": "System", "systemApis": ["everything"]},
    {"type": "System", "systemApis": ["feeds"], "feed": "f"},
    {"type": "Feed", "packagePermissions": ["view"]},
    {"type": "Feed", "feed": "f", "feedGroup": "g", "packagePermissions": ["view"]},
    {"type": "Feed", "feed": "f"},
    {"type": "Feed", "feed": "f", "packagePermissions": ["own"]},
    {"type": "Feed", "feed": "nosuchfeed", "packagePermissions": ["view"]},
    {"type": "Personal"},
    {"type": "Personal", "user": "ghost"},
    {"type": "System", "systemApis": ["feeds"], "logging": "Verbose"},
    {"type": "System", "systemApis": ["feeds"], "expiration": "next tuesday"},
    {"type": "Other"},
])
def test_create_validation(client, body):
    client.create_feed("f")
    body = dict({"logging": "None"}, **body)
    r = client.post(K + "create", json=body)
    assert r.status_code == 400, body
    assert r.text
    assert len(client.get(K + "list").json()) == 1   # only sim-bootstrap


def test_enum_casing_and_kinds(client):
    client.create_feed("F1")
    fk = client.create_key(type="FEED", feed="f1", packagePermissions=["VIEW", "add"], logging="request")
    assert fk["type"] == "Feed" and fk["feed"] == "F1" and fk["packagePermissions"] == ["view", "add"]
    assert fk["logging"] == "Request"
    pk = client.create_key(type="personal", user="admin")
    assert pk["type"] == "Personal" and pk["user"] == "Admin" and pk["systemApis"] is None
    ek = client.create_key(type="System", systemApis=["feeds"], expiration="2030-01-01T00:00:00")
    assert ek["expiration"] == "2030-01-01T00:00:00"


def test_delete_bad_ids(client):
    assert client.post(K + "delete").status_code == 400
    assert client.post(K + "delete?id=abc").status_code == 400
    assert client.post(K + "delete?id=424242").status_code == 404


def test_needs_admin(client, sim):
    body = {"type": "System", "systemApis": ["feeds"], "logging": "None"}
    assert client.get(K + "list", key=None).status_code == 403
    assert client.post(K + "create", key=None, json=body).status_code == 403
    feeds = client.create_key(type="System", systemApis=["feeds"])
    assert client.get(K + "list", key=feeds["key"]).status_code == 403
    assert client.post(K + "delete?id=%d" % feeds["id"], key=feeds["key"]).status_code == 403
    assert client.post(K + "create", key=feeds["key"], json=body).status_code == 403
    assert len(client.get(K + "list").json()) == 2


def test_expiration_is_emitted_in_one_format(client):
    a = client.create_key(type="System", systemApis=["feeds"], expiration="2030-01-31")
    b = client.create_key(type="System", systemApis=["feeds"], expiration="2030-01-31T10:00:00+02:00")
    assert a["expiration"] == "2030-01-31T00:00:00" and b["expiration"] == "2030-01-31T08:00:00"
    listed = dict((k["id"], k["expiration"]) for k in client.get(K + "list").json())
    assert listed[a["id"]] == "2030-01-31T00:00:00" and listed[b["id"]] == "2030-01-31T08:00:00"


def test_generated_keys_are_unique_ids_never_reused(client):
    r = client.post(K + "create", json={"type": "System", "systemApis": ["feeds"], "key": "",
                                        "logging": "None"})
    a = [k for k in client.get(K + "list").json() if k["key"] == r.text][0]  # "" = generate one
    b = client.create_key(type="System", systemApis=["feeds"], displayName="same")
    c = client.create_key(type="System", systemApis=["feeds"], displayName="same")  # names are not unique
    assert len({a["key"], b["key"], c["key"]}) == 3 and a["displayName"] is None
    assert client.post(K + "delete?id=%d" % c["id"]).status_code == 200
    d = client.create_key(type="System", systemApis=["feeds"])
    assert d["id"] > c["id"]
    assert client.post(K + "delete?id=%20" + str(b["id"])).status_code == 200  # whitespace tolerated
    assert client.post(K + "delete?id=1.5").status_code == 400
