"""Common Packages API (docs packages/*.md): ``/api/packages/{feed}[/versions|latest|download|upload|delete]``.

Serves the universal, NuGet and PyPI feeds of the sim. A missing package gives an empty array.
A version may have several files (PyPI), one row each in ``versions`` with its ``qualifier``
(PackageVersionInfo.cs); single-version endpoints take ``qualifier=`` (pgutil ProGetClient.cs
GetPackageUrl) or the purl's qualifiers, and refuse identifiers that match more than one file.
"""
import re

from . import files, packages
from .core import bad_request, empty, json_response, not_found

PURL = re.compile(r"^pkg:(?P<type>[^/]+)/(?:(?P<group>.+)/)?(?P<name>[^/@?#]+)"
                  r"(?:@(?P<version>[^?#]+))?(?:\?(?P<qualifier>[^#]*))?")
PURL_TYPES = {"universal": "universal", "nuget": "nuget", "pypi": "pypi"}
# BasicFeedInfo.packageType: pgutil Packages/QualifierOptions.cs compares it with "upack" (not
# "universal") for universal packages; the other types served here use their feed type name.
PACKAGE_TYPES = {"universal": "upack"}
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


def info_out(feed, rec):
    t = PURL_TYPES[feed["feedType"]]
    g = rec.get("group") or ""
    q = rec.get("qualifier")
    purl = "pkg:%s/%s%s@%s%s" % (t, g + "/" if g else "", rec["name"], rec["version"],
                                 "?" + q if q else "")
    out = {"purl": purl, "name": rec["name"], "version": rec["version"],
           "totalDownloads": rec.get("downloads", 0), "downloads": rec.get("downloads", 0),
           "published": rec["published"], "publishedBy": rec.get("publishedBy"),
           "size": rec["size"], "listed": rec.get("listed", True), "allowDownload": True}
    if g:
        out["group"] = g
    if q:
        out["qualifier"] = q
    for h in files.HASHES:
        out[h] = rec[h]
    return out


def feed_info(req, feed):
    f = packages.package_feed(req, feed, "feeds.view")
    return json_response({"id": f["_id"], "name": f["name"], "feedType": f["feedType"],
                          "packageType": PACKAGE_TYPES.get(f["feedType"], f["feedType"])})


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


def delete(req, feed):
    f = packages.package_feed(req, feed, "feeds.delete")
    group, name, version, qualifier = ident(req)
    if not name or not version:
        raise bad_request("A package name and version (or purl) are required.")
    rec = one_file(packages.select(req, f, name, group, version, qualifier))
    if rec is None:
        # docs packages/delete.md (2024-07 table, 689d8342) lists 200, 400 ("invalid or missing
        # properties"), 403 and 500; no 404 as for download.
        raise bad_request("Package %s %s was not found." % (name, version))
    packages.delete(req, rec)
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
]
