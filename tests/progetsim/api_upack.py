"""Universal Feed API: ``/upack/{feed}/versions|packages|download|upload|delete`` (section 8).

``versions`` returns an array, or one object when ``version`` is given (404 + text when
missing). ``group``: when given (even empty) it must match exactly; when absent the empty group
is meant if ``name`` is given, and every group when listing a whole feed. Downloads are not
counted (a read never changes state in the sim).
"""
from . import packages
from .core import bad_request, empty, json_response, not_found


def version_out(rec, file_list=False):
    out = {"group": rec.get("group") or "", "name": rec["name"], "version": rec["version"],
           "title": rec.get("title"), "description": rec.get("description"),
           "downloads": rec.get("downloads", 0), "published": rec["published"], "size": rec["size"],
           "sha1": rec["sha1"], "isLocal": True, "isCached": False, "isVirtual": False}
    if not out["group"]:
        del out["group"]
    if file_list:
        out["fileList"] = rec.get("fileList") or []
    return out


def _group_arg(req):
    g = req.arg("group")
    if g is None and req.arg("name"):
        return ""
    return g


def versions(req, feed):
    f = packages.package_feed(req, feed, "feeds.view", ("universal",))
    version = req.arg("version") or None
    recs = packages.select(req, f, name=req.arg("name") or None, group=_group_arg(req), version=version)
    with_files = str(req.arg("includeFileList") or "").lower() == "true"
    if version is not None:
        if not recs:
            raise not_found("Package version %s %s was not found." % (req.arg("name"), version))
        return json_response(version_out(recs[0], with_files))
    count = req.arg("count")
    if count and count.isdigit() and not req.arg("name"):
        recs = recs[:int(count)]
    return json_response([version_out(r, with_files) for r in recs[:1000]])


def packages_route(req, feed):
    f = packages.package_feed(req, feed, "feeds.view", ("universal",))
    name = req.arg("name") or None
    recs = packages.select(req, f, name=name, group=_group_arg(req))
    by = {}
    for r in recs:
        by.setdefault(((r.get("group") or "").lower(), r["name"].lower()), []).append(r)
    out = []
    for (_, _), rs in sorted(by.items()):
        top = packages.latest(rs)
        d = {"group": top.get("group") or "", "name": top["name"], "latestVersion": top["version"],
             "title": top.get("title"), "description": top.get("description"),
             "downloads": sum(x.get("downloads", 0) for x in rs), "isLocal": True, "isCached": False,
             "versions": [x["version"] for x in rs]}
        if not d["group"]:
            del d["group"]
        out.append(d)
    if name is not None:
        if not out:
            raise not_found("Package %s was not found." % name)
        return json_response(out[0])
    count = req.arg("count")
    if count and count.isdigit():
        out = out[:int(count)]
    return json_response(out)


def download(req, feed, rest):
    f = packages.package_feed(req, feed, "feeds.download", ("universal",))
    parts = [p for p in rest.split("/") if p]
    is_latest = req.arg("latest") is not None
    if is_latest:
        if not parts:
            raise bad_request("A package name is required.")
        name, group, version = parts[-1], "/".join(parts[:-1]), None
    else:
        if len(parts) < 2:
            raise bad_request("Specify a version, or latest.")
        name, version, group = parts[-2], parts[-1], "/".join(parts[:-2])
    recs = packages.select(req, f, name=name, group=group, version=version)
    rec = packages.require_version(packages.latest(recs), name, version)
    return packages.file_response(req, rec, "application/zip")


def upload(req, feed, rest=None):
    f = packages.package_feed(req, feed, "feeds.add", ("universal",))
    group = name = version = None
    if rest:
        parts = [p for p in rest.split("/") if p]
        if len(parts) >= 2:
            name, version, group = parts[-2], parts[-1], "/".join(parts[:-2])
    group = req.arg("group", group)
    name = req.arg("name", name)
    version = req.arg("version", version)
    packages.upload(req, f, group, name, version)
    return empty(200)  # docs universal-feed/upload.md: "uploaded on a successful 200 response"


def delete(req, feed, rest):
    f = packages.package_feed(req, feed, "feeds.delete", ("universal",))
    parts = [p for p in rest.split("/") if p]
    if len(parts) < 2:
        raise bad_request("Specify the group, name and version of the package to delete.")
    name, version, group = parts[-2], parts[-1], "/".join(parts[:-2])
    recs = packages.select(req, f, name=name, group=group, version=version)
    packages.delete(req, packages.require_version(recs[0] if recs else None, name, version))
    return empty(200)


# Documented verbs (any other verb answers 405): versions/packages/download GET and delete DELETE
# (universal-feed pages removed in bb793320, read at bb793320^); upload POST (current
# universal-feed/upload.md "POST /upack/«feed-name»/upload").
ROUTES = [
    (("GET",), r"/upack/(?P<feed>[^/]+)/versions/?", versions),
    (("GET",), r"/upack/(?P<feed>[^/]+)/packages/?", packages_route),
    (("GET",), r"/upack/(?P<feed>[^/]+)/download/(?P<rest>.+)", download),
    (("POST",), r"/upack/(?P<feed>[^/]+)/upload(?:/(?P<rest>.*))?", upload),
    (("DELETE",), r"/upack/(?P<feed>[^/]+)/delete/(?P<rest>.+)", delete),
]
