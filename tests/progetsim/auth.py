"""Principal resolution and permission checks (proget-api.md §1).

Credentials are looked for in this order, and the first one present is used:
``X-ApiKey`` header, ``Authorization: Basic`` (user ``api`` = key, else a real user),
query ``key`` / ``API_Key``, form field ``key`` (x-www-form-urlencoded only), JSON root
property ``API_Key`` (application/json only). A key string that is not a known API key but looks
like ``user:password`` is a pseudo-key for that user.

Credentials that are presented but not accepted (unknown or expired key, wrong password) give a
principal with no rights at all, never the anonymous user: docs packages/#.md "If the provided
API key is either missing, unknown/incorrect or does not have permission, ... 403 The specified
API key does not have the proper permissions to perform this action."; every management page
says "A 403 response indicates a missing, unknown, or unauthorized API Key". The anonymous modes
apply only to requests that carry no credentials.

What users, personal keys and requests without credentials may do: the permissions of the Security
API (users, groups, tasks; progetsim/security.py resolves them), plus a global grant of their own:
the ``anonymous`` switch for requests without credentials, the ``attributes`` shorthand of
``POST /__sim/users`` for users.
"""
import base64
import binascii
import datetime
import hashlib

from . import security

# security task attributes (§1.4; the list and its sources: progetsim/security.py ATTRIBUTES)
VIEW_ATTRIBUTES = ["Feeds_ViewFeed", "Feeds_DownloadPackage"]
# built-in tasks usable as "attributes" shorthand in /__sim/users (their built-in definitions:
# progetsim/security.py BUILTIN_TASKS)
TASKS = dict((name.lower(), list(attrs)) for name, _, attrs in security.BUILTIN_TASKS)

ADMIN_ATTRS = {"Admin_ConfigureProGet"}
# permission -> attributes granting it (for anonymous, users and personal keys)
PERMISSION_ATTRIBUTES = {
    "feeds.view": {"Feeds_ViewFeed", "Admin_ManageFeed", "Admin_ConfigureProGet"},
    "feeds.download": {"Feeds_DownloadPackage", "Admin_ManageFeed", "Admin_ConfigureProGet"},
    "feeds.add": {"Feeds_AddPackage", "Admin_ManageFeed", "Admin_ConfigureProGet"},
    "feeds.delete": {"Feeds_DeletePackage", "Feeds_OverwritePackage", "Admin_ManageFeed",
                     "Admin_ConfigureProGet"},
    "feeds.promote": {"Feeds_AcceptPackagePromotions", "Admin_ManageFeed", "Admin_ConfigureProGet"},
    # Set Package Status (unlist, deprecate, block): the docs' packages/#.md authentication table
    # names no requirement for it; the attribute named for it is Feeds_UnlistPackage (security
    # tasks/list.md, in the built-in "Manage Feed" task). Our reading.
    "feeds.unlist": {"Feeds_UnlistPackage", "Admin_ManageFeed", "Admin_ConfigureProGet"},
    "feeds.manage": {"Admin_ManageFeed", "Admin_ConfigureProGet"},
    "connectors": {"Admin_ConfigureProGet", "Admin_ManageConnectors"},
    "licenses": {"Licenses_Manage", "Admin_ConfigureProGet"},
    "sca": {"Projects_Manage", "Admin_ConfigureProGet"},
    "sbom-upload": {"Projects_UploadSbom", "Projects_Manage", "Admin_ConfigureProGet"},
    "admin": {"Admin_ConfigureProGet"},
}
# permission -> system API granting it (full-control grants everything)
PERMISSION_SYSTEM_API = {
    "feeds.view": "feeds", "feeds.download": "feeds", "feeds.add": "feeds", "feeds.delete": "feeds",
    "feeds.promote": "feeds", "feeds.unlist": "feeds", "feeds.manage": "feeds", "connectors": "feeds",
    "sca": "sca", "sbom-upload": "sbom-upload",
}
# pgutil ApiKeys/Create/SystemCommand.cs sends these three for "full-control", so a key that has
# all of them is treated as full control (ApiKeyInfo.cs allows either form).
FULL_CONTROL_APIS = {"feeds", "sca", "sbom-upload"}
# permission -> feed-key packagePermission
PERMISSION_FEED_KEY = {
    "feeds.view": "view", "feeds.download": "view", "feeds.add": "add",
    "feeds.promote": "promote", "feeds.delete": "delete",
    # Set Package Status with a Feed key: no source says which of the four permissions; the one
    # that already changes what a feed holds, Overwrite/Delete (our reading).
    "feeds.unlist": "delete",
}


def expand_attributes(names):
    out = set()
    for n in names or []:
        task = TASKS.get(str(n).lower())
        if task:
            out.update(task)
        else:
            out.add(str(n))
    return out


def hash_secret(secret):
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def password_hash(user, password):
    return hashlib.sha256(("progetsim:%s:%s" % (user.lower(), password)).encode("utf-8")).hexdigest()


def parse_datetime(value):
    """ISO-8601 -> aware UTC datetime, or raise ValueError."""
    if not isinstance(value, str):
        raise ValueError("not a string")
    v = value.strip()
    if v.endswith("Z") or v.endswith("z"):
        v = v[:-1] + "+00:00"
    dt = datetime.datetime.fromisoformat(v)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=datetime.timezone.utc)
    return dt.astimezone(datetime.timezone.utc)


def key_expired(rec):
    exp = rec.get("expiration")
    if not exp:
        return False
    try:
        return parse_datetime(exp) <= datetime.datetime.now(datetime.timezone.utc)
    except ValueError:
        return False


class Principal(object):
    """Who is calling: ``kind`` is anonymous, user or apikey.

    ``attributes``: a global grant of the principal's own (the ``anonymous`` switch, the
    ``/__sim/users`` shorthand); ``rules``: the stored permissions that apply to it
    (security.rules_for). Both decide for anonymous requests, users and personal keys."""

    def __init__(self, kind, name, attributes=(), key=None, user=None, invalid=False, rules=()):
        self.kind = kind
        self.name = name
        self.attributes = set(attributes)
        self.key = key            # the API key record, for kind == "apikey"
        self.user = user          # user name, for users and personal keys
        self.invalid = invalid    # credentials were presented but not accepted
        self.rules = list(rules)
        if self.attributes:
            self.rules.append(security.grant(self.attributes))

    @property
    def key_type(self):
        return self.key.get("type") if self.key else None

    def log_name(self):
        return self.name

    def can(self, permission, feed=None):
        """``permission`` from PERMISSION_ATTRIBUTES; ``feed`` = feed name for feed-scoped checks
        (None = "any feed" / not feed-specific)."""
        if self.key is not None and self.key_type in ("System", "Feed"):
            if self.key_type == "System":
                apis = set(self.key.get("systemApis") or [])
                if "full-control" in apis or FULL_CONTROL_APIS <= apis:
                    return True
                need = PERMISSION_SYSTEM_API.get(permission)
                return need is not None and need in apis
            need = PERMISSION_FEED_KEY.get(permission)
            if need is None or need not in (self.key.get("packagePermissions") or []):
                return False
            if feed is None:
                return True
            kf = self.key.get("feed")
            return kf is not None and kf.lower() == feed.lower()
        granting = PERMISSION_ATTRIBUTES.get(permission) or ADMIN_ATTRS
        return any(security.allowed(self.rules, a, feed) for a in granting)


def anonymous(sim):
    mode = sim.config["anonymous"]
    # "admin" is a stored permission (security.sync_anonymous): the Security API can remove it
    attrs = VIEW_ATTRIBUTES if mode == "view" else []
    return Principal("anonymous", "Anonymous", attrs, rules=security.rules_for(sim.store))


def rejected():
    """Credentials were presented but not accepted: no rights whatsoever (module docstring)."""
    return Principal("invalid", "Invalid", (), invalid=True)


def user_principal(store, name, password, via="user"):
    rec = store.find("user", name)
    if rec is None or rec.get("password_hash") != password_hash(rec["name"], password):
        return None
    return Principal("user", "%s:%s" % (via, rec["name"]), expand_attributes(rec.get("attributes")),
                     user=rec["name"], rules=security.rules_for(store, rec["name"], True))


def key_principal(sim, secret):
    store = sim.store
    rec = store.find("apikey", hash_secret(secret))
    if rec is not None:
        if key_expired(rec):
            return None
        name = "apikey:%s" % rec["_id"]
        if rec.get("type") == "Personal":
            urec = store.find("user", rec.get("user") or "")
            if urec is None:
                return None
            return Principal("apikey", name, expand_attributes(urec.get("attributes")), key=rec,
                             user=urec["name"], rules=security.rules_for(store, urec["name"], True))
        return Principal("apikey", name, (), key=rec)
    if ":" in secret:
        user, _, password = secret.partition(":")
        return user_principal(store, user, password, via="pseudo-key")
    return None


def find_credentials(req):
    """-> ("key", secret) | ("basic", (user, password)) | None"""
    v = req.header("X-ApiKey")
    if v:
        return ("key", v)
    auth = req.header("Authorization")
    if auth and auth[:6].lower() == "basic ":
        try:
            user, _, password = base64.b64decode(auth[6:].strip()).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return ("invalid", None)
        if user.lower() == "api":
            return ("key", password)
        return ("basic", (user, password))
    for name in ("key", "API_Key"):
        if req.query.get(name):
            return ("key", req.query[name])
    form = req.form()
    if form.get("key"):
        return ("key", form["key"])
    if req.is_json() and req.body.strip():
        try:
            body = req.json(required=False)
        except Exception:
            body = None
        if isinstance(body, dict) and isinstance(body.get("API_Key"), str) and body["API_Key"]:
            return ("key", body["API_Key"])
    return None


def resolve(req):
    sim = req.sim
    cred = find_credentials(req)
    if cred is None:
        return anonymous(sim)
    kind, value = cred
    p = None
    if kind == "key":
        p = key_principal(sim, value)
    elif kind == "basic":
        p = user_principal(sim.store, value[0], value[1], via="user")
    return p if p is not None else rejected()
