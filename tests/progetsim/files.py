"""Content files of the sim (asset files, package files) on disk, streamed and hashed.

Blobs live under ``<data-dir>/files/<uuid>``; records in the store name them (``"blob"``). A
request body is copied to a temporary file in the same directory while md5/sha1/sha256/sha512 are
computed, then renamed into place, so nothing is held in memory and a failed upload leaves no
file behind. Also: the SemVer 2 ordering the package areas share, and HTTP date helpers.
"""
import datetime
import email.utils
import hashlib
import os
import re
import shutil
import uuid

from .core import bad_request

CHUNK = 1 << 20
HASHES = ("md5", "sha1", "sha256", "sha512")


def files_dir(sim):
    d = os.path.join(sim.data_dir, "files")
    if not os.path.isdir(d):
        os.makedirs(d)
    return d


def RESET(sim):
    """Called by Sim.reset(): remove every content file."""
    d = os.path.join(sim.data_dir, "files")
    if os.path.isdir(d):
        shutil.rmtree(d, ignore_errors=True)


def new_temp(sim):
    return os.path.join(files_dir(sim), "tmp-" + uuid.uuid4().hex)


def blob_path(sim, blob):
    return os.path.join(files_dir(sim), blob)


def hashers():
    return dict((h, hashlib.new(h)) for h in HASHES)


def save_stream(sim, read, expected=None):
    """Copy ``read(n)`` until EOF to a new blob; -> (blob, size, {hash: hex}).

    ``expected`` = the exact byte count the caller promised (400 when it differs).
    """
    tmp = new_temp(sim)
    hs = hashers()
    size = 0
    try:
        with open(tmp, "wb") as f:
            while True:
                chunk = read(CHUNK)
                if not chunk:
                    break
                f.write(chunk)
                for h in hs.values():
                    h.update(chunk)
                size += len(chunk)
        if expected is not None and size != expected:
            raise bad_request("Expected %d bytes but received %d." % (expected, size))
        blob = uuid.uuid4().hex
        os.replace(tmp, blob_path(sim, blob))
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return blob, size, dict((k, v.hexdigest()) for k, v in hs.items())


def save_body(req):
    """The request body into a new blob (streamed)."""
    return save_stream(req.sim, req.stream().read, expected=None)


def hash_file(path):
    hs = hashers()
    size = 0
    with open(path, "rb") as f:
        while True:
            chunk = f.read(CHUNK)
            if not chunk:
                break
            size += len(chunk)
            for h in hs.values():
                h.update(chunk)
    return size, dict((k, v.hexdigest()) for k, v in hs.items())


def adopt_file(sim, path):
    """Move an assembled file into the blob store; -> (blob, size, hashes)."""
    size, hs = hash_file(path)
    blob = uuid.uuid4().hex
    os.replace(path, blob_path(sim, blob))
    return blob, size, hs


def copy_blob(sim, blob):
    """A new blob with the same content (a promoted package file: the copy outlives the source)."""
    new = uuid.uuid4().hex
    tmp = new_temp(sim)
    try:
        shutil.copyfile(blob_path(sim, blob), tmp)
        os.replace(tmp, blob_path(sim, new))
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return new


def remove_blob(sim, blob):
    if blob:
        p = blob_path(sim, blob)
        if os.path.exists(p):
            os.remove(p)


# -- time --------------------------------------------------------------------------------------
def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-4] + "Z"


def parse_iso(value):
    return datetime.datetime.strptime(value[:19], "%Y-%m-%dT%H:%M:%S").replace(
        tzinfo=datetime.timezone.utc)


def http_date(iso):
    return email.utils.format_datetime(parse_iso(iso), usegmt=True)


def parse_http_date(value):
    try:
        d = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if d is not None and d.tzinfo is None:
        d = d.replace(tzinfo=datetime.timezone.utc)
    return d


# -- SemVer 2 ----------------------------------------------------------------------------------
_SEMVER = re.compile(r"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")


class _Ident(object):
    """A prerelease identifier: numeric ones sort before alphanumeric ones."""

    def __init__(self, s):
        self.num = s.isdigit()
        self.v = int(s) if self.num else s

    def __lt__(self, other):
        if self.num != other.num:
            return self.num
        return self.v < other.v

    def __eq__(self, other):
        return self.num == other.num and self.v == other.v


class _Key(object):
    def __init__(self, version):
        m = _SEMVER.match(version or "")
        if not m:
            self.core, self.pre, self.raw = (-1,), None, version or ""
            return
        self.core = tuple(int(x or 0) for x in m.group(1, 2, 3, 4))
        self.pre = [_Ident(p) for p in m.group(5).split(".")] if m.group(5) else None
        self.raw = version

    def __lt__(self, other):
        if self.core != other.core:
            return self.core < other.core
        if self.pre is None or other.pre is None:
            if self.pre is None and other.pre is None:
                return self.raw < other.raw
            return self.pre is not None  # a prerelease is lower than the release
        for a, b in zip(self.pre, other.pre):
            if a == b:
                continue
            return a < b
        return len(self.pre) < len(other.pre)


def version_key(version):
    return _Key(version)


def is_prerelease(version):
    return _Key(version).pre is not None
