"""Asset directories: upload, list a missing folder, metadata (user metadata and cache header), delete.

Sources: docs Content/proget/api/assets/files/upload (POST creates or replaces, 201),
assets/folders/list.md (a missing folder: "will not return a 404, but will instead return an
empty array"; older docs: 404), assets/metadata/set.md and get.md, assets/folders/delete.md;
pgutil Inedo.ProGet/AssetDirectories/AssetItemMetadataUpdate.cs (userMetadataUpdateMode
update|replace), AssetUserMetadataTypeConverter.cs (a value is a string or
{value, includeInResponseHeader}), pgutil/Assets/Metadata/SetCommand.cs (a cache-header change is
sent with mode "update").
"""
import pytest

from realapi import ok

BODY = b"cac.proget contract check\n"


@pytest.fixture
def asset_dir(make_feed):
    name, _ = make_feed("asset")
    return "endpoints/%s/" % name


def meta(api, d, path):
    r = api.get(d + "metadata/" + path, headers={"Accept": "application/json"})
    return r.json() if r.status_code == 200 else None


def set_meta(api, d, path, body):
    r = api.post(d + "metadata/" + path, json=body)
    assert ok(r), "metadata set %s: %s %s" % (body, r.status_code, r.text[:300])


def value_of(v):
    return v.get("value") if isinstance(v, dict) else v


def header_flag(v):
    return bool(v.get("includeInResponseHeader")) if isinstance(v, dict) else False


def test_missing_folder_listing(api, asset_dir, record):
    """GET dir/{missing folder}: [] (current docs) or 404 (older docs); recorded."""
    r = api.get(asset_dir + "dir/cacct-missing-folder", headers={"Accept": "application/json"})
    reading = "404" if r.status_code == 404 else "[]" if r.status_code == 200 and r.json() == [] else "other"
    record("assets.list missing folder", reading, "docs folders/list.md: []; 2021/2025 docs: 404",
           {"status": r.status_code})
    assert reading != "other", (r.status_code, r.text[:200])


def test_upload_metadata_delete(api, asset_dir, record):
    """Upload; metadata in the object form keeps includeInResponseHeader when another key is
    updated; a cache-header-only update with mode "update" keeps the user metadata; a
    cache-header-only update with mode "replace" is recorded; delete."""
    path = "cacct/a.txt"
    r = api.post(asset_dir + "content/" + path, data=BODY, headers={"Content-Type": "text/plain"})
    record("assets.upload status", r.status_code, "docs files/upload: 201")
    assert ok(r), "%s %s" % (r.status_code, r.text[:300])
    item = meta(api, asset_dir, path)
    assert item and item["name"] == "a.txt" and item.get("size") == len(BODY)

    set_meta(api, asset_dir, path, {"userMetadataUpdateMode": "update",
                                    "userMetadata": {"k1": {"value": "v1", "includeInResponseHeader": True}}})
    um = meta(api, asset_dir, path).get("userMetadata") or {}
    record("assets.userMetadata form for a header value", "object" if isinstance(um.get("k1"), dict) else
           "string", "AssetUserMetadataTypeConverter.cs: string or {value, includeInResponseHeader}")
    assert value_of(um.get("k1")) == "v1" and header_flag(um.get("k1")), um

    set_meta(api, asset_dir, path, {"userMetadataUpdateMode": "update", "userMetadata": {"k2": "v2"}})
    um = meta(api, asset_dir, path).get("userMetadata") or {}
    assert value_of(um.get("k2")) == "v2"
    assert value_of(um.get("k1")) == "v1" and header_flag(um.get("k1")), "k1 keeps its header flag: %s" % um

    set_meta(api, asset_dir, path, {"userMetadataUpdateMode": "update", "cacheHeader": {"type": "ttl", "value": 60}})
    item = meta(api, asset_dir, path)
    record("assets.cacheHeader echo", item.get("cacheHeader"), "docs example TTL/60; pgutil sends ttl/\"60\"")
    assert item.get("cacheHeader") and str(item["cacheHeader"].get("value")) == "60"
    assert set(item.get("userMetadata") or {}) == {"k1", "k2"}, "cache-only update keeps user metadata"

    r = api.post(asset_dir + "metadata/" + path, json={"userMetadataUpdateMode": "replace",
                                                       "cacheHeader": {"type": "nocache"}})
    left = sorted((meta(api, asset_dir, path) or {}).get("userMetadata") or {})
    record("assets.cache-only update with mode replace", {"status": r.status_code, "user metadata left": left},
           "undocumented; the collection sends update for cache-only changes")

    r = api.post(asset_dir + "delete/cacct", params={"recursive": "true"})
    assert ok(r), r.status_code
    assert meta(api, asset_dir, path) is None
