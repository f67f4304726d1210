"""The HTTP(S) server: prefix, standard headers, faults, request log, /__sim/ control."""
import datetime
import importlib
import json
import os
import pkgutil
import socket
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from . import auth, security
from .core import BodyReader, HttpError, Request, Router, text, to_response
from .store import Store

DEFAULT_CONFIG = {
    "version": "25.0.13.5",
    "edition": "free",
    # A ProGet that requires a key. "admin" (Anonymous has Administer) is what a fresh install
    # does; bootstrap tests ask for it explicitly.
    "anonymous": "none",
    "key_storage": "plain",
    "fail_every": 0,
    "drop_every": 0,
    "drop_after_write": 0,
    "latency_ms": 0,
    "unlicensed": False,
    # Where the sources disagree or are silent, the first value is the default reading and the
    # others let client tests run against the alternatives (tests/progetsim/README.md).
    "connector_in_use": "detach",
    "apikey_create_reply": "text",
    "full_control_echo": "as-sent",
    "replication": "none",
    "license_delete_by": "code",
    "license_update_hashes": "keep",
    "feed_variables_name": "variables",
    "security_delete_verb": "DELETE",
    "group_add_existing": "refuse",
    "builtin_tasks": "editable",
    "storage_secrets": "hidden",
    "storage_denied_status": "500",
    "status_allow_omitted": "keep",
    "promote_existing": "refuse",
    # ProGet Free: at most this many package deletes through /api/packages/{feed}/delete in any
    # window of free_delete_window_s seconds (docs administration/license.md "limited to
    # 10/deletes per hour when using the API"); 0 = no limit. Tests shorten the window.
    "free_delete_limit": 10,
    "free_delete_window_s": 3600,
}
# enumerated options: name -> allowed values (the first is the default reading)
CHOICES = {
    "edition": ("free", "basic", "enterprise"),
    "anonymous": ("admin", "view", "none"),
    "key_storage": ("plain", "hashed"),
    # Deleting a connector that feeds use is undocumented (proget-api.md 14.31): "detach" removes
    # it from those feeds, "refuse" answers 400 and changes nothing.
    "connector_in_use": ("detach", "refuse"),
    # docs apikeys/create.md: "Text of the API key will be returned on a successful 200
    # response"; pgutil ProGetClient.cs CreateApiKeyAsync parses an ApiKeyInfo JSON reply.
    "apikey_create_reply": ("text", "json"),
    # ApiKeyInfo.cs: systemApis is ["full-control"] or a combination; pgutil
    # ApiKeys/Create/SystemCommand.cs sends ["feeds","sca","sbom-upload"] for full control.
    "full_control_echo": ("as-sent", "expanded"),
    # ProGetHealthInfo.cs ReplicationStatusInfo: "OK"/"Error" when replication exists, else null.
    "replication": ("none", "ok", "server_error", "client_error"),
    # docs licenses/delete.md: ?code=; pgutil ProGetClient.cs DeleteLicenseAsync: ?id=.
    "license_delete_by": ("code", "id", "either"),
    # docs licenses/update.md: omitted properties keep their values; pgutil
    # Licenses/Detection/AddCommand.cs always sends hashes back, as if omitting them cleared files.
    "license_update_hashes": ("keep", "replace"),
    # docs feeds example JSON (2024-07 689d8342 proget-api-feeds/#.md): "variables"; pgutil
    # ProGetFeed.cs: VariableDictionary -> JSON "variableDictionary".
    "feed_variables_name": ("variables", "variableDictionary"),
    # Security API deletes (users, groups, tasks, permissions): docs security/*/delete.md and
    # permissions/remove.md say DELETE; pgutil ProGetClient.cs (DeleteUserAsync,
    # DeleteUserGroupAsync, DeleteSecurityTaskAsync, DeletePermissionAsync) sends POST.
    "security_delete_verb": ("DELETE", "POST", "either"),
    # POST /api/security/groups/add naming an existing group: the current docs (groups/create.md,
    # 2026-01) only create, members change through groups/update; the 2025-11 drafts
    # (69e9e842 groups/add-member.md) said add "will overwrite the existing member list".
    "group_add_existing": ("refuse", "replace"),
    # docs administration-security/creating-tasks.md: "You can change ProGet's built-in tasks";
    # "protected" refuses to change or delete them (no source says so).
    "builtin_tasks": ("editable", "protected"),
    # GET /api/storage?feed=: whether SecretAccessKey (s3) and ConnectionString (azure) come back.
    # docs feeds/storage-get.md and pgutil FeedStorageConfiguration.cs are silent; "hidden" omits
    # them (proget-api.md 14.13: write-only), "shown" returns them as stored.
    "storage_secrets": ("hidden", "shown"),
    # /api/storage without the permission: docs feeds/storage-get.md, storage-update.md,
    # storage-list.md (2026-01) "A 500 response indicates a missing, unknown, or unauthorized API
    # Key"; "403" follows the rest of the API (docs packages/#.md).
    "storage_denied_status": ("500", "403"),
    # POST /api/packages/{feed}/status without "allow": PackageStatus.cs Allow is a bool? whose
    # null means "not set" and pgutil (WhenWritingNull) omits it, so a C# server cannot tell an
    # omitted member from null. "keep": omitted keeps, null clears; "clear": omitted = null.
    "status_allow_omitted": ("keep", "clear"),
    # Promoting a version the target feed already has: undocumented. "refuse" answers 400,
    # "replace" copies over the target's files and records the promotion.
    "promote_existing": ("refuse", "replace"),
}
SECRET_QUERY_NAMES = {"key", "api_key", "password", "value"}


class DropConnection(Exception):
    pass


def validate_config(changes):
    out = {}
    for k, v in changes.items():
        if k not in DEFAULT_CONFIG:
            raise HttpError(400, "unknown config option %r" % k)
        if k == "version":
            parts = str(v).split(".")
            if len(parts) < 2 or not all(p.isdigit() for p in parts):
                raise HttpError(400, "version must look like 25.0.13.5")
            v = str(v)
        elif k in CHOICES:
            v = str(v)
            allowed = dict((c.lower(), c) for c in CHOICES[k])
            if v.lower() not in allowed:
                raise HttpError(400, "%s must be one of %s" % (k, ", ".join(CHOICES[k])))
            v = allowed[v.lower()]
        elif k == "unlicensed":
            if not isinstance(v, bool):
                raise HttpError(400, "unlicensed must be a boolean")
        else:
            if isinstance(v, str) and v.strip().isdigit():   # --config NAME=VALUE gives strings
                v = int(v)
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise HttpError(400, "%s must be a non-negative integer" % k)
        out[k] = v
    return out


def load_areas():
    """Import every progetsim/api_*.py module (sorted by name)."""
    pkg_dir = os.path.dirname(__file__)
    mods = []
    for info in sorted(pkgutil.iter_modules([pkg_dir]), key=lambda i: i.name):
        if info.name.startswith("api_"):
            mods.append(importlib.import_module("%s.%s" % (__package__, info.name)))
    return mods


class Sim(object):
    """Server state shared by all request threads."""

    def __init__(self, data_dir, config=None, prefix="", log_path=None, system_key=None,
                 log_bodies=False):
        """``log_bodies``: each log entry also gets the request's ``body`` (JSON decoded, else
        text). For in-process tests (progetsim/inprocess.py) only: bodies can hold secrets."""
        self.data_dir = os.path.abspath(data_dir)
        self.store = Store(self.data_dir)
        self.initial_config = dict(DEFAULT_CONFIG)
        self.initial_config.update(config or {})
        self.config = dict(self.initial_config)
        self.prefix = "/" + prefix.strip("/") if prefix and prefix.strip("/") else ""
        self.log_path = log_path or os.path.join(self.data_dir, "requests.jsonl")
        self.log_lock = threading.Lock()
        self.counter_lock = threading.Lock()
        self.request_count = 0
        self.write_count = 0
        self.system_key = system_key
        self.log_bodies = log_bodies
        self.areas = load_areas()
        self.router = Router()
        self.native_methods = {}
        self.default_settings = []
        for mod in self.areas:
            for methods, pattern, handler in getattr(mod, "ROUTES", []):
                self.router.add(methods, pattern, handler)
            self.native_methods.update(getattr(mod, "NATIVE_METHODS", {}))
            self.default_settings.extend(getattr(mod, "DEFAULT_SETTINGS", []))
        self.seed()

    # -- seeding / reset -----------------------------------------------------------------
    def seed(self):
        with self.store.lock:
            wrote = self.store.wrote
            # Admin/Admin, the Administrators group with Administer, the built-in tasks
            security.seed(self.store, auth.password_hash, self.config["anonymous"])
            if self.system_key:
                h = auth.hash_secret(self.system_key)
                if self.store.find("apikey", h) is None:
                    self.store.insert("apikey", {
                        "type": "System", "key": self.system_key, "key_hash": h,
                        "displayName": "sim-bootstrap", "description": None,
                        "systemApis": ["full-control"], "packagePermissions": None,
                        "feed": None, "feedGroup": None, "user": None, "expiration": None,
                        "logging": "None"}, name=h)
            self.store.wrote = wrote

    def reset(self):
        with self.store.lock:
            self.store.reset()
            for mod in self.areas:
                if hasattr(mod, "RESET"):
                    mod.RESET(self)
            self.config = dict(self.initial_config)
            with self.counter_lock:
                self.request_count = 0
                self.write_count = 0
            self.seed()

    # -- facts derived from config/settings ----------------------------------------------
    @property
    def version(self):
        return self.config["version"]

    @property
    def major(self):
        return int(self.version.split(".")[0])

    def setting(self, name):
        rec = self.store.find("setting", name)
        if rec is not None:
            return rec.get("value")
        for d in self.default_settings:
            if d["name"].lower() == name.lower():
                return d.get("value")
        return None

    @property
    def licensed(self):
        return (not self.config["unlicensed"]) or bool(self.setting("Licensing.Key"))

    # -- one request ----------------------------------------------------------------------
    def handle(self, method, target, headers, body, scheme="http"):
        """One HTTP request -> ``core.Response``: prefix, ``/__sim/`` control, faults, request log,
        the router. ``target`` is the request target (URL-encoded path and query), ``headers`` a
        case-insensitive mapping, ``body`` bytes or a ``core.BodyReader``. Raises
        ``DropConnection`` (after logging it) when a fault drops the connection. Used by the HTTP
        server (``Handler``) and by the in-process transport (progetsim/inprocess.py)."""
        started = time.time()
        url = urlsplit(target)
        path = unquote(url.path)
        if self.prefix:
            if path.lower() == self.prefix.lower() or path.lower().startswith(self.prefix.lower() + "/"):
                path = path[len(self.prefix):] or "/"
            else:
                return text("The requested URL was not found.", 404)
        req = Request(method, path, url.query, headers, body, scheme, self.prefix, self)

        if path.lower().startswith("/__sim/") or path.lower() == "/__sim":
            from . import control
            try:
                return to_response(control.handle(req))
            except HttpError as ex:
                return text(ex.text, ex.status)

        now = datetime.datetime.now(datetime.timezone.utc)
        entry = {"ts": now.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                 "method": method, "path": url.path, "query": scrub_query(url.query),
                 "status": 0, "bytes": 0, "ms": 0, "write": False, "principal": None}
        if self.log_bodies:
            entry["body"] = logged_body(req)
        cfg = self.config
        with self.counter_lock:
            self.request_count += 1
            n = self.request_count
        try:
            if cfg["latency_ms"]:
                time.sleep(cfg["latency_ms"] / 1000.0)
            if cfg["drop_every"] and n % cfg["drop_every"] == 0:
                raise DropConnection()
            if cfg["fail_every"] and n % cfg["fail_every"] == 0:
                resp = text("Simulated server error (progetsim --fail-every %d, request #%d)."
                            % (cfg["fail_every"], n), 500)
            else:
                resp = self.handle_proget(req, entry)
                if entry["write"] and cfg["drop_after_write"]:
                    with self.counter_lock:
                        self.write_count += 1
                        w = self.write_count
                    if w % cfg["drop_after_write"] == 0:
                        raise DropConnection()
        except DropConnection:
            entry["status"] = 0
            entry["ms"] = int((time.time() - started) * 1000)
            self.log(entry)
            raise
        entry["status"] = resp.status
        entry["bytes"] = resp.length
        entry["ms"] = int((time.time() - started) * 1000)
        self.log(entry)
        return resp

    def handle_proget(self, req, entry):
        store = self.store
        with store.lock:
            store.wrote = False
            try:
                try:
                    req.principal = auth.resolve(req)
                    entry["principal"] = req.principal.log_name()
                    handler, kwargs = self.router.match(req.method, req.path)
                    resp = to_response(handler(req, **kwargs))
                except HttpError as ex:
                    resp = text(ex.text, ex.status)
                except Exception as ex:  # a sim bug: answer like ProGet does (500 + text)
                    import traceback
                    resp = text("Unexpected error: %s\n%s" % (ex, traceback.format_exc()), 500)
                if "indent" in req.query and resp.content_type and "json" in resp.content_type:
                    try:
                        resp.body = json.dumps(json.loads(resp.body), indent=2).encode("utf-8")
                    except ValueError:
                        pass
            finally:
                entry["write"] = store.wrote
                store.wrote = False
        return resp

    def response_headers(self, resp):
        """The headers of an answer, in order (``Content-Length``: the whole body)."""
        out = [("X-ProGet-Version", self.config["version"]),
               ("X-ProGet-Edition", self.config["edition"].lower())]
        if resp.content_type:
            out.append(("Content-Type", resp.content_type))
        out.extend(resp.headers.items())
        out.append(("Content-Length", str(resp.length)))
        return out

    # -- request log ---------------------------------------------------------------------
    def log(self, entry):
        line = json.dumps(entry) + "\n"
        with self.log_lock:
            with open(self.log_path, "a", encoding="utf-8") as f:
                f.write(line)

    def read_log(self):
        with self.log_lock:
            if not os.path.exists(self.log_path):
                return []
            with open(self.log_path, encoding="utf-8") as f:
                return [json.loads(line) for line in f if line.strip()]

    def clear_log(self):
        with self.log_lock:
            open(self.log_path, "w").close()


def logged_body(req):
    """A request body for the log (``Sim(log_bodies=True)``): JSON decoded, else text, else None."""
    raw = req.body
    if not raw:
        return None
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except ValueError:
        return raw.decode("utf-8", "replace")


def scrub_query(qs):
    if not qs:
        return ""
    parts = []
    for k, v in parse_qsl(qs, keep_blank_values=True):
        if k.lower() in SECRET_QUERY_NAMES:
            v = "***"
        parts.append("%s=%s" % (quote(k, safe=""), v if v == "***" else quote(v, safe="")))
    return "&".join(parts)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "ProGet-sim"
    sys_version = ""

    def log_message(self, fmt, *args):  # quiet
        pass

    def do_GET(self):
        self.dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    # -- plumbing ------------------------------------------------------------------------
    def finish_body(self, reader):
        """Drain what the handler left unread (small), or close the connection (large)."""
        if reader.done:
            return
        if reader.remaining is not None and reader.remaining > (16 << 20):
            self.close_connection = True
            return
        try:
            while not reader.done:
                reader.read(1 << 20)
        except (OSError, ValueError):
            self.close_connection = True

    def send(self, resp):
        self.send_response(resp.status)
        for k, v in self.server.sim.response_headers(resp):
            self.send_header(k, v)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            if resp.file is not None:
                path, start, length = resp.file
                with open(path, "rb") as f:
                    f.seek(start)
                    while length > 0:
                        chunk = f.read(min(1 << 20, length))
                        if not chunk:
                            break
                        self.wfile.write(chunk)
                        length -= len(chunk)
            else:
                self.wfile.write(resp.body)
        self.wfile.flush()

    def drop(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def dispatch(self):
        body = BodyReader(self.rfile, self.headers)
        try:
            resp = self.server.sim.handle(self.command, self.path, self.headers, body,
                                          "https" if self.server.tls else "http")
        except DropConnection:
            self.drop()
            return
        self.finish_body(body)
        self.send(resp)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    allow_reuse_address = True

    def __init__(self, addr, sim, tls_context=None):
        ThreadingHTTPServer.__init__(self, addr, Handler)
        self.sim = sim
        self.tls = tls_context is not None
        if tls_context is not None:
            self.socket = tls_context.wrap_socket(self.socket, server_side=True)

    def handle_error(self, request, client_address):  # client hung up etc.: stay quiet
        pass


def ensure_certificate(data_dir, host):
    tls_dir = os.path.join(data_dir, "tls")
    cert = os.path.join(tls_dir, "cert.pem")
    key = os.path.join(tls_dir, "key.pem")
    if not (os.path.exists(cert) and os.path.exists(key)):
        if not os.path.isdir(tls_dir):
            os.makedirs(tls_dir)
        san = "DNS:localhost,IP:127.0.0.1"
        if host not in ("127.0.0.1", "localhost", "0.0.0.0", ""):
            san += ",IP:%s" % host if host.replace(".", "").isdigit() else ",DNS:%s" % host
        subprocess.check_call(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256",
             "-days", "3650", "-keyout", key, "-out", cert, "-subj", "/CN=localhost",
             "-addext", "subjectAltName=" + san,
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return cert, key


def make_tls_context(data_dir, host):
    cert, key = ensure_certificate(data_dir, host)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx
