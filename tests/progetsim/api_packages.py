"""Common Packages API (section 10.2): ``/api/packages/{feed}[/versions|latest|download|upload|delete]``.

Serves the universal and NuGet feeds of the sim. A missing package gives an empty array.
"""
import re

from . import files, packages
from .core import bad_request, empty, json_response, not_found

PURL = re.compile(r"^pkg:(?P<type>[^/]+)/(?:(?P<group>.+)/)?(?P<name>[^/@]+)(?:@(?P<version>[^?#]+))?")


def ident(req):
    purl = req.arg("purl")
    if purl:
        m = PURL.match(purl)
        if not m:
            raise bad_request("Invalid purl '%s'." % purl)
        return m.group("group") or None, m.group("name"), m.group("version")
    return req.arg("group"), req.arg("name") or None, req.arg("version") or None


def info_out(feed, rec):
    t = "universal" if feed["feedType"] == "universal" else "nuget"
    g = rec.get("group") or ""
    purl = "pkg:%s/%s%s@%s" % (t, g + "/" if g else "", rec["name"], rec["version"])
    out = {"purl": purl, "name": rec["name"], "version": rec["version"],
           "totalDownloads": rec.get("downloads", 0), "downloads": rec.get("downloads", 0),
           "published": rec["published"], "publishedBy": rec.get("publishedBy"),
           "size": rec["size"], "listed": rec.get("listed", True), "allowDownload": True}
    if g:
        out["group"] = g
    for h in files.HASHES:
        out[h] = rec[h]
    return out


def feed_info(req, feed):
    f = packages.package_feed(req, feed, "feeds.view")
    return json_response({"id": f["_id"], "name": f["name"], "feedType": f["feedType"],
                          "packageType": f["feedType"]})


def versions(req, feed):
    f = packages.package_feed(req, feed, "feeds.view")
    group, name, version = ident(req)
    return json_response([info_out(f, r) for r in packages.select(req, f, name, group, version)])


def latest(req, feed):
    f = packages.package_feed(req, feed, "feeds.view")
    group, name, _ = ident(req)
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


def download(req, feed):
    f = packages.package_feed(req, feed, "feeds.download")
    group, name, version = ident(req)
    if not name:
        raise bad_request("A package name (or purl) is required.")
    recs = packages.select(req, f, name, group, version)
    if version is None and req.arg("latest") is None:
        raise bad_request("Specify a version, or latest.")
    rec = packages.latest(recs)
    if rec is None:
        raise not_found("Package %s %s was not found." % (name, version or "(latest)"))
    return packages.file_response(req, rec)


def upload(req, feed, file_name=None):
    f = packages.package_feed(req, feed, "feeds.add")
    packages.upload(req, f)
    return empty(201)


def delete(req, feed):
    f = packages.package_feed(req, feed, "feeds.delete")
    group, name, version = ident(req)
    if not name or not version:
        raise bad_request("A package name and version (or purl) are required.")
    recs = packages.select(req, f, name, group, version)
    if not recs:
        raise not_found("Package %s %s was not found." % (name, version))
    packages.delete(req, recs[0])
    return empty(200)


ROUTES = [
    (("GET", "HEAD"), r"/api/packages/(?P<feed>[^/]+)/?", feed_info),
    (("GET", "HEAD"), r"/api/packages/(?P<feed>[^/]+)/versions/?", versions),
    (("GET", "HEAD"), r"/api/packages/(?P<feed>[^/]+)/latest/?", latest),
    (("GET", "HEAD"), r"/api/packages/(?P<feed>[^/]+)/download/?", download),
    (("PUT", "POST"), r"/api/packages/(?P<feed>[^/]+)/upload(?:/(?P<file_name>[^/]+))?/?", upload),
    (("POST",), r"/api/packages/(?P<feed>[^/]+)/delete/?", delete),
]
