"""Feed Management API (proget-api.md §2)."""
import pytest

from conftest import FORBIDDEN

F = "api/management/feeds/"


def test_create_get_list_delete(client):
    r = client.post(F + "create", json={"name": "Main", "feedType": "NuGet"})
    assert r.status_code == 200
    feed = r.json()
    assert feed["name"] == "Main" and feed["feedType"] == "nuget"
    for k in ("alternateNames", "description", "active", "cacheConnectors", "dropPath",
              "packagesPath", "packageStore", "allowUnknownLicenses", "allowedLicenses",
              "blockedLicenses", "symbolServerEnabled", "stripSymbols", "stripSource",
              "stripSignature", "useApiV3", "endpointUrl", "connectors", "vulnerabilitySources",
              "retentionRules", "packageFilters", "packageAccessRules", "variables", "canPublish",
              "packageStatisticsEnabled", "restrictPackageStatistics", "deploymentRecordsEnabled",
              "usageRecordsEnabled", "vulnerabilitiesEnabled", "licensesEnabled",
              "useWithProjects", "retentionRulesEnabled"):
        assert k in feed, k
    assert feed["endpointUrl"] == client.sim.url + "/nuget/Main/v3/index.json"
    assert feed["canPublish"] is True and feed["active"] is True
    assert "id" not in feed and "_id" not in feed
    assert client.get(F + "get/Main").json() == feed
    assert client.get(F + "list").json() == [feed]
    r = client.request("DELETE", F + "delete/Main")
    assert r.status_code == 200 and r.text == ""
    assert client.get(F + "list").json() == []
    assert client.get(F + "get/Main").status_code == 404


def test_create_with_put_and_all_fields(client):
    body = {"name": "full", "feedType": "npm", "description": "d", "active": False,
            "alternateNames": ["full-old"], "dropPath": "/drop", "packagesPath": "/pk",
            "allowedLicenses": ["MIT"], "variables": {"Env": "prod"},
            "retentionRules": [{"keepVersionsCount": 3}], "packageFilters": {},
            "vulnerabilitiesEnabled": False}
    r = client.request("PUT", F + "create", json=body)
    assert r.status_code == 200, r.text
    f = r.json()
    assert f["description"] == "d" and f["active"] is False and f["alternateNames"] == ["full-old"]
    assert f["dropPath"] == "/drop" and f["packagesPath"] == "/pk"
    assert f["variables"] == {"Env": "prod"} and f["vulnerabilitiesEnabled"] is False
    assert f["retentionRules"] == [{"deletePrereleaseVersions": False, "deleteCached": False,
                                    "keepVersionsCount": 3, "sizeExclusive": False,
                                    "keepIfActivelyConsumed": False}]


def test_post_back_what_was_got(client):
    f = client.create_feed("roundtrip", "pypi", description="x")
    r = client.post(F + "update/roundtrip", json=f)
    assert r.status_code == 200, r.text
    assert r.json() == f


@pytest.mark.parametrize("body,text", [
    ({"feedType": "nuget"}, "feed name is required"),
    ({"name": "", "feedType": "nuget"}, "feed name is required"),
    ({"name": "x"}, "feed type is required"),
    ({"name": "x", "feedType": "nugget"}, "invalid feed type"),
])
def test_create_validation(client, body, text):
    r = client.post(F + "create", json=body)
    assert r.status_code == 400
    assert text in r.text
    assert r.headers["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize("name", ["my feed", "a/b", "a%b", "caf\u00e9", "x?y", "a#b"])
def test_names_needing_url_escaping_rejected(client, name):
    r = client.post(F + "create", json={"name": name, "feedType": "nuget"})
    assert r.status_code == 400, name


def test_malformed_json(client):
    r = client.post(F + "create", data=b'{"name": "x",', headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.headers["Content-Type"].startswith("text/plain")
    r = client.post(F + "create", json=["not", "an", "object"])
    assert r.status_code == 400
    client.create_feed("m")
    r = client.post(F + "update/m", data=b"{", headers={"Content-Type": "application/json"})
    assert r.status_code == 400


def test_all_feed_types(client):
    types = ["universal", "nuget", "chocolatey", "npm", "maven", "powershell", "docker",
             "rubygems", "vsix", "asset", "romp", "pypi", "helm", "rpm", "conda", "cran", "cargo",
             "composer", "conan", "pub", "terraform", "apk", "debian", "bower"]
    for i, t in enumerate(types):
        assert client.create_feed("f%d" % i, t.upper())["feedType"] == t


def test_duplicate_and_case_insensitive_names(client):
    client.create_feed("MyFeed")
    r = client.post(F + "create", json={"name": "myfeed", "feedType": "npm"})
    assert r.status_code == 400
    g = client.get(F + "get/MYFEED")
    assert g.status_code == 200 and g.json()["name"] == "MyFeed"
    u = client.post(F + "update/myFEED", json={"description": "x"})
    assert u.status_code == 200 and u.json()["name"] == "MyFeed"
    assert client.request("DELETE", F + "delete/myfeed").status_code == 200
    assert client.get(F + "list").json() == []


def test_unknown_feed_404(client):
    for method, path in [("GET", "get/nope"), ("POST", "update/nope"), ("DELETE", "delete/nope")]:
        r = client.request(method, F + path, json={} if path.startswith("update") else None)
        assert r.status_code == 404, (method, path)
        assert r.text and r.headers["Content-Type"].startswith("text/plain")


def test_partial_update_keeps_other_fields_and_null_clears(client):
    client.create_feed("p", description="keep me", dropPath="/d", alternateNames=["a1"],
                       variables={"A": "1"})
    f = client.post(F + "update/p", json={"active": False}).json()
    assert f["description"] == "keep me" and f["dropPath"] == "/d" and f["active"] is False
    assert f["alternateNames"] == ["a1"] and f["variables"] == {"A": "1"}
    # null on a non-nullable field keeps it; explicit null on a nullable one clears
    f = client.post(F + "update/p", json={"active": None, "description": None}).json()
    assert f["active"] is False and f["description"] is None and f["dropPath"] == "/d"
    r = client.post(F + "update/p", json={"dropPath": None})
    assert r.status_code == 200 and r.json()["dropPath"] is None


def test_undocumented_verbs_are_405(client):
    # docs feeds/get.md GET, update.md POST, delete.md DELETE (pgutil the same)
    client.create_feed("v", description="d")
    for method, path in [("POST", "get/v"), ("PATCH", "update/v"), ("PUT", "update/v"),
                         ("POST", "delete/v"), ("POST", "list"), ("GET", "create"),
                         ("PATCH", "create")]:
        r = client.request(method, F + path, json={"description": "changed"})
        assert r.status_code == 405, (method, path)
        assert r.text and r.headers["Content-Type"].startswith("text/plain")
    assert client.get(F + "get/v").json()["description"] == "d"
    assert [f["name"] for f in client.get(F + "list").json()] == ["v"]


def test_arrays_and_maps_replace(client):
    client.create_connector("c1")
    client.create_connector("c2")
    client.create_feed("arr", connectors=["c1", "c2"], alternateNames=["x", "y"],
                       variables={"A": "1", "B": "2"},
                       retentionRules=[{"keepVersionsCount": 1}, {"deleteCached": True}])
    f = client.post(F + "update/arr", json={"connectors": ["C2"], "alternateNames": [],
                                            "variables": {"C": "3"},
                                            "retentionRules": [{"keepUsedWithinDays": 5}]}).json()
    assert f["connectors"] == ["c2"]
    assert f["alternateNames"] == [] and f["variables"] == {"C": "3"}
    assert [r.get("keepUsedWithinDays") for r in f["retentionRules"]] == [5]
    f = client.post(F + "update/arr", json={"connectors": [], "variables": {}}).json()
    assert f["connectors"] == [] and f["variables"] == {}


def test_retention_rules_order_booleans_unknown_keys(client):
    rules = [{"deletePackageIds": ["a*"], "keepVersionsCount": 2, "someUiOnlyRule": {"x": 1}},
             {"deletePrereleaseVersions": True, "sizeTriggerKb": 100, "sizeExclusive": True}]
    f = client.create_feed("ret", retentionRules=rules)
    out = f["retentionRules"]
    assert out[0]["deletePackageIds"] == ["a*"] and out[0]["someUiOnlyRule"] == {"x": 1}
    for r in out:
        for b in ("deletePrereleaseVersions", "deleteCached", "sizeExclusive",
                  "keepIfActivelyConsumed"):
            assert isinstance(r[b], bool)
    assert out[1]["deletePrereleaseVersions"] is True and out[1]["sizeTriggerKb"] == 100
    r = client.post(F + "update/ret", json={"retentionRules": [{"keepVersionsCount": "x"}]})
    assert r.status_code == 400


def test_type_change_rule(client):
    client.create_feed("n", "nuget")
    assert client.post(F + "update/n", json={"feedType": "Chocolatey"}).json()["feedType"] == "chocolatey"
    assert client.post(F + "update/n", json={"feedType": "powershell"}).status_code == 200
    r = client.post(F + "update/n", json={"feedType": "npm"})
    assert r.status_code == 400 and r.text
    client.create_feed("u", "universal")
    assert client.post(F + "update/u", json={"feedType": "romp"}).status_code == 200
    assert client.post(F + "update/u", json={"feedType": "nuget"}).status_code == 400
    assert client.post(F + "update/u", json={"feedType": "bogus"}).status_code == 400
    assert client.post(F + "update/u", json={"feedType": "ROMP"}).status_code == 200


def test_unknown_connector_400(client):
    # 2024-07 feeds create/update pages: "400 (Invalid Input)"; no source gives 422
    r = client.post(F + "create", json={"name": "c", "feedType": "nuget", "connectors": ["X"]})
    assert r.status_code == 400 and r.text == "connector 'X' does not exist"
    assert client.get(F + "list").json() == []
    client.create_feed("c")
    r = client.post(F + "update/c", json={"connectors": ["nope"]})
    assert r.status_code == 400 and "nope" in r.text
    assert client.get(F + "get/c").json()["connectors"] == []


def test_variables(client):
    # docs feed example JSON: "variables"; the other name is an unknown property (ignored)
    f = client.create_feed("v", variables={"Good Name_1": "x"}, variableDictionary={"B": "y"})
    assert f["variables"] == {"Good Name_1": "x"} and "variableDictionary" not in f
    for bad in ["1abc", "abc-", "abc_", "abc ", "a" * 51, "a.b", ""]:
        r = client.post(F + "update/v", json={"variables": {bad: "x"}})
        assert r.status_code == 400, bad
    assert client.post(F + "update/v", json={"variableDictionary": {}}).json()["variables"] == {"Good Name_1": "x"}
    assert client.get(F + "get/v").json()["variables"] == {"Good Name_1": "x"}


def test_variables_named_variable_dictionary(client, sim):
    # pgutil ProGetFeed.cs: VariableDictionary -> "variableDictionary"
    sim.config(feed_variables_name="variableDictionary")
    f = client.create_feed("v", variableDictionary={"A": "1"}, variables={"B": "2"})
    assert f["variableDictionary"] == {"A": "1"} and "variables" not in f
    assert client.post(F + "update/v", json={"variables": {}}).json()["variableDictionary"] == {"A": "1"}
    r = client.post(F + "update/v", json={"variableDictionary": {"C": "3"}})
    assert r.json()["variableDictionary"] == {"C": "3"}
    assert client.post(F + "update/v", json={"variableDictionary": {"1bad": "x"}}).status_code == 400
    assert client.get(F + "get/v").json()["variableDictionary"] == {"C": "3"}
    sim.config(feed_variables_name="variables")
    assert client.get(F + "get/v").json()["variables"] == {"C": "3"}


def test_size_trigger_kb_is_a_long(client):
    # RetentionRule.cs: long? SizeTriggerKb; the other counts are int?
    big = 2 ** 63 - 1
    f = client.create_feed("r", retentionRules=[{"sizeTriggerKb": 3 * 2 ** 31}, {"sizeTriggerKb": big}])
    assert [r["sizeTriggerKb"] for r in f["retentionRules"]] == [3 * 2 ** 31, big]
    assert [r["sizeTriggerKb"] for r in client.get(F + "get/r").json()["retentionRules"]] == [3 * 2 ** 31, big]
    for rule in ({"sizeTriggerKb": big + 1}, {"keepVersionsCount": 2 ** 31}):
        assert client.post(F + "update/r", json={"retentionRules": [rule]}).status_code == 400, rule
    assert len(client.get(F + "get/r").json()["retentionRules"]) == 2


def test_bad_field_types(client):
    client.create_feed("t")
    for body in [{"active": "yes"}, {"alternateNames": "x"}, {"variables": ["a"]},
                 {"description": 5}, {"connectors": [1]}]:
        assert client.post(F + "update/t", json=body).status_code == 400, body


def test_unknown_and_readonly_fields_ignored(client):
    f = client.create_feed("ro", endpointUrl="http://evil/", canPublish=False, bogus=1)
    assert f["canPublish"] is True and f["endpointUrl"].startswith(client.sim.url)
    assert "bogus" not in f


def test_delete_connector_detaches_from_feeds(client):
    client.create_connector("up")
    client.create_feed("uses", connectors=["up"])
    assert client.post("api/management/connectors/delete/up").status_code == 200
    assert client.get(F + "get/uses").json()["connectors"] == []


def test_feed_manage_forbidden_text(client, sim):
    sim.config(anonymous="view")
    client.create_feed("v1", key="Admin:Admin")
    assert client.get(F + "list", key=None).json()[0]["name"] == "v1"
    assert client.get(F + "get/v1", key=None).status_code == 200
    r = client.post(F + "create", key=None, json={"name": "v2", "feedType": "npm"})
    assert r.status_code == 403 and r.text == FORBIDDEN
    assert client.post(F + "update/v1", key=None, json={"active": False}).status_code == 403
    assert client.request("DELETE", F + "delete/v1", key=None).status_code == 403
    assert [(f["name"], f["active"]) for f in client.get(F + "list").json()] == [("v1", True)]
