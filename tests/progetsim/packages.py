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
the ``METADATA`` of a wheel or the ``PKG-INFO`` of an sdist (``.tar.gz`` or ``.zip``),
``package/package.json`` of an npm ``.tgz``, the ``control`` file of a ``.deb``'s ``control.tar.*``.
A file that is not a package of the feed's type is refused (400).

npm: the scope is the group, kept without its ``@`` (docs packages/#.md example
``download?group=angular&name=animation``); a ``group`` given with the ``@`` (pgutil
PackagesCommand.cs splits ``--package=@scope/name`` at the last ``/`` and sends ``group=@scope``;
docs: "the scope with the @ replaced by %40") matches too.

Debian: a version has one file per architecture, distribution and component, told apart by the
qualifier ``arch=..&component=..&distro=..`` (pgutil QualifierOptions.cs: package type ``deb``
needs the keys ``arch``, ``distro`` and ``component``, sorted by key; docs packages/delete.md and
download.md "--component=main --distro=stable --arch=amd64"). The older example of docs
packages/#.md (``group=main&...&qualifier=arch%3Damd64``, from 2024-07) is served too: for Debian
a ``group`` names the component, and a qualifier matches the files whose qualifier has all the
given keys and values.
"""
import email.parser
import io
import json
import re
import tarfile
import zipfile
import xml.etree.ElementTree as ET
from urllib.parse import parse_qsl, quote, unquote

from . import files
from .core import bad_request, forbidden, not_found

PACKAGE_FEED_TYPES = ("universal", "nuget", "pypi", "npm", "debian")


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


def norm_group(feed, group):
    """The stored spelling of a ``group`` parameter: an npm scope loses its ``@`` (module docstring)."""
    if group is not None and feed.get("feedType") == "npm":
        group = unquote(group)
        return group[1:] if group.startswith("@") else group
    return group


def select(req, feed, name=None, group=None, version=None, qualifier=None):
    out = []
    want = parse_qualifier(qualifier) if qualifier else None
    group = norm_group(feed, group)
    debian = feed.get("feedType") == "debian"
    if debian and group is not None:
        # docs packages/#.md "Downloading a Debian Package": group=main is the component
        want = dict(want or {})
        if want.setdefault("component", group.lower()) != group.lower():
            return []
        group = None
    for rec in all_versions(req, feed):
        if name is not None and rec["name"].lower() != name.lower():
            continue
        if group is not None and (rec.get("group") or "").lower() != group.lower():
            continue
        if version is not None and rec["version"].lower() != version.lower():
            continue
        if want is not None:
            have = parse_qualifier(rec.get("qualifier"))
            if debian:
                if any(have.get(k) != v for k, v in want.items()):
                    continue
            elif have != want:
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


def read_npm(path):
    """``package.json`` of an npm tarball: ``package/package.json`` (what ``npm pack`` writes), or
    the one ``package.json`` one directory deep."""
    try:
        with tarfile.open(path, "r:*") as t:
            found = [m for m in t.getmembers() if m.isfile() and m.name.lstrip("./").count("/") == 1
                     and m.name.lower().endswith("/package.json")]
            found.sort(key=lambda m: m.name.lstrip("./") != "package/package.json")
            raw = t.extractfile(found[0]).read() if found else None
    except (tarfile.TarError, EOFError, OSError, zipfile.BadZipFile):
        raise bad_request("The uploaded file is not a valid npm package (.tgz).")
    if raw is None:
        raise bad_request("The npm package has no package/package.json.")
    try:
        manifest = json.loads(raw.decode("utf-8-sig"))
    except ValueError:
        raise bad_request("package.json is not valid JSON.")
    if not isinstance(manifest, dict) or not isinstance(manifest.get("name"), str) \
            or not isinstance(manifest.get("version"), str) or not manifest["name"] or not manifest["version"]:
        raise bad_request("package.json must have a name and a version.")
    full = manifest["name"]
    scope, _, name = full[1:].partition("/") if full.startswith("@") else ("", "", full)
    if not name:
        raise bad_request("Invalid npm package name '%s'." % full)
    return scope, name, manifest


def ar_members(path, wanted):
    """The named members of a Unix ``ar`` archive (a .deb), read without loading the others."""
    out = {}
    with open(path, "rb") as f:
        if f.read(8) != b"!<arch>\n":
            raise bad_request("The uploaded file is not a valid Debian package (ar archive).")
        while True:
            head = f.read(60)
            if not head:
                break
            if len(head) != 60 or head[58:60] != b"`\n":
                raise bad_request("The uploaded file is not a valid Debian package (ar archive).")
            name = head[:16].decode("ascii", "replace").strip().rstrip("/")
            try:
                size = int(head[48:58].decode("ascii").strip())
            except ValueError:
                raise bad_request("The uploaded file is not a valid Debian package (ar archive).")
            if wanted(name):
                out[name] = f.read(size)
            else:
                f.seek(size, 1)
            if size % 2:
                f.seek(1, 1)
    return out


def read_deb(path):
    """The ``control`` fields of a .deb: ``debian-binary``, then ``control.tar[.gz|.xz|.bz2]``."""
    members = ar_members(path, lambda n: n == "debian-binary" or n.startswith("control.tar"))
    if "debian-binary" not in members:
        raise bad_request("The uploaded file is not a valid Debian package (no debian-binary).")
    ctl = [n for n in members if n.startswith("control.tar")]
    if not ctl:
        raise bad_request("The Debian package has no control archive.")
    try:
        with tarfile.open(fileobj=io.BytesIO(members[ctl[0]]), mode="r:*") as t:
            found = [m for m in t.getmembers() if m.isfile() and m.name.lstrip("./") == "control"]
            raw = t.extractfile(found[0]).read() if found else None
    except (tarfile.TarError, EOFError, OSError):
        raise bad_request("The Debian package's %s could not be read." % ctl[0])
    if raw is None:
        raise bad_request("The Debian package has no control file.")
    fields, key = {}, None
    for line in raw.decode("utf-8", "replace").splitlines():
        if line[:1] in (" ", "\t") and key:
            fields[key] += "\n" + line.strip()
        elif ":" in line:
            key, _, value = line.partition(":")
            key = key.strip().lower()
            fields[key] = value.strip()
    for f in ("package", "version", "architecture"):
        if not fields.get(f):
            raise bad_request("The Debian control file must have Package, Version and Architecture.")
    return fields


def deb_qualifier(arch, component, distro):
    """pgutil QualifierOptions.GetQualifier: ``key=EscapeDataString(value)`` sorted by key, '&'."""
    return "&".join("%s=%s" % (k, quote(v, safe="")) for k, v in
                    (("arch", arch), ("component", component), ("distro", distro)))


# Debian versions may carry an epoch ("1:") and "~"; npm versions build metadata ("+").
VERSION_RX = re.compile(r"^[0-9A-Za-z.+!~:_-]+$")


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
    distribution = component = None
    if feed["feedType"] == "debian":
        # docs packages/upload.md: "Debian feeds will require a `distribution` argument and an
        # optional `component`" (query string, as ProGetClient.cs builds it). The component's
        # default is our reading (Debian's usual "main"; pgutil UploadCommand.cs says "default is
        # main" of its --distribution option).
        distribution = req.arg("distribution")
        component = req.arg("component") or "main"
        if not distribution:
            raise bad_request("A distribution is required to upload to a Debian feed: "
                              "PUT /api/packages/{feed}/upload?distribution=...[&component=...].")
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
        elif feed["feedType"] == "npm":
            scope, npm_name, manifest = read_npm(path)
            extra = {"description": manifest.get("description"), "format": "npm",
                     "fileName": "%s-%s.tgz" % (npm_name, manifest["version"])}
            found = (scope, npm_name, manifest["version"])
        elif feed["feedType"] == "debian":
            ctl = read_deb(path)
            arch = ctl["architecture"]
            extra = {"description": ctl.get("description"), "format": "deb",
                     "distribution": distribution, "component": component, "arch": arch,
                     "qualifier": deb_qualifier(arch, component, distribution),
                     "fileName": "%s_%s_%s.deb" % (ctl["package"], ctl["version"].split(":", 1)[-1], arch)}
            found = ("", ctl["package"], ctl["version"])
        else:
            meta = read_nuspec(path)
            extra = {"title": meta.get("title"), "description": meta.get("description"),
                     "authors": meta.get("authors"), "tags": meta.get("tags"), "format": "nupkg"}
            found = ("", meta["id"], meta["version"])
        if feed["feedType"] == "npm":
            group = norm_group(feed, group)
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


# Members of a package file's status (PackageStatus.cs / PackageVersionInfo.cs) and their values
# for a new file: listed true, allow (allowDownload) not set, not deprecated.
STATUS_DEFAULTS = (("listed", True), ("allow", None), ("deprecated", False), ("deprecationReason", None))


def copy_to(req, feed, rec):
    """Copy one package file (its record and a new content file) into ``feed``, replacing a file
    with the same identifiers there. The copy starts with the default status and no downloads
    (our reading: the sources do not say what a promoted copy keeps)."""
    k = pkey(feed, rec.get("group"), rec["name"], rec["version"], rec.get("qualifier"))
    old = req.store.find("package", k)
    if old is not None:
        delete(req, old)
    data = dict((key, v) for key, v in rec.items() if key != "_id")
    data.update(STATUS_DEFAULTS)
    data.update(blob=files.copy_blob(req.sim, rec["blob"]), downloads=0)
    return req.store.insert("package", data, name=k)


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
