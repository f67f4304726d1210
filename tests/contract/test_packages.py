"""Contract: universal feed API (section 8), NuGet v2 listing/download/push (10.1), Packages API (10.2).

Packages enter the sim only through its upload endpoints (real .upack / .nupkg zips)."""
import io
import json
import zipfile

import pytest


def upack(name, version, group=None, extra=None):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        m = {"name": name, "version": version}
        if group:
            m["group"] = group
        m.update(extra or {})
        z.writestr("upack.json", json.dumps(m))
        z.writestr("package/readme.txt", "v" + version)
    return buf.getvalue()


def nupkg(pkg_id, version):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(pkg_id + ".nuspec", '<?xml version="1.0"?><package xmlns="http://schemas.microsoft.com/packaging/'
                   '2013/05/nuspec.xsd"><metadata><id>%s</id><version>%s</version><authors>a</authors>'
                   '<description>d</description></metadata></package>' % (pkg_id, version))
        z.writestr("lib/a.dll", version)
    return buf.getvalue()


@pytest.fixture
def feeds(client):
    client.create_feed("up", "universal")
    client.create_feed("nu", "nuget")
    client.create_feed("files", "asset")
    return client


def up(c, data, **params):
    return c.post("upack/up/upload", data=data, params=params, headers={"Content-Type": "application/zip"})


def test_universal_upload_versions_packages(feeds):
    c = feeds
    for v in ("1.0.0", "1.10.0", "1.2.0", "2.0.0-rc.1"):
        assert up(c, upack("tool", v, "acme", {"title": "Tool"})).status_code == 201
    assert up(c, upack("solo", "0.1.0")).status_code == 201
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
    assert c.request("PUT", "api/packages/nu/upload", data=nupkg("Acme.Core", "1.0.0")).status_code == 201
    info = c.get("api/packages/up").json()
    assert info["feedType"] == "universal" and info["name"] == "up"
    vs = c.get("api/packages/up/versions", params={"name": "tool", "group": "acme"}).json()
    assert [v["version"] for v in vs] == ["2.0.0-rc.1", "1.0.0"]
    assert vs[0]["purl"] == "pkg:universal/acme/tool@2.0.0-rc.1" and len(vs[0]["sha256"]) == 64
    assert c.get("api/packages/up/versions", params={"name": "missing"}).json() == []
    assert c.get("api/packages/up/latest", params={"name": "tool", "stableOnly": "true"}).json()[0]["version"] == "1.0.0"
    r = c.get("api/packages/up/download", params={"purl": "pkg:universal/acme/tool@1.0.0"})
    assert zipfile.ZipFile(io.BytesIO(r.content)).read("package/readme.txt") == b"v1.0.0"
    assert c.get("api/packages/nu/versions").json()[0]["purl"] == "pkg:nuget/Acme.Core@1.0.0"
    assert c.post("api/packages/up/delete", params={"name": "tool", "group": "acme", "version": "1.0.0"}).status_code == 200
    assert len(c.get("api/packages/up/versions").json()) == 1
    assert c.get("api/packages/files/versions").status_code == 404


def test_reset_removes_package_and_asset_files(feeds, sim):
    import os
    up(feeds, upack("tool", "1.0.0"))
    feeds.post("endpoints/files/content/a.bin", data=b"x")
    d = os.path.join(sim.data_dir, "files")
    assert len(os.listdir(d)) == 2
    sim.reset()
    assert not os.path.exists(d) or os.listdir(d) == []
