"""Security API ``/api/security/...`` (proget-api.md §9.3): users, groups, tasks, task attributes
and permissions. The model and how permissions decide what a caller may do: progetsim/security.py.

Sources: docs ``Content/proget/api/security/**`` (current pages 2026-01; the 2025-11 drafts, e.g.
``69e9e842``, had status tables: 200, 400 for invalid input with a text body, 403, 500) and pgutil
``Inedo.ProGet/Security*.cs`` and ``ProGetClient.cs`` (newer than the local mirror; JSON names are
the camelCased C# properties). Members that are null are omitted from replies (the docs' 2025-11
example replies omit them; the docs' scripts test for the property's presence); ``required``
members and booleans are always present.
"""
import re

from . import auth, security
from .core import HttpError, bad_request, empty, expect_bool, json_response, not_found

# proget-api.md §0 [field]: ProGet Free answers the security API with this text. No source gives
# the status code; the docs pages list only 200 and 403 ("missing, unknown, or unauthorized API
# Key") and license.md says "the security API is restricted": 403.
FREE_TEXT = "ProGet Free Edition does not support this API"


# -- guards -------------------------------------------------------------------------------------
def guard(req):
    # docs security/#.md "Authenticating to Security API": System keys need Full Control, personal
    # keys (and users) Admin_ConfigureProGet; "Feed API keys cannot be used to authenticate to
    # this API". The credentials are checked before the edition.
    req.require("admin")
    # docs administration/license.md: "ProGet Free is also limited to UI-based security
    # configuration (i.e. the security API is restricted)".
    if req.sim.config["edition"] == "free":
        raise HttpError(403, FREE_TEXT)


def delete_guard(req):
    """Config ``security_delete_verb``: DELETE (docs), POST (pgutil) or either; another verb
    answers 405 like an unrouted one."""
    verb = req.sim.config["security_delete_verb"]
    if verb != "either" and req.method != verb:
        raise HttpError(405, "The HTTP method %s is not allowed for this URL." % req.method)
    guard(req)


# -- input helpers --------------------------------------------------------------------------------
def _str(body, key):
    v = body.get(key)
    if v is not None and not isinstance(v, str):
        raise bad_request("Invalid value for %s: expected a string." % key)
    return v


def _name(body, key="name"):
    v = _str(body, key)
    if v is None or not v.strip():
        raise bad_request("%s is required." % key)
    return v


def _str_list(body, key):
    v = body.get(key)
    if v is None:
        return None
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise bad_request("Invalid value for %s: expected an array of strings." % key)
    return v


def _dedupe(names):
    out = []
    for n in names:
        if not any(security.same(n, o) for o in out):
            out.append(n)
    return out


def _existing_one(store, kind, name):
    """The stored ``kind`` object named ``name``; 400 when there is none (the 2025-11 tables give
    400 for invalid input and no 404)."""
    rec = store.find(kind, name)
    if rec is None:
        raise bad_request("%s '%s' does not exist." % (kind.capitalize(), name))
    return rec


def _existing(store, body, key, kind):
    """Names of ``kind`` objects -> their stored spelling (400 for an unknown one), or None if not given."""
    names = _str_list(body, key)
    if names is None:
        return None
    return _dedupe([_existing_one(store, kind, n)["name"] for n in names])


def _users(store, body, key="users"):
    return _existing(store, body, key, "user")


def _groups(store, body, key="groups"):
    return _existing(store, body, key, "group")


def _arg(req, name):
    v = req.arg(name)
    if v is None or not v.strip():
        raise bad_request("The %s parameter is required." % name)
    return v


# -- users ----------------------------------------------------------------------------------------
def user_out(store, rec):
    # SecurityUser.cs: name (required), displayName, email, password (never shown), groups
    out = {"name": rec["name"]}
    for k in ("displayName", "email"):
        if rec.get(k) is not None:
            out[k] = rec[k]
    out["groups"] = security.groups_of(store, rec["name"])
    return out


def set_groups(store, user_name, groups):
    """The user is a member of exactly ``groups`` (SecurityUser.Groups: "Group(s) that the user is
    a member of")."""
    for g in store.all("group"):
        members = list(g.get("users") or [])
        inside = any(security.same(u, user_name) for u in members)
        wanted = any(security.same(g["name"], n) for n in groups)
        if inside and not wanted:
            g["users"] = [u for u in members if not security.same(u, user_name)]
            store.update("group", g)
        elif wanted and not inside:
            g["users"] = members + [user_name]
            store.update("group", g)


def list_users(req):
    guard(req)
    # docs users/list.md: "filtered using the optional search-term query argument"; the match is
    # pgutil Security/Users/ListCommand.cs's: name or display name contains it, ignoring case.
    term = (req.arg("search-term") or "").lower()
    out = []
    for rec in req.store.all("user"):
        if term and term not in rec["name"].lower() and term not in (rec.get("displayName") or "").lower():
            continue
        out.append(user_out(req.store, rec))
    return json_response(out)


def add_user(req):
    guard(req)
    store = req.store
    body = req.json_object()
    name = _name(body)
    existing = store.find("user", name)
    if existing is not None:
        raise bad_request("A user named '%s' already exists." % existing["name"])
    display, email, password = _str(body, "displayName"), _str(body, "email"), _str(body, "password")
    groups = _groups(store, body)
    rec = store.insert("user", {
        "name": name, "displayName": display, "email": email, "attributes": [],
        # no password: the user cannot sign in (pgutil asks for one; SecurityUser.cs has it optional)
        "password_hash": auth.password_hash(name, password) if password is not None else None,
    }, name=name)
    if groups:
        set_groups(store, rec["name"], groups)
    return json_response(user_out(store, rec))


def update_user(req):
    guard(req)
    store = req.store
    body = req.json_object()
    name = _name(body)
    # docs users/edit.md: "The Name property's value must already exist in ProGet"
    rec = _existing_one(store, "user", name)
    # docs users/edit.md: the options given "will overwrite the existing value(s)"; a member that
    # is omitted or null keeps its value (pgutil EditCommand sends only the options given).
    display, email, password = _str(body, "displayName"), _str(body, "email"), _str(body, "password")
    groups = _groups(store, body)
    if display is not None:
        rec["displayName"] = display
    if email is not None:
        rec["email"] = email
    if password is not None:
        rec["password_hash"] = auth.password_hash(rec["name"], password)
    store.update("user", rec)
    if groups is not None:
        set_groups(store, rec["name"], groups)
    return json_response(user_out(store, rec))


def delete_user(req):
    delete_guard(req)
    name = _arg(req, "user")
    rec = req.store.find("user", name)
    # docs users/delete.md: "it's not considered an error to delete a User that does not exist"
    if rec is not None:
        req.store.delete("user", rec["_id"])
        security.forget_user(req.store, rec["name"])
    return empty()


# -- groups ---------------------------------------------------------------------------------------
def group_out(rec):
    # SecurityGroup.cs: name (required), users
    return {"name": rec["name"], "users": list(rec.get("users") or [])}


def list_groups(req):
    guard(req)
    return json_response([group_out(g) for g in req.store.all("group")])


def add_group(req):
    guard(req)
    store = req.store
    body = req.json_object()
    name = _name(body)
    users = _users(store, body)
    rec = store.find("group", name)
    if rec is not None:
        # config group_add_existing (server.py CHOICES)
        if req.sim.config["group_add_existing"] != "replace":
            raise bad_request("A group named '%s' already exists." % rec["name"])
        if users is not None:
            rec["users"] = users
            store.update("group", rec)
        return json_response(group_out(rec))
    rec = store.insert("group", {"name": name, "users": users or []}, name=name)
    return json_response(group_out(rec))


def update_group(req):
    guard(req)
    store = req.store
    body = req.json_object()
    name = _name(body)
    rec = _existing_one(store, "group", name)
    # docs groups/add-member.md, remove-member.md: "this endpoint replaces the member list"; a
    # body without users (or null) leaves the members as they are (our reading).
    users = _users(store, body)
    if users is not None:
        rec["users"] = users
        store.update("group", rec)
    return json_response(group_out(rec))


def delete_group(req):
    delete_guard(req)
    name = _arg(req, "group")
    rec = req.store.find("group", name)
    # docs groups/delete.md: "it's not considered an error to delete a Group that does not exist"
    if rec is not None:
        req.store.delete("group", rec["_id"])
        security.forget(req.store, "group", rec["name"])
    return empty()


# -- tasks and attributes -------------------------------------------------------------------------
def task_out(rec):
    # SecurityTask.cs: name (required), description, feedScoped, attributes (required)
    out = {"name": rec["name"]}
    if rec.get("description") is not None:
        out["description"] = rec["description"]
    attrs = list(rec.get("attributes") or [])
    out["feedScoped"] = security.feed_scoped(attrs)
    out["attributes"] = attrs
    return out


def _attributes(body):
    # SecurityTask.cs: "public required string[] Attributes"; docs tasks/create.md: --attributes
    # "always required".
    names = _str_list(body, "attributes")
    if names is None:
        raise bad_request("attributes is required.")
    out = []
    for n in names:
        canonical = security.CANONICAL_ATTRIBUTE.get(n.strip().lower())
        if canonical is None:
            raise bad_request("Unknown attribute '%s'." % n)
        if canonical not in out:
            out.append(canonical)
    return out


def _not_builtin(req, rec, what):
    # config builtin_tasks (server.py CHOICES)
    if req.sim.config["builtin_tasks"] == "protected" and rec["name"].lower() in security.BUILTIN_TASK_NAMES:
        raise bad_request("The built-in task '%s' cannot be %s." % (rec["name"], what))


def list_tasks(req):
    guard(req)
    # docs tasks/list.md example output lists the tasks by name
    tasks = sorted(req.store.all("task"), key=lambda t: t["name"].lower())
    return json_response([task_out(t) for t in tasks])


def list_attributes(req):
    guard(req)
    # SecurityTaskAttribute.cs: name (required), feedScoped
    return json_response([{"name": n, "feedScoped": s} for n, s in security.ATTRIBUTES])


def add_task(req):
    guard(req)
    store = req.store
    body = req.json_object()
    name = _name(body)
    existing = store.find("task", name)
    if existing is not None:
        # pgutil Tasks/CreateCommand.cs calls tasks/update for an existing task (--force)
        raise bad_request("A task named '%s' already exists." % existing["name"])
    description = _str(body, "description")
    attrs = _attributes(body)
    rec = store.insert("task", {"name": name, "description": description, "attributes": attrs},
                       name=name)
    return json_response(task_out(rec))


def update_task(req):
    # pgutil ProGetClient.cs UpdateSecurityTaskAsync (POST tasks/update); not in the docs
    guard(req)
    store = req.store
    body = req.json_object()
    name = _name(body)
    rec = _existing_one(store, "task", name)
    _not_builtin(req, rec, "changed")
    description = _str(body, "description")
    attrs = _attributes(body)
    if description is not None:
        rec["description"] = description
    rec["attributes"] = attrs
    store.update("task", rec)
    return json_response(task_out(rec))


def delete_task(req):
    delete_guard(req)
    name = _arg(req, "task")
    rec = req.store.find("task", name)
    if rec is None:
        # pgutil Security/Tasks/DeleteCommand.cs treats 404 as "was not found; nothing to do"
        raise not_found("Task '%s' not found." % name)
    _not_builtin(req, rec, "deleted")
    req.store.delete("task", rec["_id"])
    security.forget(req.store, "task", rec["name"])
    return empty()


# -- permissions ----------------------------------------------------------------------------------
PERMISSION_FIELDS = ("user", "group", "task", "feed", "feedGroup")


def permission_out(rec):
    # SecurityPermission.cs: id, user, group, task, feed, feedGroup, deny
    out = {"id": rec["_id"]}
    for k in PERMISSION_FIELDS:
        if rec.get(k) is not None:
            out[k] = rec[k]
    out["deny"] = bool(rec.get("deny"))
    return out


def _principal(store, kind, name):
    virtual = security.VIRTUAL.get(name.lower())
    if virtual is not None:
        return virtual
    return _existing_one(store, kind, name)["name"]


def list_permissions(req):
    guard(req)
    return json_response([permission_out(p) for p in req.store.all("permission")])


def add_permission(req):
    guard(req)
    store = req.store
    body = req.json_object()
    values = dict((k, _str(body, k) or None) for k in PERMISSION_FIELDS)   # "" = not given
    deny = expect_bool(body, "deny") or False
    # docs permissions/add.md: "The --task option together with either the --user or --group
    # options are always required"; pgutil Permissions/AddCommand.cs refuses user and group
    # together, and feed and feed group together. The id is assigned by the server.
    if values["task"] is None:
        raise bad_request("task is required.")
    if values["user"] and values["group"]:
        raise bad_request("Specify a user or a group, not both.")
    if not values["user"] and not values["group"]:
        raise bad_request("A user or a group is required.")
    if values["feed"] and values["feedGroup"]:
        raise bad_request("Specify a feed or a feed group, not both.")
    task = _existing_one(store, "task", values["task"])
    values["task"] = task["name"]
    if values["user"]:
        values["user"] = _principal(store, "user", values["user"])
    else:
        values["group"] = _principal(store, "group", values["group"])
    if values["feed"]:
        values["feed"] = _existing_one(store, "feed", values["feed"])["name"]
    # Feed groups are not modelled: a feed-group permission is stored and listed but matches no feed.
    if (values["feed"] or values["feedGroup"]) and not security.feed_scoped(task.get("attributes") or []):
        # docs creating-tasks.md: a task can be used in a feed-specific permission only if all its
        # attributes can be scoped to a feed
        raise bad_request("The task '%s' cannot be scoped to a feed or feed group." % task["name"])
    values["deny"] = deny
    # Each add creates a permission (the sources do not say that an identical one is reused).
    rec = store.insert("permission", values)
    return json_response(permission_out(rec))


def delete_permission(req):
    delete_guard(req)
    raw = _arg(req, "permissionId")
    if not re.match(r"^\s*\d+\s*$", raw):
        raise bad_request("The permissionId parameter must be an integer.")
    if not req.store.delete("permission", int(raw)):
        raise not_found("Permission %s not found." % raw.strip())
    return empty()


# Verbs and URLs: docs security/**/*.md; tasks/update only in pgutil ProGetClient.cs. The deletes
# take DELETE or POST as config security_delete_verb says (delete_guard); others answer 405.
S = r"/api/security"
DELETE_VERBS = ("DELETE", "POST")
ROUTES = [
    (("GET",), S + r"/users/list/?", list_users),
    (("POST",), S + r"/users/add/?", add_user),
    (("POST",), S + r"/users/update/?", update_user),
    (DELETE_VERBS, S + r"/users/delete/?", delete_user),
    (("GET",), S + r"/groups/list/?", list_groups),
    (("POST",), S + r"/groups/add/?", add_group),
    (("POST",), S + r"/groups/update/?", update_group),
    (DELETE_VERBS, S + r"/groups/delete/?", delete_group),
    (("GET",), S + r"/tasks/list/?", list_tasks),
    (("POST",), S + r"/tasks/add/?", add_task),
    (("POST",), S + r"/tasks/update/?", update_task),
    (DELETE_VERBS, S + r"/tasks/delete/?", delete_task),
    (("GET",), S + r"/attributes/list/?", list_attributes),
    (("GET",), S + r"/permissions/list/?", list_permissions),
    (("POST",), S + r"/permissions/add/?", add_permission),
    (DELETE_VERBS, S + r"/permissions/delete/?", delete_permission),
]
