"""/health and the version headers.

Sources: docs Content/proget/api/health.md (2026: /health plain text, JSON at /health/json and
/health?format=json; 2025 and earlier: always JSON; 500 = a health problem, same body);
pgutil Inedo.ProGet/ProGetHealthInfo.cs (field names), pgutil/Health/HealthCommand.cs ("all OK"
includes replicationStatus.serverStatus/clientStatus, null counting as OK), Inedo.ProGet/ProGetClient.cs
CheckResponseAsync (X-ProGet-Version parsed as a .NET Version, X-ProGet-Edition as Free|Basic|Enterprise).
"""
import re

import pytest

from realapi import Api

REQUIRED = ("databaseStatus", "licenseStatus", "serviceStatus", "versionNumber", "releaseNumber")
REPLICATION = ("serverStatus", "serverError", "clientStatus", "clientError")


def health_json(api, path):
    r = api.get(path, key=None)
    assert r.status_code in (200, 500), "%s: %s" % (path, r.status_code)
    try:
        info = r.json()
    except ValueError:
        pytest.fail("%s: not JSON: %r" % (path, r.text[:200]))
    assert isinstance(info, dict)
    missing = [k for k in REQUIRED if k not in info]
    assert not missing, "%s: ProGetHealthInfo.cs required names missing: %s" % (path, missing)
    for k in ("databaseStatus", "licenseStatus", "serviceStatus"):
        assert str(info[k]).lower() in ("ok", "error"), (k, info[k])
    rep = info.get("replicationStatus")
    assert rep is None or isinstance(rep, dict)
    return r, info


def check_health_forms(api, record=None):
    """The 2025 / 2026 forms of /health; returns the parsed ProGetHealthInfo."""
    r, info = health_json(api, "health?format=json")
    major = api.version[0] if api.version else 0
    plain = api.get("health", key=None)
    is_json = plain.text.lstrip().startswith("{")
    if major >= 26:
        assert not is_json, "2026: /health answers plain text (health.md)"
        assert plain.status_code in (200, 500)
        if plain.status_code == 200:
            assert plain.text.strip() == "OK", plain.text[:100]
        health_json(api, "health/json")
    else:
        assert is_json, "2025 and earlier: /health is always JSON (health.md)"
        health_json(api, "health")
        if record:
            record("health./health/json on <=2025", api.get("health/json", key=None).status_code,
                   "docs health.md: silent for 2025")
    return r, info


def test_health_json(api, record):
    """/health?format=json: ProGetHealthInfo names; replicationStatus (ProGetHealthInfo.cs);
    /health plain text on 2026, JSON on 2025 (health.md)."""
    r, info = check_health_forms(api, record)
    record("health.status", r.status_code, "health.md: 200 healthy, 500 a problem")
    record("health.versionNumber / releaseNumber", "%s / %s" % (info["versionNumber"], info["releaseNumber"]),
           "ProGetHealthInfo.cs: format undocumented")
    details = sorted(k for k in info if k.lower().startswith(("databasestatusdetail", "licensestatusdetail",
                                                             "servicestatusdetail")))
    record("health.detail names", details, "ProGetHealthInfo.cs: databaseStatusDetails (plural), "
           "licenseStatusDetail, serviceStatusDetail")
    rep = info.get("replicationStatus")
    if rep is None:
        record("health.replicationStatus", "absent or null", "ProGetHealthInfo.cs: nullable")
    else:
        record("health.replicationStatus", {k: ("present" if k in rep else "absent") for k in REPLICATION},
               "ProGetHealthInfo.cs ReplicationStatusInfo")
    statuses = [info.get("databaseStatus"), info.get("licenseStatus"), info.get("serviceStatus"),
                (rep or {}).get("serverStatus"), (rep or {}).get("clientStatus")]
    all_ok = all((s or "OK") == "OK" for s in statuses)
    record("health.all OK (pgutil HealthCommand.cs)", all_ok, "pgutil/Health/HealthCommand.cs",
           {"status": r.status_code})


def test_version_headers(api, record):
    """X-ProGet-Version (a .NET Version such as 25.0.13.5) and X-ProGet-Edition
    (Free|Basic|Enterprise, case-insensitive) on API responses (ProGetClient.cs CheckResponseAsync)."""
    r = api.get("api/management/feeds/list")
    assert r.status_code == 200, r.status_code
    version, edition = r.headers.get("X-ProGet-Version"), r.headers.get("X-ProGet-Edition")
    assert version and re.match(r"^\d+\.\d+(\.\d+){0,2}$", version), version
    assert edition, "X-ProGet-Edition missing"
    record("headers.X-ProGet-Edition value", edition, "ProGetClient.cs: parsed case-insensitively",
           {"known": edition.lower() in ("free", "basic", "enterprise")})
    h = api.get("health?format=json", key=None).headers
    record("headers on /health", {"X-ProGet-Version": "X-ProGet-Version" in h,
                                  "X-ProGet-Edition": "X-ProGet-Edition" in h}, "undocumented")


def test_health_2026_test_server(api, tmp_path):
    """Only against the bundled test server: the same checks in its 2026 mode."""
    if not api.is_sim:
        pytest.skip("runs only against the bundled test server")
    from progetsim.testing import SimProcess
    with SimProcess(str(tmp_path / "sim26"), "--version", "26.0.12.24") as sim:
        a = Api(sim.url, None)
        a.version = (26, 0, 12, 24)
        check_health_forms(a)
