"""Shared building blocks for API area modules.

An area module (``progetsim/api_<area>.py``) exposes::

    ROUTES = [
        (("GET",), r"/api/management/feeds/list", handler),
        (("DELETE",), r"/api/management/feeds/delete/(?P<name>[^/]+)", handler),
    ]

List only the verbs the sources document (docs pages, pgutil ProGetClient.cs); the router
answers 405 for any other verb on a known path (HEAD follows GET).

A handler is ``handler(req, **groupdict) -> Response`` (or a plain value, see ``to_response``).
It may raise ``HttpError`` (``bad_request``, ``not_found``, ``forbidden`` ...).  Everything it
needs hangs off ``req``: ``req.store`` (store.Store), ``req.principal`` (auth.Principal),
``req.sim`` (server.Sim: config, settings, version ...).

Optional module attributes:
  ``DEFAULT_SETTINGS``: list of dicts merged into the settings table (see api_settings).
  ``NATIVE_METHODS``: dict name -> callable(req, args) for /api/json/{Method}.
"""
import io
import json
import re
from urllib.parse import parse_qs

FORBIDDEN_TEXT = "The specified API key does not have the proper permissions to perform this action."


class HttpError(Exception):
    def __init__(self, status, text=""):
        Exception.__init__(self, text)
        self.status = status
        self.text = text


def bad_request(text):
    return HttpError(400, text)


def not_found(text="Not found."):
    return HttpError(404, text)


def forbidden(text=FORBIDDEN_TEXT):
    return HttpError(403, text)


class Response(object):
    """``body`` bytes, or ``file=(path, start, length)`` streamed from disk (large content)."""

    def __init__(self, status=200, body=b"", content_type=None, headers=None, file=None):
        self.status = status
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.body = body or b""
        self.content_type = content_type
        self.headers = dict(headers or {})
        self.file = file

    @property
    def length(self):
        return self.file[2] if self.file is not None else len(self.body)


class BodyReader(object):
    """The request body as a stream: ``read(n)`` up to Content-Length, or chunked decoding.

    Handlers that store large content read it in pieces (``req.body_stream``); ``req.body``
    reads it all. Whatever a handler leaves unread is drained (or the connection closed) by
    the server, so keep-alive stays in sync.
    """

    def __init__(self, rfile, headers):
        self.rfile = rfile
        te = (headers.get("Transfer-Encoding") or "").lower()
        self.chunked = "chunked" in te
        self.remaining = None if self.chunked else int(headers.get("Content-Length") or 0)
        self.length = self.remaining
        self._chunk_left = 0
        self._done = (self.remaining == 0)

    @property
    def done(self):
        return self._done

    def read(self, n=1 << 20):
        if self._done:
            return b""
        if not self.chunked:
            data = self.rfile.read(min(n, self.remaining))
            self.remaining -= len(data)
            if not data or self.remaining <= 0:
                self._done = True
            return data
        if self._chunk_left == 0:
            line = self.rfile.readline().strip()
            size = int(line.split(b";")[0] or b"0", 16)
            if size == 0:
                while self.rfile.readline().strip():
                    pass
                self._done = True
                return b""
            self._chunk_left = size
        data = self.rfile.read(min(n, self._chunk_left))
        self._chunk_left -= len(data)
        if self._chunk_left == 0:
            self.rfile.readline()
        if not data:
            self._done = True
        return data

    def read_all(self):
        parts = []
        while not self._done:
            parts.append(self.read(1 << 20))
        return b"".join(parts)


def text(body, status=200):
    return Response(status, body, "text/plain; charset=utf-8")


def json_response(obj, status=200, indent=None):
    body = json.dumps(obj, indent=indent)
    return Response(status, body, "application/json; charset=utf-8")


def empty(status=200):
    return Response(status, b"", None)


def to_response(value):
    if isinstance(value, Response):
        return value
    if value is None:
        return empty()
    return json_response(value)


class Request(object):
    """One HTTP request, path already stripped of the --prefix."""

    def __init__(self, method, path, query_string, headers, body, scheme="http", prefix="",
                 sim=None):
        self.method = method.upper()
        self.path = path
        self.query_string = query_string or ""
        self.headers = headers  # case-insensitive mapping (email.message.Message)
        if isinstance(body, BodyReader):
            self.body_stream = body
            self._body = None
        else:
            self.body_stream = None
            self._body = body or b""
        self.scheme = scheme
        self.prefix = prefix
        self.sim = sim
        self.store = sim.store if sim is not None else None
        self.principal = None
        self._json = _UNSET
        self._form = None
        self.query = {}
        for k, v in parse_qs(self.query_string, keep_blank_values=True).items():
            self.query[k] = v[0]
        # case-insensitive query lookup helper
        self._query_ci = dict((k.lower(), v) for k, v in self.query.items())

    # -- inputs ---------------------------------------------------------------------------
    @property
    def body(self):
        """The whole body as bytes (read on first use; use ``body_stream`` for large content)."""
        if self._body is None:
            self._body = self.body_stream.read_all()
        return self._body

    def stream(self):
        """A reader of the body: the socket stream, or the bytes if something already read them
        (e.g. auth looking for ``API_Key`` in a JSON body)."""
        if self._body is None and self.body_stream is not None:
            return self.body_stream
        return io.BytesIO(self.body)

    def header(self, name, default=None):
        v = self.headers.get(name)
        return default if v is None else v

    @property
    def content_type(self):
        return (self.header("Content-Type", "") or "").split(";")[0].strip().lower()

    def arg(self, name, default=None):
        """Query-string value, name matched case-insensitively."""
        return self._query_ci.get(name.lower(), default)

    def is_json(self):
        return self.content_type in ("application/json", "text/json") or self.content_type.endswith("+json")

    def json(self, required=True):
        """Parsed JSON body. Malformed -> HttpError 400; empty body -> None (or 400 if required)."""
        if self._json is _UNSET:
            raw = self.body.strip()
            if not raw:
                self._json = None
            else:
                try:
                    self._json = json.loads(raw.decode("utf-8-sig"))
                except (ValueError, UnicodeDecodeError) as ex:
                    raise bad_request("Invalid JSON in request body: %s" % ex)
        if self._json is None and required:
            raise bad_request("A JSON request body is required.")
        return self._json

    def json_object(self):
        obj = self.json(required=True)
        if not isinstance(obj, dict):
            raise bad_request("The request body must be a JSON object.")
        return obj

    def form(self):
        """Fields of an application/x-www-form-urlencoded body (else {})."""
        if self._form is None:
            self._form = {}
            if self.content_type == "application/x-www-form-urlencoded":
                try:
                    parsed = parse_qs(self.body.decode("utf-8"), keep_blank_values=True)
                except UnicodeDecodeError:
                    parsed = {}
                for k, v in parsed.items():
                    self._form[k] = v[0]
        return self._form

    @property
    def host(self):
        return self.header("Host") or "127.0.0.1"

    def base_url(self):
        """Absolute URL of the instance root as the client sees it (no trailing slash)."""
        return "%s://%s%s" % (self.scheme, self.host, self.prefix)

    # -- permissions ------------------------------------------------------------------------
    def require(self, permission, feed=None):
        """Raise 403 unless the principal has ``permission`` (see auth.Principal.can)."""
        if not self.principal.can(permission, feed):
            raise forbidden()


_UNSET = object()


class Router(object):
    def __init__(self):
        self.routes = []

    def add(self, methods, pattern, handler):
        if isinstance(methods, str):
            methods = (methods,)
        methods = tuple(m.upper() for m in methods)
        self.routes.append((methods, re.compile("^" + pattern + "$", re.IGNORECASE), handler))

    def match(self, method, path):
        """-> (handler, kwargs) or raises HttpError 404/405."""
        path_matched = False
        for methods, rx, handler in self.routes:
            m = rx.match(path)
            if not m:
                continue
            path_matched = True
            if method in methods or (method == "HEAD" and "GET" in methods):
                return handler, m.groupdict()
        if path_matched:
            raise HttpError(405, "The HTTP method %s is not allowed for this URL." % method)
        raise HttpError(404, "The requested URL was not found.")


# -- small value helpers used by several areas ------------------------------------------------
NAME_RX = re.compile(r"^[A-Za-z0-9._~-]+$")


def check_entity_name(value, what="name", max_len=100):
    if value is None or (isinstance(value, str) and not value.strip()):
        raise bad_request("%s is required." % what)
    if not isinstance(value, str):
        raise bad_request("%s must be a string." % what)
    if len(value) > max_len:
        raise bad_request("%s must be at most %d characters." % (what, max_len))
    if not NAME_RX.match(value):
        raise bad_request("%s '%s' contains characters that are not allowed (characters that "
                          "require URL escaping)." % (what, value))
    return value


def expect_bool(obj, key):
    v = obj.get(key)
    if v is not None and not isinstance(v, bool):
        raise bad_request("Invalid value for %s: expected true or false." % key)
    return v


def expect_int(obj, key, minimum=None):
    v = obj.get(key)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int):
        if isinstance(v, str) and re.match(r"^-?\d+$", v.strip()):
            v = int(v)
        else:
            raise bad_request("Invalid value for %s: expected an integer." % key)
    if minimum is not None and v < minimum:
        raise bad_request("Invalid value for %s: must be at least %d." % (key, minimum))
    return v


def expect_str(obj, key):
    v = obj.get(key)
    if v is not None and not isinstance(v, str):
        raise bad_request("Invalid value for %s: expected a string." % key)
    return v


def expect_str_list(obj, key):
    v = obj.get(key)
    if v is None:
        return None
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise bad_request("Invalid value for %s: expected an array of strings." % key)
    return list(v)


def expect_str_map(obj, key):
    v = obj.get(key)
    if v is None:
        return None
    if isinstance(v, list) and not v:
        return {}
    if not isinstance(v, dict):
        raise bad_request("Invalid value for %s: expected an object." % key)
    out = {}
    for k, val in v.items():
        if val is not None and not isinstance(val, (str, int, float, bool)):
            raise bad_request("Invalid value for %s.%s: expected a string." % (key, k))
        out[k] = val if (val is None or isinstance(val, str)) else json.dumps(val)
    return out
