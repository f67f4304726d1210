"""Settings API (proget-api.md §9.2)."""
from conftest import SYSTEM_KEY

S = "api/settings/"


def settings(client, show_all="False"):
    r = client.get(S + "list?showAll=" + show_all)
    assert r.status_code == 200
    return dict((s["name"], s) for s in r.json())


def test_list_shape_and_hidden(client):
    vis = settings(client)
    for name in ("Licensing.Key", "Web.BaseUrl", "Storage.PackagesRootPath",
                 "Feeds.AllowUnknownLicenseDownloads", "FeedRetentionDryRun",
                 "Diagnostics.MinimumLogLevel"):
        assert name in vis
    for s in vis.values():
        assert set(s) == {"name", "value", "description", "valueType"}
        assert s["valueType"] in ("Text", "Integer", "Boolean")
    assert vis["Feeds.AllowUnknownLicenseDownloads"]["valueType"] == "Boolean"
    assert vis["FeedRetentionDryRun"]["valueType"] == "Boolean"
    assert vis["Diagnostics.MinimumLogLevel"]["valueType"] == "Integer"
    every = settings(client, "True")
    assert set(vis) < set(every)


def test_set_stores_values_verbatim(client):
    # no source describes value validation (pgutil SetSettingAsync sends name and value only)
    assert client.post(S + "set?name=Web.BaseUrl&value=https://proget.example/").status_code == 200
    assert settings(client)["Web.BaseUrl"]["value"] == "https://proget.example/"
    assert client.post(S + "set?name=FeedRetentionDryRun&value=true").status_code == 200
    assert settings(client)["FeedRetentionDryRun"]["value"] == "true"
    assert client.post(S + "set?name=FeedRetentionDryRun&value=maybe").status_code == 200
    assert settings(client)["FeedRetentionDryRun"]["value"] == "maybe"
    assert client.post(S + "set?name=Diagnostics.MinimumLogLevel&value=abc").status_code == 200
    assert settings(client)["Diagnostics.MinimumLogLevel"] == {
        "name": "Diagnostics.MinimumLogLevel", "value": "abc", "valueType": "Integer",
        "description": "Minimum level of messages written to the diagnostic center."}
    assert client.post(S + "set?name=Custom.Thing&value=1").status_code == 200
    assert settings(client, "True")["Custom.Thing"]["value"] == "1"
    assert client.post(S + "set?value=1").status_code == 400
    assert client.post(S + "set?name=Web.BaseUrl&value=").status_code == 200
    assert settings(client)["Web.BaseUrl"]["value"] in (None, "")


def test_verbs(client):
    # pgutil ProGetClient.cs: list GET, set POST
    assert client.request("PUT", S + "set?name=Web.BaseUrl&value=x").status_code == 405
    assert client.post(S + "list").status_code == 405
    assert settings(client)["Web.BaseUrl"]["value"] is None


def test_licensing_key_makes_licensed(sim_factory):
    import requests
    s = sim_factory("--unlicensed", "--system-key", SYSTEM_KEY)
    assert requests.get(s.url + "/health").status_code == 500
    r = requests.post(s.url + "/api/settings/set?name=Licensing.Key&value=ABCD-1234",
                      headers={"X-ApiKey": SYSTEM_KEY})
    assert r.status_code == 200
    h = requests.get(s.url + "/health")
    assert h.status_code == 200 and h.json()["licenseStatus"] == "OK"


def test_needs_admin(client, sim):
    assert client.get(S + "list?showAll=False", key=None).status_code == 403
    assert client.post(S + "set?name=Web.BaseUrl&value=x", key=None).status_code == 403
    assert client.get(S + "list?showAll=False", key="Admin:Admin").status_code == 200
    k = client.create_key(type="System", systemApis=["feeds", "sca"])["key"]
    assert client.get(S + "list", key=k).status_code == 403
    assert client.post(S + "set?name=Web.BaseUrl&value=y", key=k).status_code == 403
    assert settings(client)["Web.BaseUrl"]["value"] is None
