"""Authentication carriers, anonymous modes and key-kind permissions (proget-api.md §1).

Credentials that are presented but not accepted never fall back to the anonymous user: docs
packages/#.md "If the provided API key is either missing, unknown/incorrect or does not have
permission ... 403"; docs feeds/list.md "An error is not returned if the API Key is invalid"."""
import pytest
import requests

from conftest import FORBIDDEN, SYSTEM_KEY

FEEDS = "api/management/feeds/"
KEYS = "api/api-keys/list"


@pytest.fixture
def locked(client, sim):
    """The default sim (anonymous=none) with feeds a and b."""
    client.create_feed("a")
    client.create_feed("b", "npm")
    return client


def test_default_requires_a_key(client, sim):
    assert sim.get_config()["anonymous"] == "none"
    client.create_feed("a")
    r = client.get(FEEDS + "get/a", key=None)
    assert r.status_code == 403 and r.text == FORBIDDEN
    assert client.get(FEEDS + "list", key=None).json() == []   # lists filter silently
    r = client.post(FEEDS + "create", key=None, json={"name": "x", "feedType": "npm"})
    assert r.status_code == 403
    assert [f["name"] for f in client.get(FEEDS + "list").json()] == ["a"]
    assert client.get("health", key=None).status_code == 200      # never needs a key


def test_anonymous_admin_but_unknown_key_is_refused(client, sim):
    sim.config(anonymous="admin")
    assert client.get(KEYS, key=None).status_code == 200
    client.create_feed("anon", key=None)
    # an unknown key is not treated as anonymous: 403, and nothing is written
    r = client.get(KEYS, key="wrong-key")
    assert r.status_code == 403 and r.text == FORBIDDEN
    r = client.post(FEEDS + "create", key="wrong-key", json={"name": "x", "feedType": "npm"})
    assert r.status_code == 403 and r.text == FORBIDDEN
    assert client.get(FEEDS + "list", key="wrong-key").json() == []
    assert [f["name"] for f in client.get(FEEDS + "list").json()] == ["anon"]
    for creds in ({"auth": ("Admin", "wrong")}, {"headers": {"X-ApiKey": "Admin:wrong"}},
                  {"params": {"key": "nope"}}):
        assert client.get(KEYS, key=None, **creds).status_code == 403, creds
    assert [e["principal"] for e in sim.log() if e["status"] == 403][:2] == ["Invalid", "Invalid"]


def test_anonymous_view(client, sim):
    client.create_feed("a")
    sim.config(anonymous="view")
    assert [f["name"] for f in client.get(FEEDS + "list", key=None).json()] == ["a"]
    assert client.get(FEEDS + "get/a", key=None).status_code == 200
    assert client.get(FEEDS + "get/a", key="bogus").status_code == 403
    for r in [client.post(FEEDS + "create", key=None, json={"name": "x", "feedType": "npm"}),
              client.get("api/management/connectors/list", key=None), client.get(KEYS, key=None),
              client.get("api/licenses/list", key=None), client.get("api/settings/list", key=None),
              client.get("api/json/Feeds_GetFeeds", key=None)]:
        assert r.status_code == 403 and r.text == FORBIDDEN
    assert [f["name"] for f in client.get(FEEDS + "list").json()] == ["a"]


def test_anonymous_none(locked):
    c = locked
    assert c.get(FEEDS + "list", key=None).json() == []
    assert c.get(FEEDS + "list", key="bogus").json() == []
    r = c.get(FEEDS + "get/a", key=None)
    assert r.status_code == 403 and r.text == FORBIDDEN
    assert c.get(KEYS, key="bogus").status_code == 403
    assert c.post(FEEDS + "create", key=None, json={"name": "x", "feedType": "npm"}).status_code == 403
    assert len(c.get(FEEDS + "list").json()) == 2


def test_every_carrier(locked):
    c, k = locked, SYSTEM_KEY
    assert c.get(KEYS, headers={"X-ApiKey": k}).status_code == 200
    assert c.get(KEYS + "?key=" + k, key=None).status_code == 200
    assert c.get(KEYS + "?API_Key=" + k, key=None).status_code == 200
    assert c.get(KEYS, auth=("api", k)).status_code == 200
    assert c.get(KEYS, auth=("Admin", "Admin")).status_code == 200
    assert c.get(KEYS, auth=("Admin", "wrong")).status_code == 403
    assert c.get(KEYS, headers={"X-ApiKey": "Admin:Admin"}).status_code == 200
    assert c.get(KEYS, headers={"X-ApiKey": "Admin:nope"}).status_code == 403
    assert c.get(KEYS + "?key=Admin:Admin", key=None).status_code == 200
    # form field `key` only for x-www-form-urlencoded
    r = c.post("api/settings/set?name=Web.BaseUrl&value=x", key=None, data={"key": k})
    assert r.status_code == 200
    r = c.post("api/settings/set?name=Web.BaseUrl&value=y", key=None, data="key=" + k,
               headers={"Content-Type": "text/plain"})
    assert r.status_code == 403
    # API_Key JSON root property only for application/json
    r = c.post(FEEDS + "create", key=None, json={"name": "viajson", "feedType": "npm", "API_Key": k})
    assert r.status_code == 200 and "API_Key" not in r.json()
    r = c.post(FEEDS + "create", key=None, data='{"name": "x2", "feedType": "npm", "API_Key": "%s"}' % k,
               headers={"Content-Type": "text/plain"})
    assert r.status_code == 403
    r = c.post(FEEDS + "create", key=None, json={"name": "x3", "feedType": "npm", "inner": {"API_Key": k}})
    assert r.status_code == 403
    assert sorted(f["name"] for f in c.get(FEEDS + "list").json()) == ["a", "b", "viajson"]
    web = [s for s in c.get("api/settings/list").json() if s["name"] == "Web.BaseUrl"][0]
    assert web["value"] == "x"


def test_feed_key_permissions(locked, sim):
    c = locked
    k = c.create_key(type="Feed", feed="A", packagePermissions=["view"])["key"]
    assert c.get(FEEDS + "get/a", key=k).status_code == 200
    r = c.get(FEEDS + "get/b", key=k)
    assert r.status_code == 403 and r.text == FORBIDDEN
    assert [f["name"] for f in c.get(FEEDS + "list", key=k).json()] == ["a"]
    for r in [c.post(FEEDS + "create", key=k, json={"name": "n", "feedType": "npm"}),
              c.post(FEEDS + "update/a", key=k, json={"description": "x"}),
              c.request("DELETE", FEEDS + "delete/a", key=k),
              c.get("api/management/connectors/list", key=k),
              c.get("api/licenses/list", key=k), c.get(KEYS, key=k),
              c.get("api/settings/list", key=k), c.get("api/json/Feeds_GetFeeds", key=k)]:
        assert r.status_code == 403
    assert c.get(FEEDS + "get/a").json()["description"] is None
    # a feed key without view cannot read its own feed
    k2 = c.create_key(type="Feed", feed="a", packagePermissions=["add"])["key"]
    assert c.get(FEEDS + "get/a", key=k2).status_code == 403
    # restricted keys are not widened by an "admin" anonymous mode
    sim.config(anonymous="admin")
    assert c.get(FEEDS + "get/b", key=k).status_code == 403


def test_system_key_permissions(locked):
    c = locked
    feeds = c.create_key(type="System", systemApis=["feeds"])["key"]
    assert len(c.get(FEEDS + "list", key=feeds).json()) == 2
    assert c.post(FEEDS + "create", key=feeds, json={"name": "n", "feedType": "npm"}).status_code == 200
    assert c.post(FEEDS + "update/n", key=feeds, json={"active": False}).status_code == 200
    assert c.request("DELETE", FEEDS + "delete/n", key=feeds).status_code == 200
    assert c.get("api/management/connectors/list", key=feeds).status_code == 200
    for r in [c.get("api/licenses/list", key=feeds), c.get(KEYS, key=feeds),
              c.get("api/settings/list", key=feeds), c.get("api/json/Feeds_GetFeeds", key=feeds)]:
        assert r.status_code == 403
    sca = c.create_key(type="System", systemApis=["sca", "sbom-upload"])["key"]
    assert c.get(FEEDS + "list", key=sca).json() == []
    assert c.get(FEEDS + "get/a", key=sca).status_code == 403


def test_three_system_apis_are_full_control(locked):
    # pgutil ApiKeys/Create/SystemCommand.cs sends ["feeds","sca","sbom-upload"] for full-control
    c = locked
    k = c.create_key(type="System", systemApis=["feeds", "sca", "sbom-upload"])["key"]
    for path in (KEYS, "api/licenses/list", "api/settings/list", "api/json/Feeds_GetFeeds"):
        assert c.get(path, key=k).status_code == 200, path
    assert c.post("api/licenses/add", key=k, json={"code": "MIT", "title": "MIT"}).status_code == 200
    assert [x["code"] for x in c.get("api/licenses/list").json()] == ["MIT"]
    two = c.create_key(type="System", systemApis=["feeds", "sca"])["key"]
    assert c.get("api/licenses/list", key=two).status_code == 403


def test_personal_key_and_users(locked, sim):
    c = locked
    sim.add_user("viewer", "pw", ["Feeds_ViewFeed"])
    sim.add_user("feedadmin", "pw", ["Admin_ManageFeed"])
    sim.add_user("ops", "pw", ["Administer"])
    pv = c.create_key(type="Personal", user="viewer")["key"]
    assert len(c.get(FEEDS + "list", key=pv).json()) == 2
    assert c.post(FEEDS + "create", key=pv, json={"name": "n", "feedType": "npm"}).status_code == 403
    assert c.post(FEEDS + "create", key="feedadmin:pw", json={"name": "n", "feedType": "npm"}).status_code == 200
    assert c.get("api/management/connectors/list", key="feedadmin:pw").status_code == 403
    assert c.get(KEYS, auth=("ops", "pw")).status_code == 200
    assert c.get(KEYS, key="viewer:pw").status_code == 403


def test_expired_key_is_invalid(locked):
    c = locked
    k = c.create_key(type="System", systemApis=["full-control"], expiration="2001-01-01T00:00:00")["key"]
    assert c.get(KEYS, key=k).status_code == 403
    k = c.create_key(type="System", systemApis=["full-control"], expiration="2999-01-01T00:00:00Z")["key"]
    assert c.get(KEYS, key=k).status_code == 200


def test_deleted_key_stops_working(locked):
    c = locked
    info = c.create_key(type="System", systemApis=["full-control"])
    assert c.get(KEYS, key=info["key"]).status_code == 200
    assert c.post("api/api-keys/delete?id=%d" % info["id"]).status_code == 200
    assert c.get(KEYS, key=info["key"]).status_code == 403


def test_cli_anonymous_admin(sim_factory):
    s = sim_factory("--anonymous", "admin")
    assert requests.get(s.url + "/" + KEYS).status_code == 200
    assert requests.get(s.url + "/" + KEYS, headers={"X-ApiKey": "unknown"}).status_code == 403
