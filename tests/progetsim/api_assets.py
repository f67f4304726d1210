"""Asset Directory API: ``/endpoints/{assetDir}/{content|dir|delete|metadata|export|import}/{path}``.

proget-api.md section 5. Items are store objects of kind ``asset`` named
``"<feed id>/<path>"`` (paths without a leading ``/``, matched case-insensitively); file content
lives on disk (progetsim/files.py). Multipart uploads in progress are objects of kind
``asset_upload`` named ``"<feed id>/<upload id>"`` whose parts are written into one sparse
temporary file; the item appears only on ``multipart=complete``.

Auth: a caller without the needed permission gets 401 with a Basic challenge, whether it is
anonymous, its key is unknown, or its key lacks the permission: every asset page (docs
assets/files/*.md, folders/*.md, metadata/*.md) says "A 401 response indicates a missing, unknown,
or unauthorized API Key" and none gives 403. A feed that is not an asset directory (or does not
exist) gives 404 with a text body.
"""
import mimetypes
import os
import tarfile
import zipfile

from . import files
from .core import HttpError, Response, bad_request, empty, json_response, not_found

RESET = files.RESET

CHALLENGE = {"WWW-Authenticate": 'Basic realm="ProGet"'}


# -- helpers -----------------------------------------------------------------------------------
def asset_feed(req, feed_name, permission):
    rec = req.store.find("feed", feed_name)
    if not req.principal.can(permission, feed_name):
        raise _Unauthorized()  # 401 for missing, unknown or unauthorized keys (module docstring)
    if rec is None or rec.get("feedType") != "asset":
        raise not_found("Asset directory '%s' was not found." % feed_name)
    return rec


class _Unauthorized(HttpError):
    def __init__(self):
        HttpError.__init__(self, 401, "Authentication required.")


def unauthorized_response():
    return Response(401, "Authentication required.", "text/plain; charset=utf-8", CHALLENGE)


def clean_path(raw, allow_empty=True):
    """Normalise an asset path; refuse anything that could leave the directory (400)."""
    p = (raw or "").replace("\\", "/")
    if p.startswith("/") or (len(p) > 1 and p[1] == ":"):
        raise bad_request("Invalid path '%s': absolute paths are not allowed." % raw)
    p = p.rstrip("/")
    if not p:
        if allow_empty:
            return ""
        raise bad_request("A path is required.")
    for seg in p.split("/"):
        if seg in ("", ".", "..") or "\x00" in seg:
            raise bad_request("Invalid path '%s': empty, '.' or '..' segments are not allowed." % raw)
    return p


def key(feed, path):
    return "%d/%s" % (feed["_id"], path)


def get_item(req, feed, path):
    return req.store.find("asset", key(feed, path)) if path else None


def parent_of(path):
    return path.rsplit("/", 1)[0] if "/" in path else ""


def truthy(value):
    return str(value or "").strip().lower().startswith("true")


def item_out(req, feed, rec):
    path = rec["path"]
    out = {"name": path.rsplit("/", 1)[-1]}
    parent = parent_of(path)
    if parent:
        out["parent"] = "/" + parent
    if rec.get("dir"):
        out["type"] = "dir"
        out["created"] = rec["created"]
    else:
        out["type"] = rec.get("type") or "application/octet-stream"
        out["content"] = "%s/endpoints/%s/content/%s" % (req.base_url(), feed["name"], path)
        out["size"] = rec["size"]
        out["created"] = rec["created"]
        out["modified"] = rec["modified"]
        for h in files.HASHES:
            out[h] = rec[h]
    if rec.get("userMetadata"):
        out["userMetadata"] = rec["userMetadata"]
    if rec.get("cacheHeader"):
        out["cacheHeader"] = rec["cacheHeader"]
    return out


def ensure_folders(req, feed, path):
    """Create ``path`` and its parents as folders (400 if one of them is a file)."""
    parts = path.split("/") if path else []
    for i in range(1, len(parts) + 1):
        sub = "/".join(parts[:i])
        rec = get_item(req, feed, sub)
        if rec is None:
            req.store.insert("asset", {"path": sub, "dir": True, "created": files.now_iso()},
                             name=key(feed, sub))
        elif not rec.get("dir"):
            raise bad_request("Cannot create folder '%s': a file with that name exists." % sub)


def put_file(req, feed, path, blob, size, hashes, content_type):
    ensure_folders(req, feed, parent_of(path))
    rec = get_item(req, feed, path)
    now = files.now_iso()
    if rec is not None and rec.get("dir"):
        files.remove_blob(req.sim, blob)
        raise bad_request("'%s' is a folder." % path)
    ctype = content_type or (rec or {}).get("type") or mimetypes.guess_type(path)[0] \
        or "application/octet-stream"
    if rec is None:
        rec = {"path": path, "dir": False, "created": now}
        old = None
    else:
        old = rec.get("blob")
    rec.update({"type": ctype, "size": size, "modified": now, "blob": blob})
    rec.update(hashes)
    if "_id" in rec:
        req.store.update("asset", rec)
    else:
        req.store.insert("asset", rec, name=key(feed, path))
    if old and old != blob:
        files.remove_blob(req.sim, old)
    return rec


def children(req, feed, path, recursive):
    prefix = "%d/%s" % (feed["_id"], path + "/" if path else "")
    out = []
    for rec in req.store.find_prefix("asset", prefix):
        rest = rec["path"][len(path) + 1:] if path else rec["path"]
        if recursive or "/" not in rest:
            out.append(rec)
    return out


def effective_cache_header(req, feed, path):
    p = path
    while p:
        rec = get_item(req, feed, p)
        if rec is not None and rec.get("cacheHeader"):
            return rec["cacheHeader"]
        p = parent_of(p)
    return None


def cache_control(ch):
    t = ch.get("type")
    if t == "NoCache":
        return "no-cache"
    if t == "TTL":
        return "max-age=%s" % ch.get("value")
    if t == "Custom":
        return str(ch.get("value") or "")
    return None


# -- content -----------------------------------------------------------------------------------
def content(req, feed, path=None):
    try:
        return _content(req, feed, path)
    except _Unauthorized:
        return unauthorized_response()


def _content(req, feed_name, raw):
    m = req.method
    if m in ("GET", "HEAD"):
        feed = asset_feed(req, feed_name, "feeds.download")
        path = clean_path(raw, allow_empty=False)
        return download(req, feed, path)
    if m == "DELETE":
        feed = asset_feed(req, feed_name, "feeds.delete")
        path = clean_path(raw, allow_empty=False)
        rec = get_item(req, feed, path)
        if rec is None:
            return empty(200)
        if rec.get("dir"):
            raise bad_request("'%s' is a folder; use the delete endpoint." % path)
        req.store.delete("asset", rec["_id"])
        files.remove_blob(req.sim, rec.get("blob"))
        return empty(200)
    if m not in ("POST", "PUT", "PATCH"):
        raise HttpError(405, "The HTTP method %s is not allowed for this URL." % m)
    feed = asset_feed(req, feed_name, "feeds.add")
    path = clean_path(raw, allow_empty=False)
    mode = (req.arg("multipart") or "").lower()
    if m == "POST" and mode == "upload":
        return multipart_upload(req, feed, path)
    if m == "POST" and mode == "complete":
        return multipart_complete(req, feed, path)
    if mode:
        raise bad_request("Invalid multipart value '%s' (expected upload or complete)." % mode)
    rec = get_item(req, feed, path)
    if rec is not None and rec.get("dir"):
        raise bad_request("'%s' is a folder." % path)
    if m == "PUT" and rec is not None:
        raise bad_request("The file '%s' already exists." % path)
    if m == "PATCH" and rec is None:
        raise not_found("The file '%s' does not exist." % path)
    blob, size, hashes = files.save_body(req)
    ctype = req.header("Content-Type")
    put_file(req, feed, path, blob, size, hashes, ctype.split(";")[0].strip() if ctype else None)
    return empty(201)


def download(req, feed, path):
    rec = get_item(req, feed, path)
    if rec is None:
        raise not_found("The file '%s' was not found." % path)
    if rec.get("dir"):
        raise bad_request("'%s' is a folder." % path)
    etag = '"%s"' % rec["sha1"]
    headers = {"ETag": etag, "Last-Modified": files.http_date(rec["modified"]),
               "Accept-Ranges": "bytes"}
    ch = effective_cache_header(req, feed, path)
    if ch and cache_control(ch):
        headers["Cache-Control"] = cache_control(ch)
    for k, v in (rec.get("userMetadata") or {}).items():
        if isinstance(v, dict) and v.get("includeInResponseHeader"):
            headers["X-Metadata-%s" % k] = str(v.get("value") or "")
    inm = req.header("If-None-Match")
    if inm is not None:
        if inm.strip() == "*" or etag in [t.strip() for t in inm.split(",")]:
            return Response(304, b"", None, headers)
    else:
        ims = files.parse_http_date(req.header("If-Modified-Since") or "")
        if ims is not None and files.parse_iso(rec["modified"]).replace(microsecond=0) <= ims:
            return Response(304, b"", None, headers)
    size = rec["size"]
    path_on_disk = files.blob_path(req.sim, rec["blob"])
    rng = req.header("Range")
    if rng and rng.strip().lower().startswith("bytes="):
        spec = rng.strip()[6:].split(",")[0].strip()
        start_s, _, end_s = spec.partition("-")
        try:
            if start_s == "":
                n = int(end_s)
                start, end = max(0, size - n), size - 1
            else:
                start = int(start_s)
                end = min(int(end_s), size - 1) if end_s else size - 1
        except ValueError:
            start, end = 0, -1
        if start >= size or end < start:
            headers["Content-Range"] = "bytes */%d" % size
            return Response(416, "Requested range not satisfiable.", "text/plain; charset=utf-8",
                            headers)
        headers["Content-Range"] = "bytes %d-%d/%d" % (start, end, size)
        return Response(206, b"", rec["type"], headers, file=(path_on_disk, start, end - start + 1))
    return Response(200, b"", rec["type"], headers, file=(path_on_disk, 0, size))


# -- multipart ---------------------------------------------------------------------------------
PART_PARAMS = ("id", "index", "offset", "totalSize", "partSize", "totalParts")


def _int_arg(req, name):
    v = req.arg(name)
    if v is None or v == "":
        raise bad_request("Missing required parameter '%s' for a multipart upload." % name)
    try:
        n = int(v)
    except ValueError:
        raise bad_request("Invalid value for '%s': expected an integer." % name)
    if n < 0:
        raise bad_request("Invalid value for '%s': must not be negative." % name)
    return n


def multipart_upload(req, feed, path):
    upload_id = req.arg("id")
    if not upload_id:
        raise bad_request("Missing required parameter 'id' for a multipart upload.")
    index, offset, total, part, parts = [_int_arg(req, n) for n in PART_PARAMS[1:]]
    if parts < 1 or index >= parts:
        raise bad_request("Invalid index %d for %d parts." % (index, parts))
    if part < 1 or offset + part > total:
        raise bad_request("Invalid part: offset %d + partSize %d exceeds totalSize %d." % (offset, part, total))
    if index == parts - 1 and offset + part != total:
        raise bad_request("The last part must end at totalSize %d." % total)
    if index < parts - 1 and offset != index * part:
        raise bad_request("Invalid offset %d for part %d of size %d." % (offset, index, part))
    name = "%d/%s" % (feed["_id"], upload_id)
    up = req.store.find("asset_upload", name)
    if up is None:
        up = {"path": path, "totalSize": total, "totalParts": parts, "parts": {},
              "file": files.new_temp(req.sim), "started": files.now_iso()}
        with open(up["file"], "wb") as f:
            f.truncate(total)
    else:
        if up["totalSize"] != total or up["totalParts"] != parts:
            raise bad_request("totalSize or totalParts differ from the earlier parts of upload '%s'." % upload_id)
        if up["path"].lower() != path.lower():
            raise bad_request("Upload '%s' belongs to another path." % upload_id)
    for i, (o, s) in up["parts"].items():
        if int(i) != index and o < offset + part and offset < o + s:
            raise bad_request("Part %d overlaps part %s." % (index, i))
    stream = req.stream()
    written = 0
    with open(up["file"], "r+b") as f:
        f.seek(offset)
        while True:
            chunk = stream.read(min(files.CHUNK, part - written + 1))
            if not chunk:
                break
            written += len(chunk)
            if written > part:
                break
            f.write(chunk)
    if written != part:
        raise bad_request("Part %d: expected %d bytes (partSize) but received %d." % (index, part, written))
    up["parts"][str(index)] = [offset, part]
    if "_id" in up:
        req.store.update("asset_upload", up)
    else:
        req.store.insert("asset_upload", up, name=name)
    return empty(200)


def multipart_complete(req, feed, path):
    upload_id = req.arg("id")
    if not upload_id:
        raise bad_request("Missing required parameter 'id'.")
    name = "%d/%s" % (feed["_id"], upload_id)
    up = req.store.find("asset_upload", name)
    if up is None:
        raise bad_request("Unknown multipart upload id '%s'." % upload_id)
    got = sum(s for _, s in up["parts"].values())
    if len(up["parts"]) != up["totalParts"] or got != up["totalSize"]:
        raise bad_request("Upload '%s' is incomplete: %d of %d parts, %d of %d bytes."
                          % (upload_id, len(up["parts"]), up["totalParts"], got, up["totalSize"]))
    rec = get_item(req, feed, path)
    if rec is not None and rec.get("dir"):
        raise bad_request("'%s' is a folder." % path)
    blob, size, hashes = files.adopt_file(req.sim, up["file"])
    req.store.delete("asset_upload", up["_id"])
    put_file(req, feed, path, blob, size, hashes, None)
    return empty(200)


# -- dir / delete ------------------------------------------------------------------------------
def dir_route(req, feed, path=None):
    try:
        if req.method in ("GET", "HEAD"):
            f = asset_feed(req, feed, "feeds.view")
            p = clean_path(path)
            # docs assets/folders/list.md (and the 2024-07 page, 689d8342 ...folders-list.md:169):
            # "querying a nonexistent path ... will not return a 404, but will instead return an
            # empty array"; only a missing asset directory gives 404 (asset_feed).
            items = children(req, f, p, truthy(req.arg("recursive")))
            return json_response([item_out(req, f, r) for r in items])
        if req.method == "POST":
            f = asset_feed(req, feed, "feeds.add")
            p = clean_path(path)
            ensure_folders(req, f, p)
            return empty(201)
        raise HttpError(405, "The HTTP method %s is not allowed for this URL." % req.method)
    except _Unauthorized:
        return unauthorized_response()


def delete_route(req, feed, path=None):
    try:
        f = asset_feed(req, feed, "feeds.delete")
        p = clean_path(path, allow_empty=False)
        rec = get_item(req, f, p)
        if rec is None:
            return empty(200)
        if rec.get("dir"):
            kids = children(req, f, p, True)
            if kids and not truthy(req.arg("recursive")):
                raise bad_request("The folder '%s' is not empty; use recursive=true to delete it." % p)
            for k in kids:
                req.store.delete("asset", k["_id"])
                files.remove_blob(req.sim, k.get("blob"))
        req.store.delete("asset", rec["_id"])
        files.remove_blob(req.sim, rec.get("blob"))
        return empty(200)
    except _Unauthorized:
        return unauthorized_response()


# -- metadata ----------------------------------------------------------------------------------
CACHE_TYPES = {"nocache": "NoCache", "ttl": "TTL", "custom": "Custom", "inherit": None}


def parse_cache_header(value):
    if not isinstance(value, dict) or not isinstance(value.get("type"), str):
        raise bad_request("Invalid cacheHeader: expected an object with a type.")
    t = value["type"].strip().lower()
    if t not in CACHE_TYPES:
        raise bad_request("Invalid cacheHeader type '%s' (expected NoCache, TTL, Custom or Inherit)." % value["type"])
    kind = CACHE_TYPES[t]
    if kind is None:
        return None
    if kind == "NoCache":
        return {"type": "NoCache"}
    v = value.get("value")
    if kind == "TTL":
        try:
            seconds = int(str(v).strip()) if not isinstance(v, bool) else None
        except ValueError:
            seconds = None
        if seconds is None or seconds < 0:
            raise bad_request("Invalid cacheHeader value for TTL: expected a number of seconds.")
        return {"type": "TTL", "value": seconds}
    if v is None or isinstance(v, (dict, list)) or str(v).strip() == "":
        raise bad_request("Invalid cacheHeader value for Custom: expected a Cache-Control string.")
    return {"type": "Custom", "value": str(v)}


def parse_user_metadata(value):
    if not isinstance(value, dict):
        raise bad_request("Invalid userMetadata: expected an object.")
    out = {}
    for k, v in value.items():
        if isinstance(v, dict):
            val = v.get("value")
            if val is not None and not isinstance(val, str):
                raise bad_request("Invalid userMetadata value for '%s'." % k)
            if v.get("includeInResponseHeader"):
                out[k] = {"value": val or "", "includeInResponseHeader": True}
            else:
                out[k] = val or ""
        elif isinstance(v, (str, int, float)) and not isinstance(v, bool):
            out[k] = str(v)
        else:
            raise bad_request("Invalid userMetadata value for '%s'." % k)
    return out


def metadata_route(req, feed, path=None):
    try:
        if req.method in ("GET", "HEAD"):
            f = asset_feed(req, feed, "feeds.view")
            p = clean_path(path, allow_empty=False)
            rec = get_item(req, f, p)
            if rec is None:
                raise not_found("The item '%s' was not found." % p)
            return json_response(item_out(req, f, rec))
        if req.method != "POST":
            raise HttpError(405, "The HTTP method %s is not allowed for this URL." % req.method)
        f = asset_feed(req, feed, "feeds.add")
        p = clean_path(path, allow_empty=False)
        body = req.json_object()
        rec = get_item(req, f, p)
        if rec is None:
            raise not_found("The item '%s' was not found." % p)
        mode = str(body.get("userMetadataUpdateMode") or "update").lower()
        if mode not in ("update", "replace"):
            raise bad_request("Invalid userMetadataUpdateMode '%s' (expected update or replace)." % mode)
        if body.get("type") is not None:
            # AssetItemMetadataUpdate.cs: a string; no source restricts its form, so any string
            # is stored (no "must contain '/'" check).
            if not isinstance(body["type"], str):
                raise bad_request("Invalid type: expected a string.")
            if not rec.get("dir"):
                rec["type"] = body["type"]
        if "userMetadata" in body and body["userMetadata"] is not None:
            um = parse_user_metadata(body["userMetadata"])
            if mode == "replace":
                rec["userMetadata"] = um
            else:
                merged = dict(rec.get("userMetadata") or {})
                merged.update(um)
                rec["userMetadata"] = merged
        elif mode == "replace" and "userMetadata" in body:
            rec["userMetadata"] = {}
        if body.get("cacheHeader") is not None:
            ch = parse_cache_header(body["cacheHeader"])
            if ch is None:
                rec.pop("cacheHeader", None)
            else:
                rec["cacheHeader"] = ch
        if not rec.get("userMetadata"):
            rec.pop("userMetadata", None)
        req.store.update("asset", rec)
        return empty(200)
    except _Unauthorized:
        return unauthorized_response()


# -- export / import ---------------------------------------------------------------------------
def export_route(req, feed, path=None):
    try:
        f = asset_feed(req, feed, "feeds.download")
        p = clean_path(path)
        fmt = (req.arg("format") or "zip").lower()
        if fmt not in ("zip", "tgz"):
            raise bad_request("Invalid format '%s' (expected zip or tgz)." % fmt)
        if p:
            rec = get_item(req, f, p)
            if rec is None or not rec.get("dir"):
                raise not_found("The folder '%s' was not found." % p)
        items = [r for r in children(req, f, p, truthy(req.arg("recursive"))) if not r.get("dir")]
        out = os.path.join(files.files_dir(req.sim), "export-%s" % req.sim.store.next_id("export"))
        for old in os.listdir(files.files_dir(req.sim)):
            if old.startswith("export-"):
                try:
                    os.remove(os.path.join(files.files_dir(req.sim), old))
                except OSError:
                    pass
        if fmt == "zip":
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
                for r in items:
                    rel = r["path"][len(p) + 1:] if p else r["path"]
                    z.write(files.blob_path(req.sim, r["blob"]), rel)
            ctype = "application/zip"
        else:
            with tarfile.open(out, "w:gz") as t:
                for r in items:
                    rel = r["path"][len(p) + 1:] if p else r["path"]
                    t.add(files.blob_path(req.sim, r["blob"]), rel)
            ctype = "application/gzip"
        return Response(200, b"", ctype, {}, file=(out, 0, os.path.getsize(out)))
    except _Unauthorized:
        return unauthorized_response()


def import_route(req, feed, path=None):
    try:
        f = asset_feed(req, feed, "feeds.add")
        p = clean_path(path)
        fmt = (req.arg("format") or "").lower()
        if fmt not in ("zip", "tgz"):
            raise bad_request("Invalid format '%s' (expected zip or tgz)." % fmt)
        overwrite = truthy(req.arg("overwrite"))
        blob, _, _ = files.save_body(req)
        archive = files.blob_path(req.sim, blob)
        try:
            members = []
            if fmt == "zip":
                try:
                    z = zipfile.ZipFile(archive)
                except zipfile.BadZipFile:
                    raise bad_request("The body is not a valid zip archive.")
                with z:
                    for info in z.infolist():
                        if not info.is_dir():
                            members.append((info.filename, lambda i=info, z=z: z.open(i)))
                    _import(req, f, p, members, overwrite)
            else:
                try:
                    t = tarfile.open(archive, "r:*")
                except tarfile.TarError:
                    raise bad_request("The body is not a valid tgz archive.")
                with t:
                    for info in t.getmembers():
                        if info.isfile():
                            members.append((info.name, lambda i=info, t=t: t.extractfile(i)))
                    _import(req, f, p, members, overwrite)
        finally:
            files.remove_blob(req.sim, blob)
        return empty(200)
    except _Unauthorized:
        return unauthorized_response()


def _import(req, feed, base, members, overwrite):
    ensure_folders(req, feed, base)
    for name, opener in members:
        rel = clean_path(name.lstrip("./") if name.startswith("./") else name, allow_empty=False)
        target = base + "/" + rel if base else rel
        existing = get_item(req, feed, target)
        if existing is not None and not overwrite:
            continue
        with opener() as src:
            blob, size, hashes = files.save_stream(req.sim, src.read)
        put_file(req, feed, target, blob, size, hashes, None)


_P = r"/endpoints/(?P<feed>[^/]+)/%s(?:/(?P<path>.*))?"
ROUTES = [
    (("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"), _P % "content", content),
    (("GET", "HEAD", "POST"), _P % "dir", dir_route),
    (("POST",), _P % "delete", delete_route),
    (("GET", "HEAD", "POST"), _P % "metadata", metadata_route),
    (("GET", "HEAD"), _P % "export", export_route),
    (("POST",), _P % "import", import_route),
]
