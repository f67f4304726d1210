"""Contract: feed storage ``/api/storage`` (proget-api.md §2.6; docs feeds/storage-list.md,
storage-get.md, storage-update.md; pgutil FeedStorageType.cs, FeedStorageConfiguration.cs).
The sim's behaviour and readings: tests/progetsim/api_storage.py."""
import requests

from conftest import FORBIDDEN, SYSTEM_KEY, Client

S3 = {"id": "s3", "properties": {"RegionEndpoint": "us-east-1", "AccessKey": "AKIAEXAMPLE",
                                 "SecretAccessKey": "s3cret", "BucketName": "b", "MakePublic": True}}
AZURE = {"id": "azure", "properties": {"ConnectionString": "DefaultEndpointsProtocol=https;AccountKey=k",
                                       "ContainerName": "c"}}


def put(c, feed, body, **kw):
    return c.post("api/storage", params={"feed": feed}, json=body, **kw)


def get(c, feed, **kw):
    return c.get("api/storage", params={"feed": feed}, **kw)


def test_storage_types(client):
    r = client.get("api/storage")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/json")
    types = r.json()
    assert [t["id"] for t in types] == ["disk", "s3", "azure"]
    by = dict((t["id"], t) for t in types)
    # docs storage-list.md example output: names, order, *REQUIRED*, booleans, "Default:" placeholders
    assert list(by["disk"]["properties"]) == ["StoragePath"]
    assert by["disk"]["description"] == "Storage path on the local file system or network share."
    assert by["disk"]["properties"]["StoragePath"]["placeholder"] == "managed by ProGet"
    s3 = by["s3"]["properties"]
    assert list(s3) == ["AccessKey", "SecretAccessKey", "RegionEndpoint", "BucketName", "TargetPath",
                        "MakePublic", "Encrypted", "InstanceRole", "UseInstanceProfile", "CustomServiceUrl"]
    assert [k for k, v in s3.items() if v["required"]] == ["RegionEndpoint"]
    assert [k for k, v in s3.items() if v["type"] == "boolean"] == ["MakePublic", "Encrypted", "UseInstanceProfile"]
    assert s3["TargetPath"]["placeholder"] == "none (use bucket root)"
    az = by["azure"]["properties"]
    assert list(az) == ["ConnectionString", "ContainerName", "TargetPath"]
    assert [k for k, v in az.items() if v["required"]] == ["ConnectionString", "ContainerName"]
    for t in types:          # FeedStorageType / FeedStorageTypePropertyInfo members
        assert set(t) == {"id", "name", "description", "properties"}
        for p in t["properties"].values():
            assert set(p) == {"required", "name", "description", "type", "placeholder"}
    assert client.request("PUT", "api/storage").status_code == 405


def test_new_feed_is_disk_and_disk_path_is_packages_path(client):
    c = client
    c.create_feed("nu")
    r = get(c, "nu")
    assert r.status_code == 200 and r.json() == {"id": "disk", "properties": {"StoragePath": None}}
    r = put(c, "nu", {"id": "disk", "properties": {"StoragePath": "/srv/nu"}})
    # docs storage-update.md (2026-01): the FeedStorageConfiguration on 200
    assert r.status_code == 200 and r.json() == {"id": "disk", "properties": {"StoragePath": "/srv/nu"}}
    assert get(c, "NU").json()["properties"]["StoragePath"] == "/srv/nu"
    # the feed's packagesPath (pgutil ProGetFeed.cs) is the same value, both ways
    assert c.get("api/management/feeds/get/nu").json()["packagesPath"] == "/srv/nu"
    assert c.post("api/management/feeds/update/nu", json={"packagesPath": "/srv/other"}).status_code == 200
    assert get(c, "nu").json()["properties"]["StoragePath"] == "/srv/other"
    assert put(c, "nu", {"id": "DISK", "properties": {}}).json() == {"id": "disk", "properties": {"StoragePath": None}}
    assert c.get("api/management/feeds/get/nu").json()["packagesPath"] is None


def test_cloud_storage_on_paid_editions(client, sim):
    c = client
    c.create_feed("nu")
    # docs administration/license.md: Cloud Storage is not in ProGet Free
    r = put(c, "nu", S3)
    assert r.status_code == 403 and r.text == "ProGet Free Edition does not support cloud storage."
    assert get(c, "nu").json()["id"] == "disk"
    sim.config(edition="basic")
    r = put(c, "nu", S3)
    assert r.status_code == 200, r.text
    want = {"AccessKey": "AKIAEXAMPLE", "RegionEndpoint": "us-east-1", "BucketName": "b",
            "TargetPath": None, "MakePublic": True, "Encrypted": False, "InstanceRole": None,
            "UseInstanceProfile": False, "CustomServiceUrl": None}
    # storage_secrets=hidden (default): SecretAccessKey is not shown, in the reply nor on GET
    assert r.json() == {"id": "s3", "properties": want}
    assert get(c, "nu").json() == {"id": "s3", "properties": want}
    # the persisted XML of docs feeds/#.md on the feed's packageStore
    xml = c.get("api/management/feeds/get/nu").json()["packageStore"]
    assert xml.startswith('<Inedo.ProGet.Extensions.AWS.PackageStores.S3FileSystem Assembly="AWS">')
    assert 'RegionEndpoint="us-east-1"' in xml and 'MakePublic="True"' in xml
    sim.config(storage_secrets="shown")
    assert get(c, "nu").json()["properties"]["SecretAccessKey"] == "s3cret"
    # a POST replaces the whole configuration: what is not given is unset
    assert put(c, "nu", {"id": "s3", "properties": {"RegionEndpoint": "eu-west-1"}}).status_code == 200
    props = get(c, "nu").json()["properties"]
    assert props["SecretAccessKey"] is None and props["AccessKey"] is None and props["MakePublic"] is False
    r = put(c, "nu", AZURE)
    assert r.status_code == 200
    assert r.json() == {"id": "azure", "properties": dict(AZURE["properties"], TargetPath=None)}
    sim.config(storage_secrets="hidden")
    assert get(c, "nu").json() == {"id": "azure", "properties": {"ContainerName": "c", "TargetPath": None}}


def test_package_store_xml_from_the_feeds_api(client):
    c = client
    xml = ('<Inedo.ProGet.Extensions.Azure.PackageStores.AzureFileSystem Assembly="Azure">'
           '<Properties ConnectionString="cs" ContainerName="cont" TargetPath="t/p" />'
           '</Inedo.ProGet.Extensions.Azure.PackageStores.AzureFileSystem>')
    c.create_feed("nu", packageStore=xml)
    assert get(c, "nu").json() == {"id": "azure", "properties": {"ContainerName": "cont", "TargetPath": "t/p"}}


def test_storage_errors(client, sim):
    c = client
    c.create_feed("nu")
    sim.config(edition="enterprise")
    for body in ({"id": "gcs", "properties": {}},                          # unknown type
                 {"id": "disk", "properties": {"Path": "/x"}},             # unknown property
                 {"id": "s3", "properties": {"BucketName": "b"}},          # RegionEndpoint missing
                 {"id": "s3", "properties": {"RegionEndpoint": None}},
                 {"id": "azure", "properties": {"ConnectionString": "cs"}},
                 {"id": "s3", "properties": {"RegionEndpoint": "r", "MakePublic": "true"}},   # not a boolean
                 {"id": "s3", "properties": {"RegionEndpoint": "r", "Encrypted": 1}},
                 {"id": "disk", "properties": {"StoragePath": 5}},
                 {"id": "disk"}, {"properties": {}}, ["disk"]):
        r = put(c, "nu", body)
        assert r.status_code == 400 and r.text and r.headers["Content-Type"].startswith("text/plain"), body
    assert c.post("api/storage", params={"feed": "nu"}, data="{", headers={"Content-Type": "application/json"}
                  ).status_code == 400
    assert c.post("api/storage", json={"id": "disk", "properties": {}}).status_code == 400   # no feed
    assert get(c, "nu").json() == {"id": "disk", "properties": {"StoragePath": None}}
    assert get(c, "missing").status_code == 404
    assert put(c, "missing", {"id": "disk", "properties": {}}).status_code == 404


def test_storage_authorization(client, sim):
    c = client
    c.create_feed("nu")
    body = {"id": "disk", "properties": {"StoragePath": "/x"}}
    # docs storage-*.md: "A 500 response indicates a missing, unknown, or unauthorized API Key"
    for key in (None, "wrong-key"):
        for r in (c.get("api/storage", key=key), get(c, "nu", key=key), put(c, "nu", body, key=key)):
            assert r.status_code == 500 and r.text == FORBIDDEN
    view = c.create_key(type="Feed", feed="nu", packagePermissions=["view"])["key"]
    assert c.get("api/storage", key=view).status_code == 200
    assert get(c, "nu", key=view).status_code == 200
    assert put(c, "nu", body, key=view).status_code == 500     # changing needs feed management
    feeds = c.create_key(type="System", systemApis=["feeds"])["key"]
    assert put(c, "nu", body, key=feeds).status_code == 200
    sca = c.create_key(type="System", systemApis=["sca"])["key"]
    assert c.get("api/storage", key=sca).status_code == 500
    sim.add_user("ops", "pw", ["Admin_ManageFeed"])
    assert put(c, "nu", body, key="ops:pw").status_code == 200
    sim.config(storage_denied_status="403")
    r = put(c, "nu", body, key=view)
    assert r.status_code == 403 and r.text == FORBIDDEN
    assert c.get("api/storage", key=None).status_code == 403


def test_storage_survives_restart_and_goes_with_reset(sim_factory):
    s = sim_factory("--system-key", SYSTEM_KEY, "--edition", "basic")
    c = Client(s)
    c.create_feed("nu")
    assert put(c, "nu", S3).status_code == 200
    s.restart()
    c = Client(s)
    assert get(c, "nu").json()["properties"]["BucketName"] == "b"
    s.reset()
    assert get(c, "nu").status_code == 404
    c.create_feed("nu")
    assert get(c, "nu").json() == {"id": "disk", "properties": {"StoragePath": None}}
    assert requests.get(s.url + "/__sim/config").json()["edition"] == "basic"
