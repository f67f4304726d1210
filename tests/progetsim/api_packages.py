"""Common Packages API (docs packages/*.md):
``/api/packages/{feed}[/versions|latest|download|upload|delete|status]``.

Serves the universal, NuGet, PyPI, npm and Debian feeds of the sim. A missing package gives an
empty array.
A version may have several files (PyPI), one row each in ``versions`` with its ``qualifier``
(PackageVersionInfo.cs); single-version endpoints take ``qualifier=`` (pgutil ProGetClient.cs
GetPackageUrl) or the purl's qualifiers, and refuse identifiers that match more than one file.
"""
import re
import time

from . import files, packages
from .core import HttpError, bad_request, empty, json_response, not_found

PURL = re.compile(r"^pkg:(?P<type>[^/]+)/(?:(?P<group>.+)/)?(?P<name>[^/@?#]+)"
                  r"(?:@(?P<version>[^?#]+))?(?:\?(?P<qualifier>[^#]*))?")
PURL_TYPES = {"universal": "universal", "nuget": "nuget", "pypi": "pypi", "npm": "npm", "debian": "deb"}
# BasicFeedInfo.packageType: pgutil Packages/QualifierOptions.cs compares it with "upack" (not
# "universal") for universal packages and "deb" for Debian; the other types served here use
# their feed type name.
PACKAGE_TYPES = {"universal": "upack", "debian": "deb"}
AMBIGUOUS = "The package identifiers match more than one package."


def ident(req):
    """-> (group, name, version, qualifier) from ``purl`` or the separate parameters."""
    purl = req.arg("purl")
    if purl:
        m = PURL.match(purl)
        if not m:
            raise bad_request("Invalid purl '%s'." % purl)
        return m.group("group") or None, m.group("name"), m.group("version"), m.group("qualifier") or None
    return (req.arg("group"), req.arg("name") or None, req.arg("version") or None,
            req.arg("qualifier") or None)


def package_type(feed):
    return PACKAGE_TYPES.get(feed["feedType"], feed["feedType"])


def info_out(feed, rec):
    """PackageVersionInfo (pgutil PackageVersionInfo.cs). ``allowDownload`` (bool?: "when not
    specified, use normal package/compliance rules") and ``deprecationReason`` are omitted while
    not set, as in the docs' example object (2024-12 eb190e69 proget-api-packages/#.md, which
    shows ``listed`` and ``deprecated`` and neither of those)."""
    t = PURL_TYPES[feed["feedType"]]
    g = rec.get("group") or ""
    q = rec.get("qualifier")
    ns = ("%40" + g if t == "npm" else g) + "/" if g else ""   # docs: pkg:npm/%40angular/animation@12.3.1
    purl = "pkg:%s/%s%s@%s%s" % (t, ns, rec["name"], rec["version"], "?" + q if q else "")
    out = {"purl": purl, "name": rec["name"], "version": rec["version"],
           "totalDownloads": rec.get("downloads", 0), "downloads": rec.get("downloads", 0),
           "published": rec["published"], "publishedBy": rec.get("publishedBy"),
           "size": rec["size"], "listed": rec.get("listed", True)}
    if g:
        out["group"] = g
    if q:
        out["qualifier"] = q
    for h in files.HASHES:
        out[h] = rec[h]
    if rec.get("allow") is not None:
        out["allowDownload"] = rec["allow"]
    out["deprecated"] = bool(rec.get("deprecated", False))
    if rec.get("deprecationReason") is not None:
        out["deprecationReason"] = rec["deprecationReason"]
    return out


def feed_info(req, feed):
    f = packages.package_feed(req, feed, "feeds.view")
    return json_response({"id": f["_id"], "name": f["name"], "feedType": f["feedType"],
                          "packageType": package_type(f)})


def versions(req, feed):
    f = packages.package_feed(req, feed, "feeds.view")
    group, name, version, qualifier = ident(req)
    return json_response([info_out(f, r) for r in packages.select(req, f, name, group, version, qualifier)])


def latest(req, feed):
    f = packages.package_feed(req, feed, "feeds.view")
    group, name, _, _ = ident(req)
    stable = str(req.arg("stableOnly") or "").lower() == "true"
    by = {}
    for r in packages.select(req, f, name, group):
        by.setdefault(((r.get("group") or "").lower(), r["name"].lower()), []).append(r)
    out = []
    for k in sorted(by):
        top = packages.latest(by[k], stable_only=stable)
        if top is not None:
            out.append(info_out(f, top))
    return json_response(out)


def one_file(recs):
    """The single file the identifiers name. docs packages/download.md: "The package identifier
    you use must resolve to a single package, otherwise a 400 will be returned." """
    if len(recs) > 1:
        raise bad_request(AMBIGUOUS)
    return recs[0] if recs else None


def download(req, feed):
    f = packages.package_feed(req, feed, "feeds.download")
    group, name, version, qualifier = ident(req)
    if not name:
        raise bad_request("A package name (or purl) is required.")
    if version is None and req.arg("latest") is None:
        raise bad_request("Specify a version, or latest.")
    recs = packages.select(req, f, name, group, version, qualifier)
    top = packages.latest(recs)
    rec = one_file([r for r in recs if top is not None and r["version"] == top["version"]])
    if rec is None:
        raise not_found("Package %s %s was not found." % (name, version or "(latest)"))
    return packages.file_response(req, rec)


def upload(req, feed, file_name=None):
    f = packages.package_feed(req, feed, "feeds.add")
    packages.upload(req, f, file_name=file_name)
    return empty(200)  # docs packages/upload.md: "A successful 200 response"


def one_package(req, f):
    """The single package file the identifiers name, or 400 (docs packages/delete.md and
    status.md, 2024-07/2024-12 tables: 200, 400 "invalid or missing properties", 403, 500; no 404
    as for download)."""
    group, name, version, qualifier = ident(req)
    if not name or not version:
        raise bad_request("A package name and version (or purl) are required.")
    rec = one_file(packages.select(req, f, name, group, version, qualifier))
    if rec is None:
        raise bad_request("Package %s %s was not found." % (name, version))
    return rec


# -- ProGet Free: package deletes per hour --------------------------------------------------------
# docs administration/license.md: "ProGet Free is also limited to 10/deletes per hour when using
# the API"; "For ProGet 2023 Free Edition, we added the rate limit for deleting packages using the
# new packages API" (so /upack and NuGet deletes do not count). No source gives the answer once the
# limit is reached: 429 with a text body (our reading). Successful deletes count, in a sliding
# window (config free_delete_limit, free_delete_window_s); the count is in memory and /__sim/reset
# clears it.
FREE_DELETE_TEXT = ("ProGet Free Edition is limited to %d package deletes per hour through the API; "
                    "try again later.")


def RESET(sim):
    sim.free_deletes = []


def check_free_delete_limit(req):
    sim = req.sim
    limit = sim.config["free_delete_limit"]
    if sim.config["edition"] != "free" or not limit:
        return None
    now = time.monotonic()
    recent = [t for t in getattr(sim, "free_deletes", []) if now - t < sim.config["free_delete_window_s"]]
    sim.free_deletes = recent
    if len(recent) >= limit:
        raise HttpError(429, FREE_DELETE_TEXT % limit)
    return now


def delete(req, feed):
    f = packages.package_feed(req, feed, "feeds.delete")
    rec = one_package(req, f)
    when = check_free_delete_limit(req)
    packages.delete(req, rec)
    if when is not None:
        req.sim.free_deletes.append(when)
    return empty(200)


# -- Set Package Status ----------------------------------------------------------------------------
def status(req, feed):
    """docs packages/status.md (2023.18+): POST or PUT a PackageStatus (pgutil PackageStatus.cs:
    ``listed``, ``allow``, ``deprecated``, ``deprecationReason``) for one package; 200, empty.
    Members that are omitted or null keep their value, except ``allow``, whose null means "not
    set" (PackageStatus.cs "Download override flag (default null)"; pgutil ``status blocked
    --state=notset``) and which config ``status_allow_omitted`` may also clear when omitted.
    ``deprecated: false`` also clears the reason (PackageVersionInfo.cs: the reason goes with
    ``deprecated: true``; our reading). Unknown package: 400 (see one_package)."""
    f = packages.package_feed(req, feed, "feeds.unlist")
    body = req.json_object()
    given = dict((k.lower(), v) for k, v in body.items())
    for key in ("listed", "allow", "deprecated"):
        if given.get(key) is not None and not isinstance(given[key], bool):
            raise bad_request("Invalid value for %s: expected true, false or null." % key)
    reason = given.get("deprecationreason")
    if reason is not None and not isinstance(reason, str):
        raise bad_request("Invalid value for deprecationReason: expected a string.")
    rec = one_package(req, f)
    if given.get("listed") is not None:
        rec["listed"] = given["listed"]
    if "allow" in given or req.sim.config["status_allow_omitted"] == "clear":
        rec["allow"] = given.get("allow")
    if given.get("deprecated") is not None:
        rec["deprecated"] = given["deprecated"]
        if not given["deprecated"]:
            rec["deprecationReason"] = None
    if reason is not None:
        rec["deprecationReason"] = reason or None
    req.store.update("package", rec)
    return empty(200)


# Documented verbs (any other verb answers 405): versions/latest/download GET; upload PUT
# (docs packages/upload.md, pgutil UploadPackageAsync), POST too (upload.md's curl sample,
# "curl -X POST -T"); delete POST (docs delete.md, pgutil DeletePackageAsync), DELETE too
# (delete.md's sample scripts, "-Method DELETE" and requests.delete).
ROUTES = [
    (("GET",), r"/api/packages/(?P<feed>[^/]+)/?", feed_info),
    (("GET",), r"/api/packages/(?P<feed>[^/]+)/versions/?", versions),
    (("GET",), r"/api/packages/(?P<feed>[^/]+)/latest/?", latest),
    (("GET",), r"/api/packages/(?P<feed>[^/]+)/download/?", download),
    (("PUT", "POST"), r"/api/packages/(?P<feed>[^/]+)/upload(?:/(?P<file_name>[^/]+))?/?", upload),
    (("POST", "DELETE"), r"/api/packages/(?P<feed>[^/]+)/delete/?", delete),
    # docs packages/status.md: "simply `POST` or `PUT`"; pgutil SetPackageStatusAsync: POST.
    (("POST", "PUT"), r"/api/packages/(?P<feed>[^/]+)/status/?", status),
]
