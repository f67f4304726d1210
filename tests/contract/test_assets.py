"""Contract: the Asset Directory API (proget-api.md section 5)."""
import hashlib
import http.client
import io
import json
import tarfile
import urllib.parse
import zipfile

import pytest

from conftest import SYSTEM_KEY

E = "endpoints/files/"


@pytest.fixture
def files(client):
    client.create_feed("files", "asset")
    client.create_feed("pkgs", "universal")
    return client


def meta(c, path):
    r = c.get(E + "metadata/" + path)
    return r.json() if r.status_code == 200 else r.status_code


def test_upload_semantics_post_put_patch(files):
    c = files
    assert c.request("PATCH", E + "content/a.txt", data=b"x").status_code == 404
    assert c.request("PUT", E + "content/a.txt", data=b"one").status_code == 201
    r = c.request("PUT", E + "content/a.txt", data=b"two")
    assert r.status_code == 400 and "already exists" in r.text
    assert c.request("PATCH", E + "content/a.txt", data=b"three").status_code == 201
    assert c.post(E + "content/a.txt", data=b"four", headers={"Content-Type": "text/x-four"}).status_code == 201
    m = meta(c, "a.txt")
    assert m["size"] == 4 and m["type"] == "text/x-four"
    for h in ("md5", "sha1", "sha256", "sha512"):
        assert m[h] == hashlib.new(h, b"four").hexdigest()
    assert m["content"].endswith("/endpoints/files/content/a.txt") and "parent" not in m
    assert c.get(E + "content/a.txt").content == b"four"


def test_range_and_conditional_get(files):
    c = files
    c.post(E + "content/r.bin", data=bytes(range(100)))
    r = c.get(E + "content/r.bin", headers={"Range": "bytes=10-19"})
    assert r.status_code == 206 and r.content == bytes(range(10, 20))
    assert r.headers["Content-Range"] == "bytes 10-19/100"
    assert c.get(E + "content/r.bin", headers={"Range": "bytes=-5"}).content == bytes(range(95, 100))
    assert c.get(E + "content/r.bin", headers={"Range": "bytes=200-"}).status_code == 416
    full = c.get(E + "content/r.bin")
    etag, modified = full.headers["ETag"], full.headers["Last-Modified"]
    assert c.get(E + "content/r.bin", headers={"If-None-Match": etag}).status_code == 304
    assert c.get(E + "content/r.bin", headers={"If-Modified-Since": modified}).status_code == 304
    assert c.get(E + "content/r.bin", headers={"If-None-Match": '"other"'}).status_code == 200
    assert c.request("HEAD", E + "content/r.bin").headers["Content-Length"] == "100"
    assert c.get(E + "content/missing").status_code == 404


def test_multipart_protocol(files):
    c = files
    data = bytes(range(256)) * 12  # 3072 bytes, parts 1024/1024/1024
    q = dict(id="abc", multipart="upload", totalSize=3072, totalParts=3, partSize=1024)

    def part(i, body=None, **kw):
        params = dict(q, index=i, offset=i * 1024)
        params.update(kw)
        part = data[i * 1024:(i + 1) * 1024] if body is None else body
        return c.post(E + "content/big.bin", params=params, data=part)

    for missing in ("id", "index", "offset", "totalSize", "partSize", "totalParts"):
        params = dict(q, index=0, offset=0)
        del params[missing]
        r = c.post(E + "content/big.bin", params=params, data=data[:1024])
        assert r.status_code == 400 and missing in r.text
    assert part(0).status_code == 200
    assert part(3).status_code == 400                       # index out of range
    assert part(1, offset=3000).status_code == 400          # offset + size beyond totalSize
    assert part(1, body=b"short").status_code == 400        # body is not partSize bytes
    assert part(2).status_code == 200
    r = c.post(E + "content/big.bin", params=dict(id="abc", multipart="complete"))
    assert r.status_code == 400 and "incomplete" in r.text
    assert meta(c, "big.bin") == 404                        # not visible before complete
    assert part(1).status_code == 200
    assert c.post(E + "content/big.bin", params=dict(multipart="complete", id="abc")).status_code == 200
    m = meta(c, "big.bin")
    assert m["size"] == 3072 and m["sha256"] == hashlib.sha256(data).hexdigest()
    assert c.post(E + "content/big.bin", params=dict(id="nope", multipart="complete")).status_code == 400
    # last part smaller, offset still nominal
    q2 = dict(id="x2", multipart="upload", totalSize=2500, totalParts=3)
    for i, size in enumerate((1024, 1024, 452)):
        r = c.post(E + "content/odd.bin", params=dict(q2, index=i, offset=i * 1024, partSize=size),
                   data=bytes(2500)[i * 1024:i * 1024 + size])
        assert r.status_code == 200, r.text
    assert c.post(E + "content/odd.bin", params=dict(id="x2", multipart="complete")).status_code == 200
    assert meta(c, "odd.bin")["size"] == 2500


def test_dir_listing_folders_and_delete(files):
    c = files
    for p in ("docs/a.txt", "docs/sub/b.txt", "top.txt"):
        c.post(E + "content/" + p, data=b"x")
    assert c.post(E + "dir/new/deep/folder").status_code == 201   # parents created
    assert c.post(E + "dir/new").status_code == 201                # existing is fine
    names = lambda r: sorted((i.get("parent", ""), i["name"], i["type"]) for i in r.json())  # noqa: E731
    assert names(c.get(E + "dir/docs")) == [("/docs", "a.txt", "text/plain"), ("/docs", "sub", "dir")]
    assert names(c.get(E + "dir/docs?recursive=false)")) == names(c.get(E + "dir/docs"))  # pgutil's stray ')'
    assert ("/docs/sub", "b.txt", "text/plain") in names(c.get(E + "dir/docs", params={"recursive": "true"}))
    assert len(c.get(E + "dir/", params={"recursive": "true"}).json()) == 8
    # docs assets/folders/list.md (also 2024-07): a missing folder is an empty array, not 404
    r = c.get(E + "dir/nothing")
    assert r.status_code == 200 and r.json() == []
    assert c.get(E + "dir/top.txt").json() == []                   # a file is not a folder
    assert c.get(E + "metadata/nothing").status_code == 404         # how to test existence
    r = c.post(E + "delete/docs")
    assert r.status_code == 400 and "not empty" in r.text
    assert c.post(E + "delete/docs", params={"recursive": "true"}).status_code == 200
    assert c.post(E + "delete/docs").status_code == 200            # missing item is fine
    assert c.request("DELETE", E + "content/top.txt").status_code == 200
    assert c.request("DELETE", E + "content/top.txt").status_code == 200
    assert c.request("DELETE", E + "content/new").status_code == 400   # a folder
    assert c.get(E + "content/new").status_code == 400


@pytest.mark.parametrize("version", ["24.0.3.7", "25.0.13.5", "26.0.12.24"])
def test_missing_folder_is_empty_list_missing_directory_is_404(files, sim, version):
    sim.config(version=version)
    r = files.get(E + "dir/nothing/deeper", params={"recursive": "true"})
    assert r.status_code == 200 and r.json() == []
    r = files.get("endpoints/nosuchdir/dir/nothing")
    assert r.status_code == 404 and r.text


def test_metadata_type_is_any_string(files):
    # AssetItemMetadataUpdate.cs: type is a string; no source restricts its form
    c = files
    c.post(E + "content/t.bin", data=b"x")
    assert c.post(E + "metadata/t.bin", json={"type": "weird"}).status_code == 200
    assert meta(c, "t.bin")["type"] == "weird"
    assert c.post(E + "metadata/t.bin", json={"type": 5}).status_code == 400
    assert meta(c, "t.bin")["type"] == "weird"


def test_metadata_update_replace_cache_header(files):
    c = files
    c.post(E + "content/m.txt", data=b"x")
    body = {"userMetadataUpdateMode": "update",
            "userMetadata": {"a": "1", "b": {"value": "2", "includeInResponseHeader": True}},
            "cacheHeader": {"type": "ttl", "value": "60"}, "type": "text/x-m"}
    assert c.post(E + "metadata/m.txt", json=body).status_code == 200
    m = meta(c, "m.txt")
    assert m["userMetadata"] == {"a": "1", "b": {"value": "2", "includeInResponseHeader": True}}
    assert m["cacheHeader"] == {"type": "TTL", "value": 60} and m["type"] == "text/x-m"
    r = c.get(E + "content/m.txt")
    assert r.headers["Cache-Control"] == "max-age=60"
    c.post(E + "metadata/m.txt", json={"userMetadataUpdateMode": "update", "userMetadata": {"c": "3"},
                                       "cacheHeader": {"type": "TTL", "value": 30}})
    assert sorted(meta(c, "m.txt")["userMetadata"]) == ["a", "b", "c"]
    assert meta(c, "m.txt")["cacheHeader"]["value"] == 30
    c.post(E + "metadata/m.txt", json={"userMetadataUpdateMode": "replace", "userMetadata": {"z": "9"},
                                       "cacheHeader": {"type": "Custom", "value": "public, max-age=5"}})
    m = meta(c, "m.txt")
    assert m["userMetadata"] == {"z": "9"} and m["cacheHeader"] == {"type": "Custom", "value": "public, max-age=5"}
    c.post(E + "metadata/m.txt", json={"userMetadataUpdateMode": "update", "cacheHeader": {"type": "NOCACHE"}})
    assert meta(c, "m.txt")["cacheHeader"] == {"type": "NoCache"}
    c.post(E + "metadata/m.txt", json={"userMetadataUpdateMode": "update", "cacheHeader": {"type": "inherit"}})
    assert "cacheHeader" not in meta(c, "m.txt")
    assert c.post(E + "metadata/m.txt", json={"cacheHeader": {"type": "ttl", "value": "soon"}}).status_code == 400
    assert c.post(E + "metadata/m.txt", json={"userMetadataUpdateMode": "merge"}).status_code == 400
    assert c.post(E + "metadata/nope.txt", json={"userMetadataUpdateMode": "update"}).status_code == 404
    # folder cache header is inherited by its files
    c.post(E + "content/f/x.txt", data=b"x")
    c.post(E + "metadata/f", json={"userMetadataUpdateMode": "update", "cacheHeader": {"type": "nocache"}})
    assert c.get(E + "content/f/x.txt").headers["Cache-Control"] == "no-cache"


def test_export_import_zip_and_tgz(files):
    c = files
    for p in ("e/a.txt", "e/s/b.txt"):
        c.post(E + "content/" + p, data=p.encode())
    z = zipfile.ZipFile(io.BytesIO(c.get(E + "export/e", params={"format": "zip", "recursive": "true"}).content))
    assert sorted(z.namelist()) == ["a.txt", "s/b.txt"]
    flat = zipfile.ZipFile(io.BytesIO(c.get(E + "export/e", params={"format": "zip"}).content))
    assert flat.namelist() == ["a.txt"]
    t = tarfile.open(fileobj=io.BytesIO(c.get(E + "export/e", params={"format": "tgz", "recursive": "true"}).content))
    assert sorted(t.getnames()) == ["a.txt", "s/b.txt"]
    assert c.get(E + "export/e", params={"format": "rar"}).status_code == 400
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zw:
        zw.writestr("a.txt", "new")
        zw.writestr("x/y.txt", "y")
    assert c.post(E + "import/i", params={"format": "zip"}, data=buf.getvalue()).status_code == 200
    assert c.get(E + "content/i/x/y.txt").content == b"y"
    assert c.post(E + "import/e", params={"format": "zip"}, data=buf.getvalue()).status_code == 200
    assert c.get(E + "content/e/a.txt").content == b"e/a.txt"      # not overwritten
    assert c.post(E + "import/e", params={"format": "zip", "overwrite": "true"}, data=buf.getvalue()).status_code == 200
    assert c.get(E + "content/e/a.txt").content == b"new"
    tbuf = io.BytesIO()
    with tarfile.open(fileobj=tbuf, mode="w:gz") as tw:
        info = tarfile.TarInfo("t.txt")
        info.size = 1
        tw.addfile(info, io.BytesIO(b"t"))
    assert c.post(E + "import/", params={"format": "tgz"}, data=tbuf.getvalue()).status_code == 200
    assert c.get(E + "content/t.txt").content == b"t"
    assert c.post(E + "import/", params={"format": "zip"}, data=b"not a zip").status_code == 400
    assert c.post(E + "import/", params={"format": "7z"}, data=b"").status_code == 400


@pytest.mark.parametrize("raw", ["/endpoints/files/content/..%2F..%2Fetc%2Fpasswd",
                                 "/endpoints/files/content/a/%2e%2e/%2e%2e/x",
                                 "/endpoints/files/content/a/../../x",
                                 "/endpoints/files/content//etc/passwd",
                                 "/endpoints/files/content/..%5C..%5Cx",
                                 "/endpoints/files/dir/..",
                                 "/endpoints/files/metadata/a/./b"])
def test_escaping_paths_are_refused(files, sim, raw):
    u = urllib.parse.urlsplit(sim.url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    conn.request("POST" if "/content/" in raw else "GET", u.path + raw, body=b"x",
                 headers={"X-ApiKey": SYSTEM_KEY})
    r = conn.getresponse()
    assert r.status == 400, r.read()
    conn.close()


def test_only_asset_feeds(files):
    r = files.get("endpoints/pkgs/dir/")
    assert r.status_code == 404 and "pkgs" in r.text
    assert files.post("endpoints/pkgs/content/a.txt", data=b"x").status_code == 404
    assert files.get("endpoints/nothing/metadata/a.txt").status_code == 404


def test_auth_is_401_with_a_challenge(client, sim):
    # every asset page: "A 401 response indicates a missing, unknown, or unauthorized API Key"
    import requests
    client.create_feed("files", "asset")
    for kw in ({}, {"headers": {"X-ApiKey": "unknown"}}, {"auth": ("Admin", "wrong")}):
        r = requests.get(sim.url + "/endpoints/files/dir/", **kw)
        assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Basic"), kw
    view = client.create_key(type="Feed", feed="files", packagePermissions=["view"])["key"]
    assert requests.get(sim.url + "/endpoints/files/dir/", headers={"X-ApiKey": view}).status_code == 200
    r = requests.post(sim.url + "/endpoints/files/content/a.txt", headers={"X-ApiKey": view}, data=b"x")
    assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Basic")
    assert meta(client, "a.txt") == 404
    assert requests.post(sim.url + "/endpoints/files/content/a.txt", headers={"X-ApiKey": SYSTEM_KEY},
                         data=b"x").status_code == 201
    assert requests.get(sim.url + "/endpoints/files/content/a.txt", auth=("api", SYSTEM_KEY)).content == b"x"
    sim.config(anonymous="view")
    assert requests.get(sim.url + "/endpoints/files/dir/").status_code == 200
    assert requests.get(sim.url + "/endpoints/files/dir/", headers={"X-ApiKey": "unknown"}).status_code == 401


def test_large_upload_is_streamed_and_logged(files, sim):
    data = b"z" * (20 * 1024 * 1024 + 7)
    assert files.post(E + "content/large.bin", data=io.BytesIO(data)).status_code == 201
    assert meta(files, "large.bin")["sha1"] == hashlib.sha1(data).hexdigest()
    entry = [e for e in sim.log() if e["path"].endswith("large.bin") and e["method"] == "POST"][0]
    assert entry["write"] is True and entry["status"] == 201
    state = json.dumps(sim.state())
    assert "large.bin" in state and "zzzz" not in state   # content on disk, not in the database


def test_json_file_upload_keeps_its_content(files):
    # auth looks for API_Key in JSON bodies; the file content must survive that read
    body = b'{"x": 1, "API_Key": "%s"}' % SYSTEM_KEY.encode()
    r = files.post(E + "content/app.json", key=None, data=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 201
    assert files.get(E + "content/app.json").content == body
    assert meta(files, "app.json")["size"] == len(body)
