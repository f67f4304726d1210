"""Packages API version rows carry `qualifier` (read-only; skipped when no feed has packages).

Sources: docs Content/proget/api/packages/list-versions.md ("For feed types that can have multiple
files associated with a version, the array may contain more than one item (such as PyPI, Conda,
Ruby, etc)"), packages/list.md (GET latest), packages/#.md (qualifier identifies a file);
pgutil Inedo.ProGet/PackageVersionInfo.cs (Qualifier), pgutil/Packages/QualifierOptions.cs.
"""
import io
import tarfile
import zipfile

import pytest

from realapi import MULTI_FILE_TYPES, ok

METADATA = b"Metadata-Version: 2.1\nName: cacct-pkg\nVersion: 1.0.0\n"


@pytest.fixture
def sim_packages(api, make_feed):
    """Only against the bundled test server: a PyPI feed with a wheel and an sdist of one version."""
    if not api.is_sim:
        return
    feed, _ = make_feed("pypi")
    whl = io.BytesIO()
    with zipfile.ZipFile(whl, "w") as z:
        z.writestr("cacct_pkg-1.0.0.dist-info/METADATA", METADATA)
    sdist = io.BytesIO()
    with tarfile.open(fileobj=sdist, mode="w:gz") as t:
        info = tarfile.TarInfo("cacct-pkg-1.0.0/PKG-INFO")
        info.size = len(METADATA)
        t.addfile(info, io.BytesIO(METADATA))
    for file_name, data in (("cacct_pkg-1.0.0-py3-none-any.whl", whl), ("cacct-pkg-1.0.0.tar.gz", sdist)):
        r = api.request("PUT", "api/packages/%s/upload/%s" % (feed, file_name), data=data.getvalue())
        assert ok(r), "%s %s" % (r.status_code, r.text[:200])


def test_versions_rows_carry_qualifier(api, record, sim_packages):
    """For a multi-file feed type with packages: several rows of one version differ by
    `qualifier`. Other feed types: whether rows have the key is recorded. Against the bundled test
    server a PyPI feed is seeded first; a real server is only read."""
    feeds = [f for f in api.json_list("api/management/feeds/list")
             if f.get("feedType") != "asset" and f.get("active", True) is not False]
    feeds.sort(key=lambda f: f.get("feedType") not in MULTI_FILE_TYPES)
    seen = {}
    for f in feeds[:8]:
        r = api.get("api/packages/%s/latest" % f["name"])
        if r.status_code != 200 or not isinstance(r.json(), list) or not r.json():
            continue
        pkg = r.json()[0]
        params = {"name": pkg["name"]}
        if pkg.get("group"):
            params["group"] = pkg["group"]
        rows = api.get("api/packages/%s/versions" % f["name"], params=params).json()
        assert isinstance(rows, list) and rows, "versions is always an array (list-versions.md)"
        by_version = {}
        for row in rows:
            by_version.setdefault(row["version"], []).append(row)
        multi = [v for v in by_version.values() if len(v) > 1]
        ftype = f["feedType"].lower()
        seen[ftype] = {"rows with a qualifier key": sum("qualifier" in row for row in rows),
                       "rows": len(rows), "versions with several rows": len(multi)}
        for group in multi:
            quals = [row.get("qualifier") for row in group]
            assert all(quals) and len(set(quals)) == len(quals), \
                "%s: rows of one version differ by qualifier: %s" % (ftype, quals)
        if ftype in MULTI_FILE_TYPES and multi:
            break
    if not seen:
        pytest.skip("no feed with packages on this server")
    record("packages.versions rows", seen, "PackageVersionInfo.cs: qualifier; list-versions.md")
