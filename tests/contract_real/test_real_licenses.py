"""Licenses: add, attached files across updates, delete.

Sources: docs Content/proget/api/licenses/#.md (System keys need Full Control), create.md
(POST/PUT add, 200 + LicenseInfo; the 2025 docs said an empty body), update.md (partial update),
delete.md (POST ?code=); pgutil Inedo.ProGet/ProGetClient.cs (delete ?id=, files/add?code=),
pgutil/Licenses/Detection/AddCommand.cs (update always sends hashes = license.Hashes),
Inedo.ProGet/LicenseInfo.cs.
"""
import hashlib

import pytest

from realapi import PREFIX, ok

LIC = "api/licenses/"


@pytest.fixture
def add_license(api, cleanup, name):
    r = api.get(LIC + "list")
    if r.status_code == 403:
        pytest.skip("the key may not use the Licenses API (docs: System key with Full Control)")

    def add(**fields):
        code = name("lic")
        cleanup(lambda: api.license(code) and api.delete_license(api.license(code)))
        r = api.post(LIC + "add", json=dict(code=code, title="cac.proget contract check", **fields))
        assert ok(r), "license add: %s %s" % (r.status_code, r.text[:300])
        lic = api.license(code)
        assert lic is not None and lic.get("id") is not None
        return lic, r
    return add


def test_license_update_keeps_files(api, add_license, cleanup, record):
    """Upload a file (files/add?code=); an update that sends hashes back (pgutil) keeps it; an
    update without hashes: kept or cleared, recorded (docs: partial update)."""
    lic, r = add_license()
    record("licenses.add reply", {"status": r.status_code, "body": "LicenseInfo" if r.text.strip().startswith("{")
                                  else "empty/other"}, "docs 2026: LicenseInfo; docs 2025: empty")
    content = ("cac.proget contract check license text %s\n" % PREFIX).encode()
    sha = hashlib.sha256(content).hexdigest()
    r = api.post(LIC + "files/add", params={"code": lic["code"]}, data=content)
    assert ok(r), "files/add: %s %s" % (r.status_code, r.text[:300])
    hashes = api.license(lic["code"]).get("hashes") or []
    cleanup(lambda: [api.post(LIC + "files/delete", params={"hash": h}) for h in hashes])
    assert hashes, "the uploaded file shows in hashes"
    record("licenses.file hash", "sha256 of the bytes sent" if sha in [h.lower() for h in hashes] else "other",
           "docs licenses/update.md: 64 hex; normalisation undocumented")
    base = {"id": lic["id"], "code": lic["code"]}
    r = api.post(LIC + "update", json=dict(base, title="t2", hashes=hashes))
    assert ok(r), "update with hashes: %s %s" % (r.status_code, r.text[:300])
    got = api.license(lic["code"])
    assert got.get("title") == "t2" and sorted(got.get("hashes") or []) == sorted(hashes)
    r = api.post(LIC + "update", json=dict(base, title="t3"))
    assert ok(r), "update without hashes: %s %s" % (r.status_code, r.text[:300])
    got = api.license(lic["code"])
    assert got.get("title") == "t3"
    kept = sorted(got.get("hashes") or []) == sorted(hashes)
    record("licenses.update without hashes", "files kept" if kept else "files cleared",
           "docs update.md: partial update; pgutil always sends hashes")


def test_license_delete(api, add_license, record):
    """POST licenses/delete?id=&code= (what the collection sends) deletes; ?id= alone (pgutil) and
    ?code= alone (docs) are recorded."""
    lic, _ = add_license()
    r = api.post(LIC + "delete", params={"id": lic["id"], "code": lic["code"]})
    record("licenses.delete ?id=&code=", r.status_code, "collection")
    assert ok(r), "%s %s" % (r.status_code, r.text[:300])
    assert api.license(lic["code"]) is None
    for label, params in (("?id= (pgutil)", "id"), ("?code= (docs)", "code")):
        lic, _ = add_license()
        r = api.post(LIC + "delete", params={params: lic[params]})
        record("licenses.delete " + label, {"status": r.status_code, "deleted": api.license(lic["code"]) is None},
               "pgutil ProGetClient.cs: ?id=; docs delete.md: ?code=")
