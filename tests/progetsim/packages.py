"""Package files shared by the universal (/upack), NuGet and /api/packages areas.

A package file is a store object of kind ``package`` named
``"<feed id>/<group>/<name>/<version>[?<qualifier>]"`` (case-insensitive), its content on disk
(progetsim/files.py). Universal and NuGet versions have one file and no qualifier; a PyPI version
may have several files (a wheel and an sdist ...), one record each, told apart by the qualifier
``file=<file name>`` (pgutil Packages/QualifierOptions.cs: PyPI's qualifier key is "file", values
joined as key=EscapeDataString(value) with '&'; docs packages/list-versions.md: "For feed types
that can have multiple files associated with a version, the array may contain more than one item
(such as PyPI ...)").

Packages enter the sim only through its HTTP upload endpoints, which read the manifest from the
uploaded file itself: ``upack.json`` of a ``.upack`` zip, the ``.nuspec`` of a ``.nupkg`` zip,
the ``METADATA`` of a wheel or the ``PKG-INFO`` of an sdist (``.tar.gz`` or ``.zip``).
"""
import email.parser
import json
import re
import tarfile
import zipfile
import xml.etree.ElementTree as ET
from urllib.parse import parse_qsl, quote

from . import files
from .core import bad_request, forbidden, not_found

PACKAGE_FEED_TYPES = ("universal", "nuget", "pypi")


def package_feed(req, feed_name, permission, types=PACKAGE_FEED_TYPES):
    rec = req.store.find("feed", feed_name)
    if not req.principal.can(permission, feed_name):
        raise forbidden()
    if rec is None or rec.get("feedType") not in types:
        raise not_found("Feed '%s' was not found." % feed_name)
    return rec


def pkey(feed, group, name, version, qualifier=None):
    k = "%d/%s/%s/%s" % (feed["_id"], group or "", name, version)
    return k + "?" + qualifier if qualifier else k


def all_versions(req, feed):
    return req.store.find_prefix("package", "%d/" % feed["_id"])


def parse_qualifier(q):
    """``a=x&b=y`` (values URL-escaped) -> {a: x, b: y}, keys and values compared lower-case."""
    return dict((k.lower(), v.lower()) for k, v in parse_qsl(q or "", keep_blank_values=True))


def select(req, feed, name=None, group=None, version=None, qualifier=None):
    out = []
    want = parse_qualifier(qualifier) if qualifier else None
    for rec in all_versions(req, feed):
        if name is not None and rec["name"].lower() != name.lower():
            continue
        if group is not None and (rec.get("group") or "").lower() != group.lower():
            continue
        if version is not None and rec["version"].lower() != version.lower():
            continue
        if want is not None and parse_qualifier(rec.get("qualifier")) != want:
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


def read_pypi(path, file_name):
    """Name and version from a wheel's ``*.dist-info/METADATA`` or an sdist's ``PKG-INFO``."""
    low = file_name.lower()
    try:
        if low.endswith(".whl") or low.endswith(".zip"):
            with zipfile.ZipFile(path) as z:
                want = ".dist-info/metadata" if low.endswith(".whl") else "/pkg-info"
                names = [n for n in z.namelist() if n.lower().endswith(want) and n.count("/") == 1]
                raw = z.read(names[0]) if names else None
        elif low.endswith(".tar.gz"):
            with tarfile.open(path, "r:gz") as t:
                names = [m for m in t.getmembers() if m.name.lower().endswith("/pkg-info")
                         and m.name.count("/") == 1 and m.isfile()]
                raw = t.extractfile(names[0]).read() if names else None
        else:
            raise bad_request("'%s' is not a PyPI package file (.whl, .tar.gz or .zip)." % file_name)
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError):
        raise bad_request("The uploaded file '%s' could not be read." % file_name)
    if raw is None:
        raise bad_request("The package '%s' has no METADATA or PKG-INFO file." % file_name)
    meta = email.parser.Parser().parsestr(raw.decode("utf-8", "replace"), headersonly=True)
    if not meta.get("Name") or not meta.get("Version"):
        raise bad_request("The package metadata must have a Name and a Version.")
    return meta


VERSION_RX = re.compile(r"^[0-9A-Za-z.+!-]+$")


def store_package(req, feed, blob, size, hashes, group, name, version, extra):
    """Create or replace one package file from an uploaded file."""
    if not VERSION_RX.match(version):
        files.remove_blob(req.sim, blob)
        raise bad_request("Invalid version '%s'." % version)
    k = pkey(feed, group, name, version, extra.get("qualifier"))
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


def upload(req, feed, group=None, name=None, version=None, file_name=None):
    """Save the body, read its manifest, store the version. Query values must agree with it."""
    if feed["feedType"] == "pypi" and not file_name:
        # docs packages/upload.md: "The «package-file-name» part of the URL is only required for
        # the PyPI and RPM feed types"
        raise bad_request("A package file name is required to upload to a PyPI feed: "
                          "PUT /api/packages/{feed}/upload/{file name}.")
    blob, size, hashes = files.save_body(req)
    path = files.blob_path(req.sim, blob)
    try:
        if feed["feedType"] == "pypi":
            meta = read_pypi(path, file_name)
            extra = {"title": meta.get("Name"), "description": meta.get("Summary"),
                     "format": "pypi", "fileName": file_name,
                     "qualifier": "file=" + quote(file_name, safe="")}
            found = ("", meta["Name"], meta["Version"])
        elif feed["feedType"] == "universal":
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
    fname = rec.get("fileName") or "%s-%s%s" % (rec["name"], rec["version"], ext)
    headers = {"Content-Disposition": 'attachment; filename="%s"' % fname,
               "ETag": '"%s"' % rec["sha1"]}
    return Response(200, b"", content_type, headers,
                    file=(files.blob_path(req.sim, rec["blob"]), 0, rec["size"]))


def require_version(rec, name, version):
    if rec is None:
        raise not_found("Package %s %s was not found." % (name, version or "(latest)"))
    return rec
