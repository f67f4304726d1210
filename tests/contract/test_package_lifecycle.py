"""Contract: the package lifecycle. Package status (docs packages/status.md, pgutil
PackageStatus.cs), promotion and its query (docs packages/promote/#.md, promotion-query.md), the
ProGet Free delete limit (docs administration/license.md), npm and Debian uploads (docs
packages/upload.md) and the refusal of files that are not packages of the feed's type.
The sim's readings: tests/progetsim/api_packages.py, api_promotions.py, packages.py."""
import io
import tarfile
import time

import pytest

from conftest import FORBIDDEN
from progetsim.packagefiles import deb, npm, nupkg, sdist, upack, wheel

FREE_API = "ProGet Free Edition does not support this API"


def ok(r, status=200):
    assert r.status_code == status, (r.status_code, r.text)
    return r


def nu_upload(c, feed, pkg_id, version):
    return ok(c.request("PUT", "api/packages/%s/upload" % feed, data=nupkg(pkg_id, version)))


def versions(c, feed, **params):
    return ok(c.get("api/packages/%s/versions" % feed, params=params)).json()


def status(c, feed, body, key=None, method="POST", **params):
    kw = {} if key is None else {"key": key}
    return c.request(method, "api/packages/%s/status" % feed, params=params, json=body, **kw)


# -- PackageVersionInfo and Set Package Status ----------------------------------------------------
def test_new_package_status_members(client):
    c = client
    c.create_feed("nu")
    nu_upload(c, "nu", "Acme", "1.0.0")
    row = versions(c, "nu", name="Acme")[0]
    # PackageVersionInfo.cs; the docs' example object shows listed and deprecated, no allowDownload
    assert row["listed"] is True and row["deprecated"] is False
    assert "allowDownload" not in row and "deprecationReason" not in row


def test_set_status_partial(client, sim):
    c = client
    c.create_feed("nu")
    nu_upload(c, "nu", "Acme", "1.0.0")
    nu_upload(c, "nu", "Acme", "2.0.0")
    ident = {"name": "Acme", "version": "1.0.0"}
    r = ok(status(c, "nu", {"listed": False}, **ident))
    assert r.text == ""
    row = versions(c, "nu", **ident)[0]
    assert row["listed"] is False and row["deprecated"] is False and "allowDownload" not in row
    ok(status(c, "nu", {"deprecated": True, "deprecationReason": "Legacy"}, **ident))
    ok(status(c, "nu", {"allow": False}, **ident))
    row = versions(c, "nu", **ident)[0]      # omitted members kept their values
    assert (row["listed"], row["deprecated"], row["deprecationReason"], row["allowDownload"]) == (
        False, True, "Legacy", False)
    assert versions(c, "nu", name="Acme", version="2.0.0")[0]["listed"] is True   # one version only
    ok(status(c, "nu", {"listed": True}, method="PUT", **ident))     # docs status.md: POST or PUT
    ok(status(c, "nu", {}, **ident))
    row = versions(c, "nu", **ident)[0]
    assert row["listed"] is True and row["allowDownload"] is False and row["deprecated"] is True
    ok(status(c, "nu", {"allow": True, "deprecationReason": "Old"}, purl="pkg:nuget/Acme@1.0.0"))
    row = versions(c, "nu", **ident)[0]
    assert row["allowDownload"] is True and row["deprecationReason"] == "Old"
    ok(status(c, "nu", {"allow": None, "deprecated": False}, **ident))   # null allow = not set
    row = versions(c, "nu", **ident)[0]
    assert "allowDownload" not in row and row["deprecated"] is False and "deprecationReason" not in row
    latest = ok(c.get("api/packages/nu/latest", params={"name": "Acme"})).json()[0]
    assert latest["version"] == "2.0.0" and latest["deprecated"] is False

    # status_allow_omitted=clear: a C# server cannot tell an omitted allow from null
    ok(status(c, "nu", {"allow": False}, **ident))
    sim.config(status_allow_omitted="clear")
    ok(status(c, "nu", {"listed": False}, **ident))
    assert "allowDownload" not in versions(c, "nu", **ident)[0]


def test_set_status_errors(client, sim):
    c = client
    c.create_feed("nu")
    c.create_feed("py", "pypi")
    nu_upload(c, "nu", "Acme", "1.0.0")
    ident = {"name": "Acme", "version": "1.0.0"}
    for body in ({"listed": "no"}, {"allow": 1}, {"deprecated": "true"}, {"deprecationReason": 5}, [True]):
        assert status(c, "nu", body, **ident).status_code == 400, body
    assert c.post("api/packages/nu/status", params=ident).status_code == 400          # no body
    # docs status.md (2024-12 table): 200, 400, 403, 500; an unknown package is invalid input
    r = status(c, "nu", {"listed": False}, name="Acme", version="9.9.9")
    assert r.status_code == 400 and r.text
    assert status(c, "nu", {"listed": False}, name="Acme").status_code == 400         # no version
    assert status(c, "missing", {"listed": False}, **ident).status_code == 404
    assert c.get("api/packages/nu/status", params=ident).status_code == 405
    # a PyPI version with two files: the identifiers must name one
    for f in (wheel("demo", "1.0.0"), sdist("demo", "1.0.0")):
        ok(c.request("PUT", "api/packages/py/upload/" + f[0], data=f[1]))
    r = status(c, "py", {"listed": False}, name="demo", version="1.0.0")
    assert r.status_code == 400 and "more than one" in r.text
    ok(status(c, "py", {"listed": False}, name="demo", version="1.0.0", qualifier="file=demo-1.0.0.tar.gz"))
    rows = dict((x["qualifier"], x["listed"]) for x in versions(c, "py", name="demo"))
    assert rows == {"file=demo-1.0.0.tar.gz": False, "file=demo-1.0.0-py3-none-any.whl": True}


def test_set_status_permissions(client, sim):
    c = client
    c.create_feed("nu")
    nu_upload(c, "nu", "Acme", "1.0.0")
    ident = {"name": "Acme", "version": "1.0.0"}
    r = status(c, "nu", {"listed": False}, key="wrong", **ident)
    assert r.status_code == 403 and r.text == FORBIDDEN
    view = c.create_key(type="Feed", feed="nu", packagePermissions=["view", "add"])["key"]
    assert status(c, "nu", {"listed": False}, key=view, **ident).status_code == 403
    delete = c.create_key(type="Feed", feed="nu", packagePermissions=["view", "delete"])["key"]
    ok(status(c, "nu", {"listed": False}, key=delete, **ident))
    sim.add_user("dev", "pw", ["View & Download Packages"])
    assert status(c, "nu", {"listed": True}, key="dev:pw", **ident).status_code == 403
    sim.add_user("curator", "pw", ["Feeds_ViewFeed", "Feeds_UnlistPackage"])
    ok(status(c, "nu", {"listed": True}, key="curator:pw", **ident))


# -- promotion -------------------------------------------------------------------------------------
@pytest.fixture
def paid(client, sim):
    sim.config(edition="basic")
    return client


def promote(c, key=None, **body):
    kw = {} if key is None else {"key": key}
    return c.post("api/promotions/promote", json=body, **kw)


def test_promotion_not_on_free(client, sim):
    c = client
    c.create_feed("dev")
    c.create_feed("prod")
    nu_upload(c, "dev", "Acme", "1.0.0")
    body = dict(fromFeed="dev", toFeed="prod", name="Acme", version="1.0.0")
    r = promote(c, **body)
    assert r.status_code == 403 and r.text == FREE_API
    assert promote(c, key="wrong", **body).text == FORBIDDEN        # credentials first
    assert versions(c, "prod") == []
    assert ok(c.get("api/promotions/list")).json() == []


def test_promote_copies_and_records(paid, sim):
    c = paid
    c.create_feed("dev")
    c.create_feed("prod")
    nu_upload(c, "dev", "Acme", "1.0.0")
    nu_upload(c, "dev", "Acme", "1.1.0-rc.1")
    r = promote(c, fromFeed="dev", toFeed="prod", name="Acme", version="1.0.0", comments="approved")
    assert r.status_code == 200 and r.text == ""
    assert [v["version"] for v in versions(c, "prod")] == ["1.0.0"]
    assert len(versions(c, "dev")) == 2                       # the source keeps its package
    src = ok(c.get("api/packages/dev/download", params={"name": "Acme", "version": "1.0.0"})).content
    dst = ok(c.get("api/packages/prod/download", params={"name": "Acme", "version": "1.0.0"})).content
    assert src == dst
    ok(c.post("api/packages/dev/delete", params={"name": "Acme", "version": "1.0.0"}))
    assert ok(c.get("api/packages/prod/download", params={"name": "Acme", "version": "1.0.0"})).content == src

    listed = ok(c.get("api/promotions/list")).json()
    assert len(listed) == 1
    item = listed[0]
    assert set(item) == {"package", "packageType", "version", "promotions"}     # no group for NuGet
    assert (item["package"], item["packageType"], item["version"]) == ("Acme", "nuget", "1.0.0")
    (p,) = item["promotions"]
    assert (p["fromFeed"], p["toFeed"], p["user"], p["comments"]) == ("dev", "prod", "SYSTEM", "approved")
    assert isinstance(p["id"], int) and len(p["date"]) == 19 and p["date"][10] == "T"

    # promoting a version the target has: promote_existing=refuse (default) / replace
    r = promote(c, fromFeed="dev", toFeed="prod", name="Acme", version="1.1.0-rc.1")
    ok(r)
    r = promote(c, fromFeed="dev", toFeed="prod", name="acme", version="1.1.0-RC.1")
    assert r.status_code == 400 and "already exists" in r.text
    sim.config(promote_existing="replace")
    ok(promote(c, fromFeed="dev", toFeed="prod", name="Acme", version="1.1.0-rc.1", comments="again"))
    rc = [x for x in ok(c.get("api/promotions/list")).json() if x["version"] == "1.1.0-rc.1"]
    assert [p["comments"] for p in rc[0]["promotions"]] == [None, "again"]
    assert len(versions(c, "prod")) == 2


def test_promote_input_and_errors(paid):
    c = paid
    for name, t in (("dev", "nuget"), ("prod", "nuget"), ("py", "pypi"), ("files", "asset")):
        c.create_feed(name, t)
    nu_upload(c, "dev", "Acme", "1.0.0")
    nu_upload(c, "dev", "Acme", "2.0.0-beta")
    base = dict(fromFeed="dev", toFeed="prod", name="Acme", version="1.0.0")
    for missing in ("fromFeed", "toFeed", "name", "version"):
        body = dict(base)
        del body[missing]
        assert promote(c, **body).status_code == 400, missing
    assert promote(c, **dict(base, version=1)).status_code == 400
    for change in ({"toFeed": "py"}, {"toFeed": "files"}, {"toFeed": "nope"}, {"fromFeed": "nope"},
                   {"version": "3.0.0"}, {"name": "Other"}):
        r = promote(c, **dict(base, **change))
        assert r.status_code == 400 and r.text, change
    assert c.post("api/promotions/promote", data="{", headers={"Content-Type": "application/json"}).status_code == 400
    assert c.get("api/promotions/promote").status_code == 405
    # docs promote/#.md: form-encoded values work too
    r = c.post("api/promotions/promote", data={"fromFeed": "dev", "toFeed": "prod", "name": "Acme",
                                               "version": "1.0.0", "comments": "form"})
    ok(r)
    # "latest" / "latest-stable" (promotion-query.md)
    ok(promote(c, **dict(base, version="latest")))
    assert sorted(v["version"] for v in versions(c, "prod")) == ["1.0.0", "2.0.0-beta"]
    c.create_feed("prod2")
    ok(promote(c, **dict(base, toFeed="prod2", version="latest-stable")))
    assert [v["version"] for v in versions(c, "prod2")] == ["1.0.0"]


def test_promote_multi_file_and_scoped_packages(paid):
    c = paid
    for name, t in (("py1", "pypi"), ("py2", "pypi"), ("npm1", "npm"), ("npm2", "npm"),
                    ("up1", "universal"), ("up2", "universal")):
        c.create_feed(name, t)
    for f in (wheel("demo", "1.0.0"), sdist("demo", "1.0.0")):
        ok(c.request("PUT", "api/packages/py1/upload/" + f[0], data=f[1]))
    ok(promote(c, fromFeed="py1", toFeed="py2", name="demo", version="1.0.0"))
    assert sorted(v["qualifier"] for v in versions(c, "py2")) == [
        "file=demo-1.0.0-py3-none-any.whl", "file=demo-1.0.0.tar.gz"]
    ok(c.request("PUT", "api/packages/npm1/upload", data=npm("left-pad", "1.0.0", scope="acme")))
    # docs promote/#.md: "For npm feeds, group should be the package scope (e.g. @mycompany)"
    ok(promote(c, fromFeed="npm1", toFeed="npm2", group="@acme", name="left-pad", version="1.0.0"))
    assert [(v["group"], v["name"]) for v in versions(c, "npm2")] == [("acme", "left-pad")]
    ok(c.post("upack/up1/upload", data=upack("tool", "1.0.0", "grp")))
    ok(c.post("upack/up1/upload", data=upack("tool", "1.0.0")))
    ok(promote(c, fromFeed="up1", toFeed="up2", name="tool", version="1.0.0"))      # no group: the one without
    assert [v.get("group") for v in versions(c, "up2")] == [None]
    ok(promote(c, fromFeed="up1", toFeed="up2", group="grp", name="tool", version="1.0.0"))

    listed = ok(c.get("api/promotions/list")).json()
    assert [(x.get("group"), x["package"], x["packageType"]) for x in listed] == [
        (None, "demo", "pypi"), ("acme", "left-pad", "npm"), (None, "tool", "upack"), ("grp", "tool", "upack")]
    # filters (promotion-query.md: fromFeed, toFeed, group, package, version)
    q = lambda **kw: ok(c.get("api/promotions/list", params=kw)).json()    # noqa: E731
    assert [x["package"] for x in q(fromFeed="PY1")] == ["demo"]
    assert [x["package"] for x in q(toFeed="npm2", group="acme")] == ["left-pad"]
    assert [x["package"] for x in q(group="@acme")] == ["left-pad"]
    assert [x.get("group") for x in q(package="tool")] == [None, "grp"]
    assert q(package="tool", version="2.0.0") == [] and q(fromFeed="nope") == []


def test_promotion_permissions_and_query_auth(paid, sim):
    c = paid
    for name in ("dev", "prod", "other"):
        c.create_feed(name)
    nu_upload(c, "dev", "Acme", "1.0.0")
    body = dict(fromFeed="dev", toFeed="prod", name="Acme", version="1.0.0")
    view = c.create_key(type="Feed", feed="prod", packagePermissions=["view", "add"])["key"]
    r = promote(c, key=view, **body)
    assert r.status_code == 403 and r.text == FORBIDDEN
    sim.add_user("viewer", "pw", ["View & Download Packages"])
    assert promote(c, key="viewer:pw", **body).status_code == 403
    # docs package-promotion/#.md: the Promote Packages task (Feeds_AcceptPackagePromotions) plus
    # View & Download on the source feed
    sim.add_user("promoter", "pw", ["Promote Packages"])
    ok(promote(c, key="promoter:pw", **body))
    nu_upload(c, "other", "Solo", "1.0.0")
    ok(promote(c, fromFeed="other", toFeed="dev", name="Solo", version="1.0.0"))

    # query: no key and Anonymous cannot view -> 401 challenge; a bad key -> 403
    r = c.get("api/promotions/list", key=None)
    assert r.status_code == 401 and "Basic" in r.headers["WWW-Authenticate"]
    assert c.get("api/promotions/list", key="wrong").status_code == 403
    sca = c.create_key(type="System", systemApis=["sca"])["key"]
    assert c.get("api/promotions/list", key=sca).status_code == 403
    sim.config(anonymous="view")
    assert len(ok(c.get("api/promotions/list", key=None)).json()) == 2
    # only promotions the caller may view (a Feed key sees those of its feed)
    mine = ok(c.get("api/promotions/list", key=view)).json()
    assert [x["package"] for x in mine] == ["Acme"]


# -- ProGet Free: 10 package deletes per hour through the API ----------------------------------------
def test_free_delete_limit(client, sim):
    c = client
    c.create_feed("up", "universal")
    for i in range(12):
        ok(c.post("upack/up/upload", data=upack("tool", "1.0.%d" % i)))
    for i in range(10):
        ok(c.post("api/packages/up/delete", params={"name": "tool", "version": "1.0.%d" % i}))
    r = c.post("api/packages/up/delete", params={"name": "tool", "version": "1.0.10"})
    assert r.status_code == 429 and "10 package deletes per hour" in r.text
    assert len(versions(c, "up")) == 2
    ok(c.request("DELETE", "upack/up/delete/tool/1.0.10"))          # the Universal Feed API does not count
    sim.config(edition="basic")
    ok(c.post("api/packages/up/delete", params={"name": "tool", "version": "1.0.11"}))


def test_free_delete_limit_window_and_reset(client, sim):
    c = client
    sim.config(free_delete_limit=2, free_delete_window_s=1)
    c.create_feed("up", "universal")
    for i in range(4):
        ok(c.post("upack/up/upload", data=upack("tool", "1.0.%d" % i)))
    for i in range(2):
        ok(c.post("api/packages/up/delete", params={"name": "tool", "version": "1.0.%d" % i}))
    assert c.post("api/packages/up/delete", params={"name": "tool", "version": "1.0.2"}).status_code == 429
    time.sleep(1.1)
    ok(c.post("api/packages/up/delete", params={"name": "tool", "version": "1.0.2"}))
    sim.reset()                     # the count starts again, the switches return to their start values
    c.create_feed("up", "universal")
    for i in range(11):
        ok(c.post("upack/up/upload", data=upack("tool", "2.0.%d" % i)))
    for i in range(10):
        ok(c.post("api/packages/up/delete", params={"name": "tool", "version": "2.0.%d" % i}))
    sim.config(free_delete_limit=0)
    ok(c.post("api/packages/up/delete", params={"name": "tool", "version": "2.0.10"}))


# -- npm and Debian uploads; files of another type are refused ----------------------------------------
def test_npm_upload_and_identifiers(client):
    c = client
    c.create_feed("js", "npm")
    ok(c.request("PUT", "api/packages/js/upload", data=npm("left-pad", "1.3.0")))
    ok(c.request("PUT", "api/packages/js/upload", data=npm("core", "2.0.0", scope="acme")))
    info = ok(c.get("api/packages/js")).json()
    assert info["packageType"] == "npm"
    rows = dict((r["name"], r) for r in versions(c, "js"))
    assert "group" not in rows["left-pad"] and rows["left-pad"]["purl"] == "pkg:npm/left-pad@1.3.0"
    assert rows["core"]["group"] == "acme" and rows["core"]["purl"] == "pkg:npm/%40acme/core@2.0.0"
    # docs packages/#.md: group=angular; pgutil sends group=@scope
    for g in ("acme", "@acme"):
        assert [r["name"] for r in versions(c, "js", group=g, name="core")] == ["core"]
        r = ok(c.get("api/packages/js/download", params={"group": g, "name": "core", "version": "2.0.0"}))
        with tarfile.open(fileobj=io.BytesIO(r.content)) as t:
            assert b'"@acme/core"' in t.extractfile("package/package.json").read()
    r = ok(c.get("api/packages/js/download", params={"purl": "pkg:npm/%40acme/core@2.0.0"}))
    assert 'filename="core-2.0.0.tgz"' in r.headers["Content-Disposition"]
    ok(c.post("api/packages/js/delete", params={"group": "@acme", "name": "core", "version": "2.0.0"}))
    assert [r["name"] for r in versions(c, "js")] == ["left-pad"]


def test_debian_upload_and_identifiers(client):
    c = client
    c.create_feed("apt", "debian")
    f64, f_arm = deb("hello", "2.10-3", "amd64"), deb("hello", "2.10-3", "arm64")
    # docs packages/upload.md: Debian feeds require a distribution
    r = c.request("PUT", "api/packages/apt/upload", data=f64[1])
    assert r.status_code == 400 and "distribution" in r.text
    ok(c.request("PUT", "api/packages/apt/upload", params={"distribution": "stable"}, data=f64[1]))
    ok(c.request("PUT", "api/packages/apt/upload", params={"distribution": "stable", "component": "contrib"},
                 data=f_arm[1]))
    assert ok(c.get("api/packages/apt")).json()["packageType"] == "deb"
    rows = versions(c, "apt", name="hello")
    # pgutil QualifierOptions.cs: arch, component, distro, sorted by key
    assert sorted(r["qualifier"] for r in rows) == ["arch=amd64&component=main&distro=stable",
                                                    "arch=arm64&component=contrib&distro=stable"]
    assert all("group" not in r for r in rows)
    assert "pkg:deb/hello@2.10-3?arch=amd64&component=main&distro=stable" in [r["purl"] for r in rows]
    ident = {"name": "hello", "version": "2.10-3"}
    r = c.get("api/packages/apt/download", params=ident)
    assert r.status_code == 400 and "more than one" in r.text
    r = ok(c.get("api/packages/apt/download", params=dict(ident, qualifier="arch=amd64&component=main&distro=stable")))
    assert r.content == f64[1] and 'filename="hello_2.10-3_amd64.deb"' in r.headers["Content-Disposition"]
    # the older docs example: group=main&qualifier=arch%3Damd64 (group = component)
    assert ok(c.get("api/packages/apt/download", params=dict(ident, group="main", qualifier="arch=amd64"))
              ).content == f64[1]
    assert c.get("api/packages/apt/download", params=dict(ident, group="main", qualifier="arch=arm64")
                 ).status_code == 404
    ok(c.post("api/packages/apt/delete", params=dict(ident, qualifier="arch=arm64")))
    assert [r["qualifier"] for r in versions(c, "apt")] == ["arch=amd64&component=main&distro=stable"]


@pytest.mark.parametrize("feed_type,data", [
    ("universal", nupkg("Acme", "1.0.0")),
    ("nuget", upack("tool", "1.0.0")),
    ("npm", upack("tool", "1.0.0")),
    ("npm", sdist("demo", "1.0.0")[1]),                  # a tarball without package/package.json
    ("debian", npm("left-pad", "1.0.0")),
    ("debian", b"!<arch>\nnot really"),
])
def test_files_of_another_type_are_refused(client, feed_type, data):
    c = client
    c.create_feed("f", feed_type)
    params = {"distribution": "stable"} if feed_type == "debian" else {}
    r = c.request("PUT", "api/packages/f/upload", params=params, data=data)
    assert r.status_code == 400 and r.text
    assert versions(c, "f") == []
