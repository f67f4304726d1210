"""Legacy NuGet v2 (section 10.1): OData listing, package download, push and delete.

* ``GET /nuget/{feed}/Packages[()]?$format=json[&$filter=Id eq 'x'[ and IsLatestVersion]][&$top=n]``
  answers OData v2 verbose JSON, ``{"d": {"results": [...]}}``.
* ``GET /api/v2/package/{feed}/{id}[/{version}]`` and ``/nuget/{feed}/package/{id}[/{version}]``
  give the ``.nupkg`` (no version = the latest).
* Push: ``PUT /nuget/{feed}/`` or ``PUT /api/v2/package/{feed}`` with the ``.nupkg`` as
  ``multipart/form-data`` (what ``nuget push`` sends) or as the raw body; the key may come in
  ``X-NuGet-ApiKey``. Inedo does not document feed endpoints (docs http-requests.md "Feed
  Endpoints"); the verbs and the 201 are the NuGet V2 push protocol's (PUT, 201 Created).
* ``DELETE /nuget/{feed}/package/{id}/{version}``.
"""
import base64
import io
import re

from . import auth, files, packages
from .core import bad_request, empty, json_response

FILTER_ID = re.compile(r"(?:tolower\()?Id\)?\s+eq\s+'([^']*)'", re.IGNORECASE)


def _nuget_key(req):
    k = req.header("X-NuGet-ApiKey")
    if k:
        p = auth.key_principal(req.sim, k)
        if p is not None:
            req.principal = p


def entry(req, feed, rec, recs):
    top = packages.latest(recs)
    stable = packages.latest(recs, stable_only=True)
    ms = int(files.parse_iso(rec["published"]).timestamp() * 1000)
    uri = "%s/nuget/%s/Packages(Id='%s',Version='%s')" % (req.base_url(), feed["name"], rec["name"], rec["version"])
    return {
        "__metadata": {"id": uri, "uri": uri, "type": "NuGetGallery.V2FeedPackage",
                       "media_src": "%s/nuget/%s/package/%s/%s" % (req.base_url(), feed["name"],
                                                                   rec["name"], rec["version"]),
                       "content_type": "application/zip"},
        "Id": rec["name"], "Version": rec["version"], "NormalizedVersion": rec["version"],
        "Title": rec.get("title") or None, "Description": rec.get("description") or None,
        "Authors": rec.get("authors") or None, "Tags": rec.get("tags") or None,
        "IsLatestVersion": stable is rec, "IsAbsoluteLatestVersion": top is rec,
        "IsPrerelease": files.is_prerelease(rec["version"]), "Listed": rec.get("listed", True),
        "Published": "/Date(%d)/" % ms, "PackageSize": rec["size"],
        "PackageHash": base64.b64encode(bytes.fromhex(rec["sha512"])).decode(),
        "PackageHashAlgorithm": "SHA512", "DownloadCount": rec.get("downloads", 0),
    }


def odata_packages(req, feed):
    f = packages.package_feed(req, feed, "feeds.view", ("nuget",))
    flt = req.arg("$filter") or ""
    m = FILTER_ID.search(flt)
    recs = packages.select(req, f, name=m.group(1) if m else None)
    groups = {}
    for r in recs:
        groups.setdefault(r["name"].lower(), []).append(r)
    out = []
    for r in recs:
        e = entry(req, f, r, groups[r["name"].lower()])
        if re.search(r"\bIsAbsoluteLatestVersion\b", flt) and not e["IsAbsoluteLatestVersion"]:
            continue
        if re.search(r"\bIsLatestVersion\b", flt) and not e["IsLatestVersion"]:
            continue
        out.append(e)
    skip = req.arg("$skip")
    if skip and skip.isdigit():
        out = out[int(skip):]
    top = req.arg("$top")
    if top and top.isdigit():
        out = out[:int(top)]
    return json_response({"d": {"results": out}})


def download(req, feed, name, version=None):
    f = packages.package_feed(req, feed, "feeds.download", ("nuget",))
    recs = packages.select(req, f, name=name, version=version or None)
    rec = packages.require_version(packages.latest(recs), name, version)
    return packages.file_response(req, rec, "application/zip")


class _Part(object):
    def __init__(self, data):
        self.body_stream = None
        self.body = data


def push(req, feed):
    _nuget_key(req)
    f = packages.package_feed(req, feed, "feeds.add", ("nuget",))
    ctype = req.header("Content-Type") or ""
    if ctype.lower().startswith("multipart/form-data"):
        m = re.search(r'boundary="?([^";]+)"?', ctype)
        if not m:
            raise bad_request("multipart/form-data without a boundary.")
        data = req.body
        boundary = b"--" + m.group(1).encode()
        parts = [p for p in data.split(boundary) if p.strip() not in (b"", b"--")]
        if not parts:
            raise bad_request("No package in the request.")
        head, _, content = parts[0].partition(b"\r\n\r\n")
        if content.endswith(b"\r\n"):
            content = content[:-2]
        req._body = content
        req.body_stream = io.BytesIO(content)
    packages.upload(req, f)
    return empty(201)


def delete(req, feed, name, version):
    _nuget_key(req)
    f = packages.package_feed(req, feed, "feeds.delete", ("nuget",))
    recs = packages.select(req, f, name=name, version=version)
    packages.delete(req, packages.require_version(recs[0] if recs else None, name, version))
    return empty(200)


ROUTES = [
    (("GET", "HEAD"), r"/nuget/(?P<feed>[^/]+)/Packages(?:\(\))?/?", odata_packages),
    (("GET", "HEAD"), r"/api/v2/package/(?P<feed>[^/]+)/(?P<name>[^/]+)(?:/(?P<version>[^/]+))?/?", download),
    (("GET", "HEAD"), r"/nuget/(?P<feed>[^/]+)/package/(?P<name>[^/]+)(?:/(?P<version>[^/]+))?/?", download),
    (("PUT",), r"/nuget/(?P<feed>[^/]+)(?:/api/v2/package)?/?", push),
    (("PUT",), r"/api/v2/package/(?P<feed>[^/]+)/?", push),
    (("DELETE",), r"/nuget/(?P<feed>[^/]+)/package/(?P<name>[^/]+)/(?P<version>[^/]+)/?", delete),
]
