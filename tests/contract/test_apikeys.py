"""API Keys API (proget-api.md §4)."""
import re

import pytest

from conftest import SYSTEM_KEY

K = "api/api-keys/"
FIELDS = {"id", "type", "key", "displayName", "description", "systemApis", "packagePermissions",
          "feed", "feedGroup", "user", "expiration", "logging"}


def test_create_list_delete_plain(client):
    r = client.post(K + "create", json={"type": "system", "systemApis": ["Feeds", "sca"],
                                        "displayName": "ci", "logging": "both"})
    assert r.status_code == 201
    info = r.json()
    assert set(info) == FIELDS
    assert re.match(r"^[0-9a-f]{40}$", info["key"])
    assert info["type"] == "System" and info["logging"] == "Both"
    assert info["systemApis"] == ["feeds", "sca"] and info["id"] >= 1000
    listed = [k for k in client.get(K + "list").json() if k["id"] == info["id"]][0]
    assert listed == info  # plain storage shows the key
    other = client.create_key(type="Feed", feedGroup="grp", packagePermissions=["view"])
    assert other["id"] > info["id"] and other["logging"] == "None"
    assert other["feedGroup"] == "grp" and other["feed"] is None
    assert client.post(K + "delete?id=%d" % info["id"]).status_code == 200
    assert info["id"] not in [k["id"] for k in client.get(K + "list").json()]
    assert client.post(K + "delete?id=%d" % info["id"]).status_code == 404


def test_custom_key_and_duplicate(client):
    r = client.post(K + "create", json={"type": "System", "systemApis": ["full-control"],
                                        "key": "my-chosen-secret"})
    assert r.status_code == 201 and r.json()["key"] == "my-chosen-secret"
    r = client.post(K + "create", json={"type": "System", "systemApis": ["feeds"],
                                        "key": "my-chosen-secret"})
    assert r.status_code == 400
    assert client.get(K + "list", key="my-chosen-secret").status_code == 200


def test_hashed_storage(client, sim):
    sim.config(key_storage="hashed", anonymous="none")
    info = client.create_key(key=SYSTEM_KEY, type="System", systemApis=["full-control"])
    assert len(info["key"]) == 40
    listed = client.get(K + "list", key=info["key"]).json()
    assert listed and all(k["key"] is None for k in listed)
    assert client.get(K + "list", key=info["key"]).status_code == 200  # auth still works
    assert info["key"] not in str(sim.state())  # only a hash is stored
    r = client.post(K + "create", key=SYSTEM_KEY, json={"type": "System", "systemApis": ["feeds"],
                                                        "key": "custom"})
    assert r.status_code == 400


def test_hashed_storage_from_cli(sim_factory):
    import requests
    s = sim_factory("--key-storage", "hashed")
    r = requests.post(s.url + "/api/api-keys/create", json={"type": "System", "systemApis": ["feeds"]})
    assert r.status_code == 201 and r.json()["key"]
    assert requests.get(s.url + "/api/api-keys/list").json()[0]["key"] is None


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
    r = client.post(K + "create", json=body)
    assert r.status_code == 400, body
    assert r.text


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
    sim.config(anonymous="none")
    assert client.get(K + "list").status_code == 403
    assert client.post(K + "create", json={"type": "System", "systemApis": ["feeds"]}).status_code == 403
    feeds = client.create_key(key=SYSTEM_KEY, type="System", systemApis=["feeds"])
    assert client.get(K + "list", key=feeds["key"]).status_code == 403
    assert client.post(K + "delete?id=%d" % feeds["id"], key=feeds["key"]).status_code == 403


def test_expiration_is_emitted_in_one_format(client):
    a = client.create_key(type="System", systemApis=["feeds"], expiration="2030-01-31")
    b = client.create_key(type="System", systemApis=["feeds"], expiration="2030-01-31T10:00:00+02:00")
    assert a["expiration"] == "2030-01-31T00:00:00" and b["expiration"] == "2030-01-31T08:00:00"
    listed = dict((k["id"], k["expiration"]) for k in client.get(K + "list").json())
    assert listed[a["id"]] == "2030-01-31T00:00:00" and listed[b["id"]] == "2030-01-31T08:00:00"


def test_generated_keys_are_unique_ids_never_reused(client):
    a = client.create_key(type="System", systemApis=["feeds"], key="")
    b = client.create_key(type="System", systemApis=["feeds"], displayName="same")
    c = client.create_key(type="System", systemApis=["feeds"], displayName="same")  # names are not unique
    assert len({a["key"], b["key"], c["key"]}) == 3 and a["displayName"] is None
    assert client.post(K + "delete?id=%d" % c["id"]).status_code == 200
    d = client.create_key(type="System", systemApis=["feeds"])
    assert d["id"] > c["id"]
    assert client.post(K + "delete?id=%20" + str(b["id"])).status_code == 200  # whitespace tolerated
    assert client.post(K + "delete?id=1.5").status_code == 400
