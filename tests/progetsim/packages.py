"""Package versions shared by the universal (/upack), NuGet and /api/packages areas.

A package version is a store object of kind ``package`` named
``"<feed id>/<group>/<name>/<version>"`` (case-insensitive), its file on disk
(progetsim/files.py). Packages enter the sim only through its HTTP upload endpoints, which read
the manifest from the uploaded file itself: ``upack.json`` of a ``.upack`` zip, or the
``.nuspec`` of a ``.nupkg`` zip.
"""
import json
import re
import zipfile
import xml.etree.ElementTree as ET

from . import files
from .core import bad_request, forbidden, not_found

PACKAGE_FEED_TYPES = ("universal", "nuget")


def package_feed(req, feed_name, permission, types=PACKAGE_FEED_TYPES):
    rec = req.store.find("feed", feed_name)
    if not req.principal.can(permission, feed_name):
        raise forbidden()
    if rec is None or rec.get("feedType") not in types:
        raise not_found("Feed '%s' was not found." % feed_name)
    return rec


def pkey(feed, group, name, version):
    return "%d/%s/%s/%s" % (feed["_id"], group or "", name, version)


def all_versions(req, feed):
    return req.store.find_prefix("package", "%d/" % feed["_id"])


def select(req, feed, name=None, group=None, version=None):
    out = []
    for rec in all_versions(req, feed):
        if name is not None and rec["name"].lower() != name.lower():
            continue
        if group is not None and (rec.get("group") or "").lower() != group.lower():
            continue
        if version is not None and rec["version"].lower() != version.lower():
            continue
        out.append(rec)
    out.sort(key=lambda r: files.version_key(r["version"]), reverse=True)
    out.sort(key=lambda r: ((r.get("group") or "").lower(), r["name"].lower()))
    return out


def latest(recs, stable_only=False):
    best = None
    for r in recs:
        if stable_only and files.is_prerelease(r["version"]):
            continue
        if best is None or files.version_key(best["version"]) < files.version_key(r["version"]):
            best = r
    return best


# -- manifests ---------------------------------------------------------------------------------
def read_upack(path):
    try:
        with zipfile.ZipFile(path) as z:
            try:
                manifest = json.loads(z.read("upack.json").decode("utf-8-sig"))
            except KeyError:
                raise bad_request("The package has no upack.json.")
            names = [i for i in z.infolist() if i.filename.startswith("package/") and not i.is_dir()]
            file_list = [{"name": i.filename[len("package/"):], "size": i.file_size,
                          "date": "%04d-%02d-%02dT%02d:%02d:%02d" % i.date_time} for i in names]
    except zipfile.BadZipFile:
        raise bad_request("The uploaded file is not a valid universal package (zip).")
    except ValueError:
        raise bad_request("upack.json is not valid JSON.")
    if not isinstance(manifest, dict) or not manifest.get("name") or not manifest.get("version"):
        raise bad_request("upack.json must have a name and a version.")
    return manifest, file_list


def read_nuspec(path):
    try:
        with zipfile.ZipFile(path) as z:
            specs = [n for n in z.namelist() if n.lower().endswith(".nuspec") and "/" not in n]
            if not specs:
                raise bad_request("The package has no .nuspec file.")
            root = ET.fromstring(z.read(specs[0]))
    except zipfile.BadZipFile:
        raise bad_request("The uploaded file is not a valid NuGet package (zip).")
    except ET.ParseError:
        raise bad_request("The .nuspec file is not valid XML.")
    meta = {}
    for el in root.iter():
        tag = el.tag.split("}")[-1]
        if tag in ("id", "version", "title", "description", "authors", "tags") and tag not in meta:
            meta[tag] = (el.text or "").strip()
    if not meta.get("id") or not meta.get("version"):
        raise bad_request("The .nuspec must have an id and a version.")
    return meta


VERSION_RX = re.compile(r"^[0-9A-Za-z.+-]+$")


def store_package(req, feed, blob, size, hashes, group, name, version, extra):
    """Create or replace one package version from an uploaded file."""
    if not VERSION_RX.match(version):
        files.remove_blob(req.sim, blob)
        raise bad_request("Invalid version '%s'." % version)
    k = pkey(feed, group, name, version)
    rec = req.store.find("package", k)
    data = {"group": group or "", "name": name, "version": version, "size": size, "blob": blob,
            "published": files.now_iso(), "publishedBy": req.principal.log_name(),
            "downloads": 0, "listed": True}
    data.update(hashes)
    data.update(extra)
    if rec is None:
        req.store.insert("package", data, name=k)
    else:
        if not req.principal.can("feeds.delete", feed["name"]):
            files.remove_blob(req.sim, blob)
            raise bad_request("Package %s %s already exists; overwriting it needs the "
                              "Overwrite/Delete permission." % (name, version))
        old = rec.get("blob")
        data["_id"] = rec["_id"]
        req.store.update("package", data, name=k)
        files.remove_blob(req.sim, old)
    return data


def upload(req, feed, group=None, name=None, version=None):
    """Save the body, read its manifest, store the version. Query values must agree with it."""
    blob, size, hashes = files.save_body(req)
    path = files.blob_path(req.sim, blob)
    try:
        if feed["feedType"] == "universal":
            manifest, file_list = read_upack(path)
            m_group = manifest.get("group") or ""
            extra = {"title": manifest.get("title"), "description": manifest.get("description"),
                     "fileList": file_list, "format": "upack"}
            found = (m_group, manifest["name"], manifest["version"])
        else:
            meta = read_nuspec(path)
            extra = {"title": meta.get("title"), "description": meta.get("description"),
                     "authors": meta.get("authors"), "tags": meta.get("tags"), "format": "nupkg"}
            found = ("", meta["id"], meta["version"])
        for given, have, what in ((group, found[0], "group"), (name, found[1], "name"),
                                  (version, found[2], "version")):
            if given not in (None, "") and given.lower() != have.lower():
                raise bad_request("The %s '%s' in the request does not match the package's %s '%s'."
                                  % (what, given, what, have))
    except Exception:
        files.remove_blob(req.sim, blob)
        raise
    return store_package(req, feed, blob, size, hashes, found[0], found[1], found[2], extra)


def delete(req, rec):
    req.store.delete("package", rec["_id"])
    files.remove_blob(req.sim, rec.get("blob"))


def file_response(req, rec, content_type="application/octet-stream"):
    from .core import Response
    ext = ".upack" if rec.get("format") == "upack" else ".nupkg"
    headers = {"Content-Disposition": 'attachment; filename="%s-%s%s"' % (rec["name"], rec["version"], ext),
               "ETag": '"%s"' % rec["sha1"]}
    return Response(200, b"", content_type, headers,
                    file=(files.blob_path(req.sim, rec["blob"]), 0, rec["size"]))


def require_version(rec, name, version):
    if rec is None:
        raise not_found("Package %s %s was not found." % (name, version or "(latest)"))
    return rec
