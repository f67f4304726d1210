"""Native API dispatcher: ``GET|POST /api/json/{Method}`` (proget-api.md §7).

Methods are contributed by area modules through ``NATIVE_METHODS = {name: fn(req, args)}``.
``args`` is a ``NativeArgs`` (query string + form fields + JSON object body, names matched
case-insensitively). Return a list (DataTable), a dict (DataRow), a scalar, or None (no output,
empty body). Raise ``HttpError`` for failures.
"""
import base64
import json
import re

from .core import HttpError, Response, bad_request, empty, json_response

CREDENTIAL_ARGS = {"key", "api_key"}


class NativeArgs(object):
    def __init__(self, values):
        self.values = dict((k.lower(), v) for k, v in values.items()
                           if k.lower() not in CREDENTIAL_ARGS)

    def has(self, name):
        v = self.values.get(name.lower())
        return v is not None and v != ""

    def raw(self, name):
        return self.values.get(name.lower())

    def str(self, name):
        v = self.values.get(name.lower())
        if v is None:
            return None
        if isinstance(v, bool):
            return "Y" if v else "N"
        if isinstance(v, (int, float)):
            return str(v)
        if not isinstance(v, str):
            raise bad_request("Invalid value for argument %s." % name)
        return v

    def require_str(self, name):
        v = self.str(name)
        if v is None or v == "":
            raise bad_request("Missing required argument %s." % name)
        return v

    def int(self, name):
        v = self.values.get(name.lower())
        if v is None or v == "":
            return None
        if isinstance(v, bool):
            raise bad_request("Invalid value for argument %s: expected an integer." % name)
        if isinstance(v, int):
            return v
        if isinstance(v, str) and re.match(r"^\s*-?\d+\s*$", v):
            return int(v)
        raise bad_request("Invalid value for argument %s: expected an integer." % name)

    def require_int(self, name):
        v = self.int(name)
        if v is None:
            raise bad_request("Missing required argument %s." % name)
        return v

    def bool(self, name):
        v = self.values.get(name.lower())
        if v is None or v == "":
            return None
        if isinstance(v, bool):
            return v
        s = str(v).strip().lower()
        if s in ("y", "true", "1", "yes"):
            return True
        if s in ("n", "false", "0", "no"):
            return False
        raise bad_request("Invalid value for argument %s: expected Y or N." % name)

    def bytes_text(self, name):
        """Byte[] argument: base64 text -> decoded str (falls back to the raw text)."""
        v = self.str(name)
        if v is None:
            return None
        try:
            return base64.b64decode(v, validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return v


def native(req, method):
    req.require("admin")
    methods = req.sim.native_methods
    fn = methods.get(method)
    if fn is None:
        for name, f in methods.items():
            if name.lower() == method.lower():
                fn = f
                break
    if fn is None:
        raise HttpError(404, "Method %s not found." % method)
    values = dict(req.query)
    values.update(req.form())
    if req.body.strip() and (req.is_json() or req.content_type == ""):
        try:
            body = json.loads(req.body.decode("utf-8-sig"))
        except (ValueError, UnicodeDecodeError):
            if req.is_json():
                raise bad_request("Invalid JSON in request body.")
            body = None
        if isinstance(body, dict):
            values.update(body)
        elif body is not None and req.is_json():
            raise bad_request("The request body must be a JSON object.")
    result = fn(req, NativeArgs(values))
    if isinstance(result, Response):
        return result
    if result is None:
        return empty()
    return json_response(result)


ROUTES = [
    (("GET", "POST"), r"/api/json/(?P<method>[A-Za-z0-9_]+)/?", native),
]
