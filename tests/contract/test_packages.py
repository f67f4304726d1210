"""Contract: universal feed API (section 8), NuGet v2 listing/download/push (10.1), Packages API (10.2).

Packages enter the sim only through its upload endpoints (real .upack / .nupkg zips, and PyPI
wheels / sdists via ``PUT /api/packages/{feed}/upload/{file name}``)."""
import hashlib
import io
import zipfile

import pytest

from progetsim.packagefiles import nupkg, sdist, upack, wheel


@pytest.fixture
def feeds(client):
    client.create_feed("up", "universal")
    client.create_feed("nu", "nuget")
    client.create_feed("py", "pypi")
    client.create_feed("files", "asset")
    return client


def py_upload(c, f):
    name, data = f
    return c.request("PUT", "api/packages/py/upload/" + name, data=data)


def up(c, data, **params):
    return c.post("upack/up/upload", data=data, params=params, headers={"Content-Type": "application/zip"})


def test_universal_upload_versions_packages(feeds):
    c = feeds
    for v in ("1.0.0", "1.10.0", "1.2.0", "2.0.0-rc.1"):
        # docs universal-feed/upload.md: "uploaded on a successful 200 response"
        assert up(c, upack("tool", v, "acme", {"title": "Tool"})).status_code == 200
    assert up(c, upack("solo", "0.1.0")).status_code == 200
    assert c.request("PUT", "upack/up/upload", data=upack("solo", "0.2.0")).status_code == 405  # POST only
    r = up(c, upack("tool", "3.0.0", "acme"), version="9.9.9")
    assert r.status_code == 400 and "does not match" in r.text
    assert up(c, b"not a zip").status_code == 400
    bad = io.BytesIO()
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("package/x", "x")
    assert up(c, bad.getvalue()).status_code == 400
    vs = c.get("upack/up/versions", params={"group": "acme", "name": "tool"}).json()
    assert [v["version"] for v in vs] == ["2.0.0-rc.1", "1.10.0", "1.2.0", "1.0.0"]
    assert vs[0]["group"] == "acme" and vs[0]["title"] == "Tool" and len(vs[0]["sha1"]) == 40
    one = c.get("upack/up/versions", params={"group": "acme", "name": "TOOL", "version": "1.2.0",
                                             "includeFileList": "true"}).json()
    assert isinstance(one, dict) and one["fileList"][0]["name"] == "readme.txt"
    r = c.get("upack/up/versions", params={"group": "acme", "name": "tool", "version": "7.0.0"})
    assert r.status_code == 404 and r.text
    assert c.get("upack/up/versions", params={"group": "", "name": "tool"}).json() == []  # empty group only
    assert len(c.get("upack/up/versions").json()) == 5
    pk = c.get("upack/up/packages", params={"group": "acme", "name": "tool"}).json()
    assert pk["latestVersion"] == "2.0.0-rc.1" and len(pk["versions"]) == 4
    assert c.get("upack/up/packages", params={"name": "nope"}).status_code == 404
    assert len(c.get("upack/up/packages").json()) == 2


def test_universal_download_and_delete(feeds):
    c = feeds
    for v in ("1.0.0", "1.1.0"):
        up(c, upack("tool", v, "acme/sub"))
    r = c.get("upack/up/download/acme/sub/tool/1.0.0")
    assert r.status_code == 200 and zipfile.ZipFile(io.BytesIO(r.content)).read("package/readme.txt") == b"v1.0.0"
    r = c.get("upack/up/download/acme/sub/tool?latest")
    assert zipfile.ZipFile(io.BytesIO(r.content)).read("package/readme.txt") == b"v1.1.0"
    assert c.get("upack/up/download/tool").status_code == 400       # neither version nor latest
    assert c.get("upack/up/download/acme/sub/tool/9.0.0").status_code == 404
    assert c.request("DELETE", "upack/up/delete/acme/sub/tool/1.0.0").status_code == 200
    assert c.request("DELETE", "upack/up/delete/acme/sub/tool/1.0.0").status_code == 404
    assert c.get("upack/nu/versions").status_code == 404            # not a universal feed


def test_nuget_push_odata_download(feeds):
    c = feeds
    for v in ("1.0.0", "1.1.0", "2.0.0-beta"):
        r = c.request("PUT", "api/v2/package/nu", files={"package": ("p.nupkg", nupkg("Acme.Core", v))})
        assert r.status_code == 201, r.text
    assert c.request("PUT", "nuget/nu/", data=nupkg("Other", "0.1.0")).status_code == 201
    assert c.post("api/v2/package/nu", data=nupkg("Third", "0.1.0")).status_code == 405  # NuGet push is PUT
    d = c.get("nuget/nu/Packages", params={"$format": "json"}).json()
    rows = d["d"]["results"]
    assert len(rows) == 4
    acme = [x for x in rows if x["Id"] == "Acme.Core"]
    assert [x["Version"] for x in acme] == ["2.0.0-beta", "1.1.0", "1.0.0"]
    latest = dict((x["Version"], x) for x in acme)
    assert latest["2.0.0-beta"]["IsAbsoluteLatestVersion"] and latest["1.1.0"]["IsLatestVersion"]
    assert latest["2.0.0-beta"]["IsPrerelease"] and latest["1.0.0"]["PackageHashAlgorithm"] == "SHA512"
    f = c.get("nuget/nu/Packages()", params={"$format": "json", "$filter": "Id eq 'acme.core' and IsLatestVersion",
                                             "$top": "1"}).json()["d"]["results"]
    assert [x["Version"] for x in f] == ["1.1.0"]
    r = c.get("api/v2/package/nu/Acme.Core/1.1.0")
    assert zipfile.ZipFile(io.BytesIO(r.content)).read("lib/a.dll") == b"1.1.0"
    assert c.get("nuget/nu/package/acme.core/1.0.0").status_code == 200
    assert c.get("api/v2/package/nu/Acme.Core/5.0.0").status_code == 404
    assert c.request("DELETE", "nuget/nu/package/Acme.Core/1.0.0").status_code == 200
    assert c.get("api/v2/package/nu/Acme.Core/1.0.0").status_code == 404


def test_packages_api(feeds):
    c = feeds
    up(c, upack("tool", "1.0.0", "acme"))
    up(c, upack("tool", "2.0.0-rc.1", "acme"))
    # docs packages/upload.md: "A successful 200 response"
    assert c.request("PUT", "api/packages/nu/upload", data=nupkg("Acme.Core", "1.0.0")).status_code == 200
    info = c.get("api/packages/up").json()
    # pgutil QualifierOptions.cs names universal packages "upack"
    assert info["feedType"] == "universal" and info["name"] == "up" and info["packageType"] == "upack"
    vs = c.get("api/packages/up/versions", params={"name": "tool", "group": "acme"}).json()
    assert [v["version"] for v in vs] == ["2.0.0-rc.1", "1.0.0"]
    assert vs[0]["purl"] == "pkg:universal/acme/tool@2.0.0-rc.1" and len(vs[0]["sha256"]) == 64
    assert c.get("api/packages/up/versions", params={"name": "missing"}).json() == []
    stable = c.get("api/packages/up/latest", params={"name": "tool", "stableOnly": "true"}).json()
    assert stable[0]["version"] == "1.0.0"
    r = c.get("api/packages/up/download", params={"purl": "pkg:universal/acme/tool@1.0.0"})
    assert zipfile.ZipFile(io.BytesIO(r.content)).read("package/readme.txt") == b"v1.0.0"
    assert c.get("api/packages/nu/versions").json()[0]["purl"] == "pkg:nuget/Acme.Core@1.0.0"
    r = c.post("api/packages/up/delete", params={"name": "tool", "group": "acme", "version": "1.0.0"})
    assert r.status_code == 200
    assert len(c.get("api/packages/up/versions").json()) == 1
    # 2024-07 delete table: 200/400/403/500, no 404
    r = c.post("api/packages/up/delete", params={"name": "tool", "group": "acme", "version": "1.0.0"})
    assert r.status_code == 400 and r.text
    rc1 = {"name": "tool", "group": "acme", "version": "2.0.0-rc.1"}
    assert c.request("DELETE", "api/packages/up/delete", params=rc1).status_code == 200
    assert c.get("api/packages/up/versions").json() == []
    assert c.get("api/packages/files/versions").status_code == 404
    assert c.request("PATCH", "api/packages/up/upload", data=b"x").status_code == 405
    assert c.post("api/packages/up/versions").status_code == 405


def test_reset_removes_package_and_asset_files(feeds, sim):
    import os
    up(feeds, upack("tool", "1.0.0"))
    feeds.post("endpoints/files/content/a.bin", data=b"x")
    d = os.path.join(sim.data_dir, "files")
    assert len(os.listdir(d)) == 2
    sim.reset()
    assert not os.path.exists(d) or os.listdir(d) == []


def test_pypi_version_with_several_files(feeds):
    c = feeds
    whl, tgz = wheel("demo", "1.0.0"), sdist("demo", "1.0.0")
    # docs packages/upload.md: the file name is part of the URL for PyPI feeds
    assert py_upload(c, whl).status_code == 200
    assert py_upload(c, tgz).status_code == 200
    assert py_upload(c, wheel("demo", "0.9.0")).status_code == 200
    rows = c.get("api/packages/py/versions", params={"name": "demo", "version": "1.0.0"}).json()
    # docs packages/list-versions.md: one item per file for PyPI
    assert sorted(r["qualifier"] for r in rows) == ["file=demo-1.0.0-py3-none-any.whl", "file=demo-1.0.0.tar.gz"]
    by = dict((r["qualifier"], r) for r in rows)
    w = by["file=demo-1.0.0-py3-none-any.whl"]
    assert (w["name"], w["version"], w["size"]) == ("demo", "1.0.0", len(whl[1]))
    assert w["purl"] == "pkg:pypi/demo@1.0.0?file=demo-1.0.0-py3-none-any.whl"
    for h in ("md5", "sha1", "sha256", "sha512"):
        assert w[h] == hashlib.new(h, whl[1]).hexdigest()
        assert by["file=demo-1.0.0.tar.gz"][h] == hashlib.new(h, tgz[1]).hexdigest()
    assert len(c.get("api/packages/py/versions", params={"name": "demo"}).json()) == 3
    assert c.get("api/packages/py").json()["packageType"] == "pypi"

    # docs packages/download.md: "must resolve to a single package, otherwise a 400"
    r = c.get("api/packages/py/download", params={"name": "demo", "version": "1.0.0"})
    assert r.status_code == 400 and r.text == "The package identifiers match more than one package."
    assert r.headers["Content-Type"].startswith("text/plain")
    r = c.get("api/packages/py/download", params={"name": "demo", "version": "1.0.0",
                                                  "qualifier": "file=demo-1.0.0.tar.gz"})
    assert r.status_code == 200 and r.content == tgz[1]
    assert 'filename="demo-1.0.0.tar.gz"' in r.headers["Content-Disposition"]
    r = c.get("api/packages/py/download", params={"purl": w["purl"]})
    assert r.status_code == 200 and r.content == whl[1]
    assert c.get("api/packages/py/download", params={"name": "demo", "version": "0.9.0"}).status_code == 200
    r = c.get("api/packages/py/download", params={"name": "demo", "version": "1.0.0",
                                                  "qualifier": "file=demo-1.0.0-py2-none-any.whl"})
    assert r.status_code == 404
    one = c.get("api/packages/py/versions", params={"name": "demo", "version": "1.0.0",
                                                    "qualifier": "file=demo-1.0.0.tar.gz"}).json()
    assert [x["qualifier"] for x in one] == ["file=demo-1.0.0.tar.gz"]

    # delete names one file too
    r = c.post("api/packages/py/delete", params={"name": "demo", "version": "1.0.0"})
    assert r.status_code == 400 and "more than one" in r.text
    assert c.post("api/packages/py/delete", params={"name": "demo", "version": "1.0.0",
                                                    "qualifier": "file=demo-1.0.0.tar.gz"}).status_code == 200
    rows = c.get("api/packages/py/versions", params={"name": "demo", "version": "1.0.0"}).json()
    assert [r["qualifier"] for r in rows] == ["file=demo-1.0.0-py3-none-any.whl"]
    r = c.get("api/packages/py/download", params={"name": "demo", "version": "1.0.0"})
    assert r.status_code == 200 and r.content == whl[1]


def test_pypi_upload_errors(feeds):
    c = feeds
    name, data = wheel("demo", "1.0.0")
    r = c.request("PUT", "api/packages/py/upload", data=data)     # no file name
    assert r.status_code == 400 and "file name" in r.text
    assert c.request("PUT", "api/packages/py/upload/demo.exe", data=data).status_code == 400
    assert c.request("PUT", "api/packages/py/upload/" + name, data=b"not a zip").status_code == 400
    assert c.request("PUT", "api/packages/py/upload/x-1.0.tar.gz", data=data).status_code == 400
    assert c.request("PUT", "api/packages/py/upload/" + name, data=data, key=None).status_code == 403
    assert c.get("api/packages/py/versions").json() == []
