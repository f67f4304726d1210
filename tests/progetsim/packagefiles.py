"""Minimal package files for tests: universal (.upack), NuGet (.nupkg), PyPI wheel and sdist,
npm tarball (.tgz) and Debian binary package (.deb). Pure Python (standard library).

Used by the contract suite and the playbook suites to put packages into the sim through its
upload endpoints, as a user's CI would.
"""
import io
import json
import tarfile
import time
import zipfile


def upack(name, version, group=None, extra=None):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        m = {"name": name, "version": version}
        if group:
            m["group"] = group
        m.update(extra or {})
        z.writestr("upack.json", json.dumps(m))
        z.writestr("package/readme.txt", "v" + version)
    return buf.getvalue()


def nupkg(pkg_id, version):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(pkg_id + ".nuspec", '<?xml version="1.0"?><package xmlns="http://schemas.microsoft.com/packaging/'
                   '2013/05/nuspec.xsd"><metadata><id>%s</id><version>%s</version><authors>a</authors>'
                   '<description>d</description></metadata></package>' % (pkg_id, version))
        z.writestr("lib/a.dll", version)
    return buf.getvalue()


def pkg_info(name, version):
    return ("Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: demo\n" % (name, version)).encode()


def wheel(name, version, tag="py3-none-any"):
    """-> (file name, bytes) of a minimal wheel."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("%s/__init__.py" % name, "")
        z.writestr("%s-%s.dist-info/METADATA" % (name, version), pkg_info(name, version))
    return "%s-%s-%s.whl" % (name, version, tag), buf.getvalue()


def sdist(name, version):
    """-> (file name, bytes) of a minimal sdist (.tar.gz)."""
    buf = io.BytesIO()
    data = pkg_info(name, version)
    with tarfile.open(fileobj=buf, mode="w:gz") as t:
        info = tarfile.TarInfo("%s-%s/PKG-INFO" % (name, version))
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    return "%s-%s.tar.gz" % (name, version), buf.getvalue()


def _tar_gz(members):
    """{path: bytes} -> the bytes of a .tar.gz holding those regular files."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as t:
        for path, data in members.items():
            info = tarfile.TarInfo(path)
            info.size = len(data)
            info.mtime = int(time.time())
            info.mode = 0o644
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def npm(name, version, scope=None, extra=None):
    """-> the bytes of a minimal npm package tarball (what ``npm pack`` writes: ``package/package.json``
    in a .tgz). ``scope`` without the ``@`` (the package is then ``@scope/name``)."""
    manifest = {"name": "@%s/%s" % (scope, name) if scope else name, "version": version,
                "description": "demo"}
    manifest.update(extra or {})
    return _tar_gz({"package/package.json": json.dumps(manifest, indent=2).encode(),
                    "package/index.js": b"module.exports = 1;\n"})


def _ar(members):
    """A Unix ``ar`` archive (the .deb container): global header, then per member a 60-byte header
    (name, mtime, uid, gid, mode, size, `\\n) and the data padded to an even length."""
    out = [b"!<arch>\n"]
    for name, data in members:
        head = "%-16s%-12d%-6d%-6d%-8s%-10d`\n" % (name, int(time.time()), 0, 0, "100644", len(data))
        out.append(head.encode("ascii"))
        out.append(data)
        if len(data) % 2:
            out.append(b"\n")
    return b"".join(out)


def deb(name, version, arch="amd64", extra_control=None):
    """-> (file name, bytes) of a minimal Debian binary package: an ar archive of ``debian-binary``
    ("2.0"), ``control.tar.gz`` (``./control``) and ``data.tar.gz``."""
    fields = [("Package", name), ("Version", version), ("Architecture", arch),
              ("Maintainer", "Demo <demo@example.com>"), ("Description", "demo package")]
    fields += list((extra_control or {}).items())
    control = "".join("%s: %s\n" % kv for kv in fields).encode()
    data = _ar([("debian-binary", b"2.0\n"),
                ("control.tar.gz", _tar_gz({"./control": control})),
                ("data.tar.gz", _tar_gz({"./usr/share/doc/%s/README" % name: b"v" + version.encode()}))])
    file_version = version.split(":", 1)[-1]     # the file name carries no epoch
    return "%s_%s_%s.deb" % (name, file_version, arch), data
