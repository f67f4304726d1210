"""API Keys API ``/api/api-keys/...`` (proget-api.md §4): list / create / delete."""
import re
import secrets

from .auth import FULL_CONTROL_APIS, hash_secret, parse_datetime
from .core import bad_request, empty, json_response, not_found, text

TYPES = {"system": "System", "feed": "Feed", "personal": "Personal", "other": "Other"}
LOGGING = {"none": "None", "request": "Request", "response": "Response", "both": "Both"}
SYSTEM_APIS = ["feeds", "sca", "sbom-upload", "full-control"]
PACKAGE_PERMISSIONS = ["view", "add", "promote", "delete"]
OUTPUT_ORDER = ["id", "type", "key", "displayName", "description", "systemApis",
                "packagePermissions", "feed", "feedGroup", "user", "expiration", "logging"]


def key_out(req, rec, show_key):
    out = {}
    for k in OUTPUT_ORDER:
        if k == "id":
            out[k] = rec["_id"]
        elif k == "key":
            out[k] = rec.get("key") if show_key else None
        else:
            out[k] = rec.get(k)
    # config full_control_echo: "as-sent" shows systemApis as stored; "expanded" shows
    # ["full-control"] as the three APIs pgutil sends for it (ApiKeys/Create/SystemCommand.cs).
    if req.sim.config["full_control_echo"] == "expanded" and "full-control" in (out["systemApis"] or []):
        out["systemApis"] = sorted(FULL_CONTROL_APIS, key=SYSTEM_APIS.index)
    return out


def _enum(value, table, what):
    if not isinstance(value, str) or value.lower() not in table:
        raise bad_request("Invalid %s '%s'; expected one of %s." % (what, value, ", ".join(table.values())))
    return table[value.lower()]


def _str_list(body, key, allowed):
    v = body.get(key)
    if v is None:
        return None
    if isinstance(v, str):
        v = [x.strip() for x in v.split(",") if x.strip()]
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise bad_request("Invalid value for %s: expected an array of strings." % key)
    out = []
    for x in v:
        if x.lower() not in allowed:
            raise bad_request("Invalid value '%s' in %s; expected %s." % (x, key, ", ".join(allowed)))
        if x.lower() not in out:
            out.append(x.lower())
    return out


def _opt_str(body, key):
    v = body.get(key)
    if v is not None and not isinstance(v, str):
        raise bad_request("Invalid value for %s: expected a string." % key)
    return v or None


def validate(req, body):
    store = req.store
    if "type" not in body or body.get("type") in (None, ""):
        raise bad_request("type is required.")
    ktype = _enum(body["type"], TYPES, "type")
    # ApiKeyInfo.cs: "public required ApiKeyBodyLogging Logging" ("required ... must be specified
    # when creating"); no default is applied.
    if body.get("logging") is None:
        raise bad_request("logging is required (None, Request, Response or Both).")
    logging = _enum(body["logging"], LOGGING, "logging")
    rec = {"type": ktype, "displayName": _opt_str(body, "displayName"),
           "description": _opt_str(body, "description"), "systemApis": None,
           "packagePermissions": None, "feed": None, "feedGroup": None, "user": None,
           "expiration": None, "logging": logging}
    exp = body.get("expiration")
    if exp is not None:
        try:
            when = parse_datetime(exp)
        except (ValueError, TypeError):
            raise bad_request("Invalid value for expiration: expected an ISO 8601 date-time.")
        # ProGet keeps a DateTime and emits it in its own format, whatever the input looked like
        rec["expiration"] = when.strftime("%Y-%m-%dT%H:%M:%S")
    sys_apis = _str_list(body, "systemApis", SYSTEM_APIS)
    perms = _str_list(body, "packagePermissions", PACKAGE_PERMISSIONS)
    feed = _opt_str(body, "feed")
    group = _opt_str(body, "feedGroup")
    user = _opt_str(body, "user")
    if ktype == "System":
        if not sys_apis:
            raise bad_request("systemApis is required for System keys.")
        if perms or feed or group or user:
            raise bad_request("packagePermissions, feed, feedGroup and user must be null for System keys.")
        rec["systemApis"] = sys_apis
    elif ktype == "Feed":
        if bool(feed) == bool(group):
            raise bad_request("Feed keys require exactly one of feed or feedGroup.")
        if not perms:
            raise bad_request("packagePermissions is required for Feed keys.")
        if sys_apis or user:
            raise bad_request("systemApis and user must be null for Feed keys.")
        if feed:
            frec = store.find("feed", feed)
            if frec is None:
                raise bad_request("feed '%s' does not exist." % feed)
            feed = frec["name"]
        rec.update(feed=feed, feedGroup=group, packagePermissions=perms)
    elif ktype == "Personal":
        if not user:
            raise bad_request("user is required for Personal keys.")
        urec = store.find("user", user)
        if urec is None:
            raise bad_request("user '%s' does not exist." % user)
        if sys_apis or perms or feed or group:
            raise bad_request("systemApis, packagePermissions, feed and feedGroup must be null "
                              "for Personal keys.")
        rec["user"] = urec["name"]
    else:
        raise bad_request("Keys of type Other cannot be created.")
    return rec


def list_route(req):
    req.require("admin")
    show = req.sim.config["key_storage"] == "plain"
    return json_response([key_out(req, r, show) for r in req.store.all("apikey")])


def create_route(req):
    # Any edition may create any key type here. pgutil ProGetClient.cs CreateApiKeyAsync maps a
    # failure on Free/Basic to "edition required" for non-personal keys, but no source says
    # what the server answers, so the sim does not refuse them (kept, not verified).
    req.require("admin")
    body = req.json_object()
    rec = validate(req, body)
    secret = body.get("key")
    hashed = req.sim.config["key_storage"] == "hashed"
    if secret not in (None, ""):
        if not isinstance(secret, str):
            raise bad_request("Invalid value for key: expected a string.")
        if hashed:
            raise bad_request("A key value may not be specified when API keys are stored hashed.")
        if len(secret) < 4 or any(c.isspace() for c in secret):
            raise bad_request("Invalid key value.")
    else:
        secret = secrets.token_hex(20)
    h = hash_secret(secret)
    if req.store.find("apikey", h) is not None:
        raise bad_request("An API key with this value already exists.")
    rec["key_hash"] = h
    rec["key"] = None if hashed else secret
    rec = req.store.insert("apikey", rec, name=h)
    # 200 in both readings (docs apikeys/create.md; 2024-07 table: "200 ... the body will contain
    # the text of the ApiKey created"). The new key's text is shown once, also with hashed storage.
    if req.sim.config["apikey_create_reply"] == "json":
        out = key_out(req, rec, True)
        out["key"] = secret
        return json_response(out)
    return text(secret)


def delete_route(req):
    req.require("admin")
    raw = req.arg("id")
    if raw is None or raw == "":
        raise bad_request("The id parameter is required.")
    if not re.match(r"^\s*\d+\s*$", raw):
        raise bad_request("The id parameter must be an integer.")
    if not req.store.delete("apikey", int(raw)):
        raise not_found("API key %s not found." % raw.strip())
    return empty()


# Only documented verbs: docs apikeys/list.md GET, create.md POST, delete.md POST (pgutil
# ProGetClient.cs: the same); any other verb answers 405.
ROUTES = [
    (("GET",), r"/api/api-keys/list/?", list_route),
    (("POST",), r"/api/api-keys/create/?", create_route),
    (("POST",), r"/api/api-keys/delete/?", delete_route),
]
