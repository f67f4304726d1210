"""Minimal package files for tests: universal (.upack), NuGet (.nupkg), PyPI wheel and sdist.

Used by the contract suite and the playbook suites to put packages into the sim through its
upload endpoints, as a user's CI would.
"""
import io
import json
import tarfile
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
