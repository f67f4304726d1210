"""Native API /api/json/{Method} (proget-api.md §7)."""
import base64

from conftest import FORBIDDEN, SYSTEM_KEY

N = "api/json/"


def test_create_feed_shows_in_http_api(client):
    r = client.post(N + "Feeds_CreateFeed", json={"Feed_Name": "NativeFeed", "FeedType_Name": "NuGet"})
    assert r.status_code == 200
    fid = r.json()
    assert isinstance(fid, int)
    f = client.get("api/management/feeds/get/nativefeed").json()
    assert f["name"] == "NativeFeed" and f["feedType"] == "nuget"
    row = client.get(N + "Feeds_GetFeed?Feed_Id=%d" % fid).json()
    assert row["Feed_Id"] == fid and row["Feed_Name"] == "NativeFeed"
    assert row["Active_Indicator"] is True and row["FeedType_Name"].lower() == "nuget"
    assert client.get(N + "Feeds_GetFeed?Feed_Name=NATIVEFEED").json()["Feed_Id"] == fid


def test_get_feeds_set_property_delete(client):
    client.create_feed("a")
    client.create_feed("b", "npm")
    rows = client.get(N + "Feeds_GetFeeds").json()
    assert [r["Feed_Name"] for r in rows] == ["a", "b"]
    bid = rows[1]["Feed_Id"]
    # form-encoded arguments
    r = client.post(N + "Feeds_SetFeedProperty", data={"Feed_Id": str(bid), "Active_Indicator": "N",
                                                       "Feed_Description": "from native"})
    assert r.status_code == 200 and r.text == ""
    f = client.get("api/management/feeds/get/b").json()
    assert f["active"] is False and f["description"] == "from native"
    assert [r["Feed_Name"] for r in client.get(N + "Feeds_GetFeeds?IncludeInactive_Indicator=N").json()] == ["a"]
    assert len(client.get(N + "Feeds_GetFeeds?IncludeInactive_Indicator=Y").json()) == 2
    assert client.post(N + "Feeds_DeleteFeed?Feed_Id=%d" % bid).status_code == 200
    assert client.get("api/management/feeds/get/b").status_code == 404


def test_connectors_and_feed_connectors(client):
    r = client.post(N + "Connectors_CreateOrUpdateConnector", json={
        "Connector_Name": "nuget.org", "FeedType_Name": "nuget",
        "Connector_Url": "https://api.nuget.org/v3/index.json", "Filter_Csv": "a,!b",
        "User_Name": "u", "Password_Bytes": base64.b64encode(b"pw").decode(), "Timeout_Period": 15})
    assert r.status_code == 200
    cid = r.json()
    c = client.get("api/management/connectors/get/nuget.org").json()
    assert c["filters"] == ["a", "!b"] and c["timeout"] == 15 and "password" not in c
    rows = client.get(N + "Connectors_GetConnectors").json()
    assert rows[0]["Connector_Id"] == cid and rows[0]["Connector_Name"] == "nuget.org"
    assert rows[0]["Connector_Url"] == "https://api.nuget.org/v3/index.json"
    assert client.get(N + "Connectors_GetConnector?Connector_Id=%d" % cid).json()["Connector_Id"] == cid
    # update via Connector_Id
    client.post(N + "Connectors_CreateOrUpdateConnector", json={"Connector_Id": cid, "Timeout_Period": 20})
    assert client.get("api/management/connectors/get/nuget.org").json()["timeout"] == 20
    fid = client.post(N + "Feeds_CreateFeed", json={"Feed_Name": "f", "FeedType_Name": "nuget"}).json()
    assert client.post(N + "Feeds_AddFeedConnector", json={"Feed_Id": fid, "Connector_Id": cid}).status_code == 200
    assert client.get("api/management/feeds/get/f").json()["connectors"] == ["nuget.org"]
    fc = client.get(N + "Feeds_GetFeedConnectors?Feed_Id=%d" % fid).json()
    assert fc[0]["Connector_Id"] == cid and fc[0]["Feed_Id"] == fid
    assert len(client.get(N + "Connectors_GetConnectors?Feed_Id=%d" % fid).json()) == 1
    client.post(N + "Feeds_DeleteFeedConnector", json={"Feed_Id": fid, "Connector_Id": cid})
    assert client.get("api/management/feeds/get/f").json()["connectors"] == []
    client.post(N + "Connectors_DeleteConnector?Connector_Id=%d" % cid)
    assert client.get("api/management/connectors/list").json() == []


def test_configuration(client):
    rows = client.get(N + "Configuration_GetConfiguration").json()
    assert any(r["Key_Name"] == "Web.BaseUrl" for r in rows)
    assert client.post(N + "Configuration_SetValue", json={"Key_Name": "Web.BaseUrl",
                                                           "Value_Text": "https://p/"}).status_code == 200
    assert client.get(N + "Configuration_GetValue?Key_Name=Web.BaseUrl").json() == "https://p/"
    s = [x for x in client.get("api/settings/list").json() if x["name"] == "Web.BaseUrl"][0]
    assert s["value"] == "https://p/"


def test_licenses(client):
    client.post("api/licenses/add", json={"code": "MIT", "title": "MIT", "urls": ["https://x.org/mit"]})
    data = client.get(N + "Licenses_GetLicenses").json()
    lic = data["Licenses"][0]
    assert lic["External_Id"] == "MIT" and data["LicenseUrls"][0]["License_Url"] == "https://x.org/mit"
    assert client.post(N + "Licenses_DeleteLicense?License_Id=%d" % lic["License_Id"]).status_code == 200
    assert client.get("api/licenses/list").json() == []


def test_errors(client):
    r = client.get(N + "No_SuchMethod")
    assert r.status_code == 404 and r.text
    r = client.post(N + "Feeds_CreateFeed", json={"FeedType_Name": "nuget"})
    assert r.status_code == 400 and "Feed_Name" in r.text
    r = client.post(N + "Feeds_DeleteFeed", json={"Feed_Id": "abc"})
    assert r.status_code == 400 and "Feed_Id" in r.text
    r = client.post(N + "Feeds_SetFeedProperty", json={})
    assert r.status_code == 400 and "Feed_Id" in r.text
    r = client.post(N + "Feeds_CreateFeed", json={"Feed_Name": "x", "FeedType_Name": "bogus"})
    assert r.status_code == 400
    r = client.post(N + "Feeds_CreateFeed", data=b"{", headers={"Content-Type": "application/json"})
    assert r.status_code == 400


def test_key_carriers_and_permission(client, sim):
    r = client.get(N + "Feeds_GetFeeds", key=None)
    assert r.status_code == 403 and r.text == FORBIDDEN
    assert client.get(N + "Feeds_GetFeeds?key=" + SYSTEM_KEY, key=None).status_code == 200
    assert client.get(N + "Feeds_GetFeeds?API_Key=" + SYSTEM_KEY, key=None).status_code == 200
    assert client.get(N + "Feeds_GetFeeds", key=SYSTEM_KEY).status_code == 200
    r = client.post(N + "Feeds_CreateFeed", key=None, json={"Feed_Name": "j", "FeedType_Name": "npm",
                                                            "API_Key": SYSTEM_KEY})
    assert r.status_code == 200
    r = client.post(N + "Feeds_CreateFeed", key=None, data={"Feed_Name": "k", "FeedType_Name": "npm",
                                                            "key": SYSTEM_KEY})
    assert r.status_code == 200
    feeds = client.create_key(type="System", systemApis=["feeds"])["key"]
    assert client.get(N + "Feeds_GetFeeds", key=feeds).status_code == 403
    r = client.post(N + "Feeds_CreateFeed", key="bogus", json={"Feed_Name": "x", "FeedType_Name": "npm"})
    assert r.status_code == 403
    assert [f["name"] for f in client.get("api/management/feeds/list").json()] == ["j", "k"]


def test_connector_methods_take_query_form_and_json_arguments(client):
    # query string
    r = client.post(N + "Connectors_CreateOrUpdateConnector?Connector_Name=q&FeedType_Name=npm"
                    "&Connector_Url=https://registry.npmjs.org&MetadataCache_Enabled_Indicator=Y"
                    "&MetadataCache_Minutes=5&MetadataCache_Count=7")
    assert r.status_code == 200
    qid = r.json()
    # form fields
    r = client.post(N + "Connectors_CreateOrUpdateConnector", data={
        "Connector_Name": "form", "FeedType_Name": "PyPI", "Connector_Url": "https://pypi.org/simple",
        "Filter_Csv": "requests,!evil*"})
    assert r.status_code == 200
    c = client.get("api/management/connectors/get/q").json()
    assert (c["metadataCacheEnabled"], c["metadataCacheMinutes"], c["metadataCacheCount"]) == (True, 5, 7)
    assert client.get("api/management/connectors/get/form").json()["filters"] == ["requests", "!evil*"]
    row = client.get(N + "Connectors_GetConnector", params={"Connector_Id": qid}).json()
    assert set(row) >= {"Connector_Id", "Connector_Name", "FeedType_Name", "Connector_Url", "Filter_Csv",
                        "User_Name", "Timeout_Period", "MetadataCache_Enabled_Indicator",
                        "MetadataCache_Minutes", "MetadataCache_Count"}
    assert "Password_Bytes" not in row and row["MetadataCache_Enabled_Indicator"] is True
    # unknown id: no output, empty body
    r = client.get(N + "Connectors_GetConnector?Connector_Id=9999")
    assert r.status_code == 200 and r.text == ""
    # errors are text naming the argument
    r = client.post(N + "Connectors_CreateOrUpdateConnector", json={"Connector_Name": "x", "FeedType_Name": "npm"})
    assert r.status_code == 400 and "Connector_Url" in r.text
    r = client.post(N + "Connectors_GetConnector", json={"Connector_Id": "abc"})
    assert r.status_code == 400 and "Connector_Id" in r.text
    # delete detaches it from feeds, form argument
    client.create_feed("uses", "npm", connectors=["q"])
    assert client.post(N + "Connectors_DeleteConnector", data={"Connector_Id": str(qid)}).status_code == 200
    assert client.get("api/management/feeds/get/uses").json()["connectors"] == []
    assert [c["name"] for c in client.get("api/management/connectors/list").json()] == ["form"]


def test_license_methods_query_and_form(client):
    client.post("api/licenses/add", json={"code": "Apache-2.0", "title": "Apache"})
    data = client.get(N + "Licenses_GetLicenses?key=" + SYSTEM_KEY).json()
    assert set(data) == {"Licenses", "LicenseUrls"}
    lid = data["Licenses"][0]["License_Id"]
    assert client.post(N + "Licenses_DeleteLicense", data={"License_Id": str(lid)}).status_code == 200
    assert client.get(N + "Licenses_GetLicenses").json()["Licenses"] == []
