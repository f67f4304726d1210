"""Security API ``/api/security/...``: users, groups, tasks, attributes, permissions (proget-api.md
§9.3; docs Content/proget/api/security/**; pgutil Inedo.ProGet/Security*.cs, ProGetClient.cs).

Every test but the edition ones runs on a Basic edition (ProGet Free refuses the whole API: docs
administration/license.md). Replies omit null members; ``required`` members and booleans are
always present. Permissions granted here change what users, personal keys and requests without
credentials may do in the other APIs."""
import pytest
import requests

from conftest import FORBIDDEN, SYSTEM_KEY

S = "api/security/"
FEEDS = "api/management/feeds/"
KEYS = "api/api-keys/list"
FREE = "ProGet Free Edition does not support this API"
BUILTIN = ["Administer", "Manage Feed", "Manage Projects", "Promote Packages", "Publish Packages",
           "View & Download Packages"]
DOCS_ATTRIBUTES = [
    "Admin_ConfigureProGet", "Admin_ManageFeed", "Admin_ManageConnectors", "Feeds_ViewFeed",
    "Feeds_DownloadPackage", "Feeds_AddPackage", "Feeds_PullPackage", "Feeds_OverwritePackage",
    "Feeds_DeletePackage", "Feeds_UnlistPackage", "Feeds_AcceptPackagePromotions",
    "Licenses_Manage", "Projects_View", "Projects_Manage", "Projects_UploadSbom",
    "Projects_ResolveIssue"]


@pytest.fixture
def sec(client, sim):
    """A Basic-edition sim."""
    sim.config(edition="basic")
    return client


def ok(r):
    assert r.status_code == 200, (r.status_code, r.text)
    return r.json() if r.content else None


def bad(r, status=400):
    assert r.status_code == status, (r.status_code, r.text)
    assert r.headers["Content-Type"].startswith("text/plain") and r.text
    return r.text


def delete(c, path, **kw):
    return c.request("DELETE", S + path, **kw)


def add_user(c, name, password="pw", **fields):
    return ok(c.post(S + "users/add", json=dict(name=name, password=password, **fields)))


def add_permission(c, **body):
    return ok(c.post(S + "permissions/add", json=body))


def users(c, **kw):
    return dict((u["name"], u) for u in ok(c.get(S + "users/list", **kw)))


def groups(c):
    return dict((g["name"], g["users"]) for g in ok(c.get(S + "groups/list")))


def tasks(c):
    return dict((t["name"], t) for t in ok(c.get(S + "tasks/list")))


def feed_names(c, key):
    return [f["name"] for f in c.get(FEEDS + "list", key=key).json()]


# -- editions and authentication ------------------------------------------------------------------
ALL_CALLS = [("GET", "users/list", None), ("POST", "users/add", {"name": "u", "password": "p"}),
             ("POST", "users/update", {"name": "Admin", "email": "a@b"}),
             ("DELETE", "users/delete?user=Admin", None), ("GET", "groups/list", None),
             ("POST", "groups/add", {"name": "g"}), ("POST", "groups/update", {"name": "Administrators", "users": []}),
             ("DELETE", "groups/delete?group=Administrators", None), ("GET", "tasks/list", None),
             ("POST", "tasks/add", {"name": "t", "attributes": ["Feeds_ViewFeed"]}),
             ("POST", "tasks/update", {"name": "Administer", "attributes": []}),
             ("DELETE", "tasks/delete?task=Administer", None), ("GET", "attributes/list", None),
             ("GET", "permissions/list", None),
             ("POST", "permissions/add", {"user": "Admin", "task": "Administer"}),
             ("DELETE", "permissions/delete?permissionId=1", None)]


def test_free_edition_refuses_every_call(client, sim):
    assert sim.get_config()["edition"] == "free"       # the sim's default
    for method, path, body in ALL_CALLS:
        r = client.request(method, S + path, json=body)
        assert r.status_code == 403 and r.text == FREE, (method, path, r.status_code, r.text)
        assert r.headers["Content-Type"].startswith("text/plain")
        # the credentials are checked first: an unknown key gets the usual 403 sentence
        assert client.request(method, S + path, json=body, key="bogus").text == FORBIDDEN
    assert not any(e["write"] for e in sim.log())
    sim.config(edition="enterprise")
    assert list(users(client)) == ["Admin"]
    assert groups(client) == {"Administrators": ["Admin"]}
    assert sorted(tasks(client)) == BUILTIN


def test_who_may_call(sec, sim):
    c = sec
    # docs security/#.md: System keys need Full Control, personal keys Admin_ConfigureProGet,
    # Feed keys cannot be used.
    c.create_feed("f")
    feeds_key = c.create_key(type="System", systemApis=["feeds"])["key"]
    feed_key = c.create_key(type="Feed", feed="f", packagePermissions=["view", "add", "promote", "delete"])["key"]
    sim.add_user("viewer", "pw", ["View & Download Packages"])
    sim.add_user("boss", "pw", ["Admin_ConfigureProGet"])
    personal_viewer = c.create_key(type="Personal", user="viewer")["key"]
    personal_boss = c.create_key(type="Personal", user="boss")["key"]
    for key in (SYSTEM_KEY, "Admin:Admin", personal_boss, "boss:pw"):
        assert c.get(S + "users/list", key=key).status_code == 200, key
    assert c.get(S + "users/list", auth=("Admin", "Admin")).status_code == 200
    for key in (feeds_key, feed_key, personal_viewer, "viewer:pw", "Admin:wrong", "bogus", None):
        r = c.get(S + "permissions/list", key=key)
        assert r.status_code == 403 and r.text == FORBIDDEN, key
    sim.config(anonymous="admin")                       # a fresh ProGet: Anonymous has Administer
    assert c.get(S + "users/list", key=None).status_code == 200


def test_verbs(sec, sim):
    c = sec
    for method, path in [("GET", "users/add"), ("PUT", "users/update"), ("POST", "users/list"),
                         ("GET", "users/delete?user=x"), ("DELETE", "groups/update"),
                         ("PUT", "permissions/add"), ("POST", "attributes/list"),
                         ("PATCH", "tasks/delete?task=x")]:
        assert c.request(method, S + path).status_code == 405, (method, path)
    assert c.request("HEAD", S + "tasks/list").status_code == 200
    assert c.get(S + "users/list/").status_code == 200      # docs security/#.md curl example
    assert c.get(S + "nothing/list").status_code == 404


# -- built-in objects ---------------------------------------------------------------------------
def test_seeded_objects(sec, sim):
    c = sec
    # docs administration-security/#.md: built-in directory user Admin/Admin; permissions/list.md:
    # "allow Administer globally for group Administrators"; users/list.md: "Admin (Administrator)"
    assert ok(c.get(S + "users/list")) == [
        {"name": "Admin", "displayName": "Administrator", "groups": ["Administrators"]}]
    assert ok(c.get(S + "groups/list")) == [{"name": "Administrators", "users": ["Admin"]}]
    perms = ok(c.get(S + "permissions/list"))
    assert len(perms) == 1 and isinstance(perms[0]["id"], int)
    assert perms[0] == {"id": perms[0]["id"], "group": "Administrators", "task": "Administer", "deny": False}
    listed = ok(c.get(S + "tasks/list"))
    assert [t["name"] for t in listed] == BUILTIN                    # by name
    for t in listed:
        assert list(t) == ["name", "description", "feedScoped", "attributes"] and t["description"]
    t = tasks(c)
    assert set(t["Administer"]["attributes"]) == set(DOCS_ATTRIBUTES)
    assert t["View & Download Packages"]["attributes"] == ["Feeds_ViewFeed", "Feeds_DownloadPackage"]
    assert t["Manage Feed"]["description"] == ("Allows access to manage feed settings, delete "
                                               "packages, and overwrite packages.")
    assert "Admin_ManageConnectors" in t["Manage Feed"]["attributes"]     # docs tasks/list.md
    assert [n for n in BUILTIN if t[n]["feedScoped"]] == [
        "Manage Feed", "Promote Packages", "Publish Packages", "View & Download Packages"]


def test_attributes_list(sec):
    attrs = ok(sec.get(S + "attributes/list"))
    assert all(list(a) == ["name", "feedScoped"] for a in attrs)
    assert sorted(a["name"] for a in attrs) == sorted(DOCS_ATTRIBUTES)
    # docs tasks/list-attributes.md example order and its "*" (feed-scopable) marks
    assert [a["name"] for a in attrs][:6] == ["Feeds_ViewFeed", "Feeds_DownloadPackage",
                                              "Feeds_DeletePackage", "Feeds_AddPackage",
                                              "Feeds_PullPackage", "Admin_ManageConnectors"]
    scoped = dict((a["name"], a["feedScoped"]) for a in attrs)
    assert scoped["Feeds_ViewFeed"] and scoped["Admin_ManageFeed"] and scoped["Admin_ManageConnectors"]
    assert not scoped["Admin_ConfigureProGet"] and not scoped["Licenses_Manage"]
    assert not scoped["Projects_Manage"]


# -- users ----------------------------------------------------------------------------------------
def test_create_user(sec, sim):
    c = sec
    u = add_user(c, "jsmith", "s3cret", displayName="John Smith", email="jsmith@kramerica.com")
    assert u == {"name": "jsmith", "displayName": "John Smith", "email": "jsmith@kramerica.com",
                 "groups": []}                                             # password never shown
    assert users(c)["jsmith"] == u
    assert list(users(c)) == ["Admin", "jsmith"]                          # in creation order
    assert "s3cret" not in c.get(S + "users/list").text
    assert add_user(c, "bare", None) == {"name": "bare", "groups": []}    # null members omitted
    # the password signs in (the user has no rights yet: 403 for another reason than a bad login)
    add_permission(c, user="jsmith", task="Administer")
    assert c.get(KEYS, key="jsmith:s3cret").status_code == 200
    assert c.get(KEYS, auth=("jsmith", "s3cret")).status_code == 200
    assert c.get(KEYS, key="jsmith:wrong").status_code == 403
    # groups given on create make the user a member
    ok(c.post(S + "groups/add", json={"name": "Developers"}))
    assert add_user(c, "dev", groups=["developers"])["groups"] == ["Developers"]
    assert groups(c)["Developers"] == ["dev"]


def test_create_user_invalid(sec, sim):
    c = sec
    add_user(c, "jsmith")
    sim.clear_log()
    for body in ({}, {"name": ""}, {"name": "  "}, {"name": 5}, {"displayName": "x"},
                 {"name": "JSMITH"},                                 # names ignore case
                 {"name": "x", "email": ["a"]}, {"name": "x", "groups": "Administrators"},
                 {"name": "x", "groups": ["nope"]}):
        bad(c.post(S + "users/add", json=body))
    bad(c.post(S + "users/add", data="{not json", headers={"Content-Type": "application/json"}))
    bad(c.post(S + "users/add", json=["jsmith"]))
    assert not any(e["write"] for e in sim.log())
    assert list(users(c)) == ["Admin", "jsmith"]


def test_update_user_is_partial(sec, sim):
    c = sec
    add_user(c, "jsmith", "old", displayName="John Smith", email="j@old", groups=["Administrators"])
    # docs users/edit.md: the options given "will overwrite the existing value(s)"; omitted or
    # null members keep theirs (pgutil EditCommand sends only the options given)
    u = ok(c.post(S + "users/update", json={"name": "JSmith", "email": "j@new"}))
    assert u == {"name": "jsmith", "displayName": "John Smith", "email": "j@new",
                 "groups": ["Administrators"]}
    assert c.get(KEYS, key="jsmith:old").status_code == 200              # password kept
    u = ok(c.post(S + "users/update", json={"name": "jsmith", "displayName": None, "email": ""}))
    assert u["displayName"] == "John Smith" and u["email"] == ""
    ok(c.post(S + "users/update", json={"name": "jsmith", "password": "new"}))
    assert c.get(KEYS, key="jsmith:old").status_code == 403
    assert c.get(KEYS, key="jsmith:new").status_code == 200
    # groups given: exactly these; [] leaves every group
    ok(c.post(S + "groups/add", json={"name": "Developers"}))
    u = ok(c.post(S + "users/update", json={"name": "jsmith", "groups": ["Developers"]}))
    assert u["groups"] == ["Developers"]
    assert groups(c) == {"Administrators": ["Admin"], "Developers": ["jsmith"]}
    assert ok(c.post(S + "users/update", json={"name": "jsmith", "groups": []}))["groups"] == []
    assert users(c)["jsmith"] == {"name": "jsmith", "displayName": "John Smith", "email": "",
                                  "groups": []}
    # the name must exist (docs users/edit.md); 400, the docs list no 404
    bad(c.post(S + "users/update", json={"name": "nobody", "email": "x"}))
    bad(c.post(S + "users/update", json={"email": "x"}))
    bad(c.post(S + "users/update", json={"name": "jsmith", "groups": ["nope"]}))
    assert users(c)["jsmith"]["groups"] == []
    sim.clear_log()
    ok(c.post(S + "users/update", json={"name": "jsmith"}))                  # nothing to change
    assert not sim.log()[0]["write"]


def test_list_users_search_term(sec):
    c = sec
    add_user(c, "jsmith", displayName="John Smith")
    add_user(c, "djones", displayName="David Jones")
    add_user(c, "jbarnes", displayName="John Barnes")
    # docs users/list.md: ?search-term= filters; matched like pgutil ListCommand: name or display
    # name contains it, ignoring case
    assert list(users(c, params={"search-term": "john"})) == ["jsmith", "jbarnes"]
    assert list(users(c, params={"search-term": "JONES"})) == ["djones"]
    assert list(users(c, params={"search-term": "admin"})) == ["Admin"]
    assert users(c, params={"search-term": "zzz"}) == {}
    assert len(users(c, params={"search-term": ""})) == 4


def test_delete_user(sec, sim):
    c = sec
    ok(c.post(S + "groups/add", json={"name": "Developers"}))
    add_user(c, "jsmith", groups=["Developers", "Administrators"])
    add_permission(c, user="jsmith", task="Publish Packages")
    pkey = c.create_key(type="Personal", user="jsmith")["key"]
    assert c.get(KEYS, key=pkey).status_code == 200
    # docs users/delete.md: DELETE /api/security/users/delete?user=
    r = delete(c, "users/delete?user=JSMITH")
    assert r.status_code == 200 and r.text == ""
    assert list(users(c)) == ["Admin"]
    assert groups(c) == {"Administrators": ["Admin"], "Developers": []}
    assert [p["task"] for p in ok(c.get(S + "permissions/list"))] == ["Administer"]
    assert c.get(KEYS, key=pkey).status_code == 403 and c.get(KEYS, key="jsmith:pw").status_code == 403
    # "it's not considered an error to delete a User that does not exist"
    assert delete(c, "users/delete?user=jsmith").status_code == 200
    bad(delete(c, "users/delete"))
    bad(delete(c, "users/delete?user="))


@pytest.mark.parametrize("path", ["users/delete?user=x", "groups/delete?group=x",
                                  "tasks/delete?task=Administer", "permissions/delete?permissionId=1"])
def test_delete_verb_switch(sec, sim, path):
    c = sec
    if path.startswith("tasks"):
        sim.config(builtin_tasks="protected")           # a refused delete still shows the verb rule
    sim.config(security_delete_verb="DELETE")           # docs (the default)
    assert c.post(S + path).status_code == 405
    assert c.request("DELETE", S + path).status_code in (200, 400)
    sim.config(security_delete_verb="POST")             # pgutil ProGetClient.cs
    assert c.request("DELETE", S + path).status_code == 405
    assert c.post(S + path).status_code in (200, 400, 404)
    sim.config(security_delete_verb="either")
    assert c.request("DELETE", S + path).status_code != 405
    assert c.post(S + path).status_code != 405


# -- groups ---------------------------------------------------------------------------------------
def test_groups(sec, sim):
    c = sec
    add_user(c, "jsmith")
    add_user(c, "djones")
    add_user(c, "mbrown")
    assert ok(c.post(S + "groups/add", json={"name": "Developers"})) == {"name": "Developers", "users": []}
    assert ok(c.post(S + "groups/add", json={"name": "SREs", "users": ["JSMITH", "jsmith"]})) == {
        "name": "SREs", "users": ["jsmith"]}
    assert list(groups(c)) == ["Administrators", "Developers", "SREs"]
    assert users(c)["jsmith"]["groups"] == ["SREs"]
    # docs groups/add-member.md and remove-member.md: POST groups/update replaces the member list
    # (pgutil members add/remove send the current list plus or minus one)
    g = ok(c.post(S + "groups/update", json={"name": "developers", "users": ["jsmith", "djones"]}))
    assert g == {"name": "Developers", "users": ["jsmith", "djones"]}
    g = ok(c.post(S + "groups/update", json={"name": "Developers", "users": ["jsmith", "djones", "mbrown"]}))
    assert g["users"] == ["jsmith", "djones", "mbrown"]                               # add member
    g = ok(c.post(S + "groups/update", json={"name": "Developers", "users": ["jsmith", "mbrown"]}))
    assert g["users"] == ["jsmith", "mbrown"]                                          # remove member
    assert users(c)["djones"]["groups"] == [] and users(c)["jsmith"]["groups"] == ["Developers", "SREs"]
    # without users the members stay (our reading)
    assert ok(c.post(S + "groups/update", json={"name": "Developers"}))["users"] == ["jsmith", "mbrown"]
    assert ok(c.post(S + "groups/update", json={"name": "Developers", "users": []}))["users"] == []
    sim.clear_log()
    bad(c.post(S + "groups/update", json={"name": "nope", "users": []}))
    bad(c.post(S + "groups/update", json={"name": "SREs", "users": ["jsmith", "ghost"]}))
    bad(c.post(S + "groups/update", json={"users": []}))
    bad(c.post(S + "groups/add", json={}))
    bad(c.post(S + "groups/add", json={"name": "x", "users": ["ghost"]}))
    bad(c.post(S + "groups/add", json={"name": "x", "users": "jsmith"}))
    assert not any(e["write"] for e in sim.log())
    assert groups(c)["SREs"] == ["jsmith"]


def test_group_add_existing_switch(sec, sim):
    c = sec
    add_user(c, "jsmith")
    ok(c.post(S + "groups/add", json={"name": "Developers"}))
    # current docs groups/create.md: add creates; the members change through groups/update
    assert "Developers" in bad(c.post(S + "groups/add", json={"name": "developers", "users": ["jsmith"]}))
    assert groups(c)["Developers"] == []
    # the 2025-11 drafts: add on an existing group "will overwrite the existing member list"
    sim.config(group_add_existing="replace")
    g = ok(c.post(S + "groups/add", json={"name": "developers", "users": ["jsmith"]}))
    assert g == {"name": "Developers", "users": ["jsmith"]}
    assert ok(c.post(S + "groups/add", json={"name": "Developers"}))["users"] == ["jsmith"]


def test_delete_group(sec, sim):
    c = sec
    add_user(c, "jsmith")
    ok(c.post(S + "groups/add", json={"name": "Developers", "users": ["jsmith"]}))
    add_permission(c, group="Developers", task="Publish Packages")
    assert delete(c, "groups/delete?group=DEVELOPERS").status_code == 200
    assert list(groups(c)) == ["Administrators"]
    assert users(c)["jsmith"]["groups"] == []
    assert [p["task"] for p in ok(c.get(S + "permissions/list"))] == ["Administer"]
    # docs groups/delete.md: "not considered an error to delete a Group that does not exist"
    assert delete(c, "groups/delete?group=Developers").status_code == 200
    bad(delete(c, "groups/delete"))


# -- tasks ----------------------------------------------------------------------------------------
def test_create_task(sec, sim):
    c = sec
    # docs tasks/create.md example
    t = ok(c.post(S + "tasks/add", json={
        "name": "Basic Feed Access", "description": "Allows basic feed access",
        "attributes": ["Feeds_ViewFeed", "feeds_downloadpackage", "Feeds_PullPackage"]}))
    assert t == {"name": "Basic Feed Access", "description": "Allows basic feed access",
                 "feedScoped": True,
                 "attributes": ["Feeds_ViewFeed", "Feeds_DownloadPackage", "Feeds_PullPackage"]}
    assert tasks(c)["Basic Feed Access"] == t
    t = ok(c.post(S + "tasks/add", json={"name": "Ops", "attributes": ["Admin_ConfigureProGet"],
                                         "feedScoped": True}))
    assert t == {"name": "Ops", "feedScoped": False, "attributes": ["Admin_ConfigureProGet"]}
    assert list(tasks(c)) == sorted(BUILTIN + ["Basic Feed Access", "Ops"], key=str.lower)
    sim.clear_log()
    assert "Feeds_Nope" in bad(c.post(S + "tasks/add", json={"name": "x", "attributes": ["Feeds_Nope"]}))
    bad(c.post(S + "tasks/add", json={"name": "x"}))                      # attributes required
    bad(c.post(S + "tasks/add", json={"name": "x", "attributes": "Feeds_ViewFeed"}))
    bad(c.post(S + "tasks/add", json={"attributes": ["Feeds_ViewFeed"]}))
    bad(c.post(S + "tasks/add", json={"name": "ops", "attributes": ["Feeds_ViewFeed"]}))   # exists
    bad(c.post(S + "tasks/add", json={"name": "administer", "attributes": ["Feeds_ViewFeed"]}))
    assert not any(e["write"] for e in sim.log())


def test_update_and_delete_task(sec, sim):
    c = sec
    ok(c.post(S + "tasks/add", json={"name": "Basic", "description": "d", "attributes": ["Feeds_ViewFeed"]}))
    # pgutil ProGetClient.cs UpdateSecurityTaskAsync: POST tasks/update (pgutil tasks create --force)
    t = ok(c.post(S + "tasks/update", json={"name": "basic", "attributes": ["Feeds_AddPackage"]}))
    assert t == {"name": "Basic", "description": "d", "feedScoped": True, "attributes": ["Feeds_AddPackage"]}
    bad(c.post(S + "tasks/update", json={"name": "basic"}))               # attributes required
    bad(c.post(S + "tasks/update", json={"name": "nope", "attributes": []}))
    add_permission(c, user="Admin", task="Basic")
    # docs tasks/delete.md: DELETE ?task=; a missing task is 404 (pgutil tasks delete treats 404
    # as "nothing to do"); the task's permissions go with it
    assert delete(c, "tasks/delete?task=BASIC").status_code == 200
    assert "Basic" not in tasks(c)
    assert [p["task"] for p in ok(c.get(S + "permissions/list"))] == ["Administer"]
    bad(delete(c, "tasks/delete?task=Basic"), 404)
    bad(delete(c, "tasks/delete"))


def test_builtin_tasks_switch(sec, sim):
    c = sec
    # docs administration-security/creating-tasks.md: "You can change ProGet's built-in tasks"
    t = ok(c.post(S + "tasks/update", json={"name": "View & Download Packages",
                                            "attributes": ["Feeds_ViewFeed"]}))
    assert t["attributes"] == ["Feeds_ViewFeed"]
    assert delete(c, "tasks/delete?task=Manage Projects").status_code == 200
    # builtin_tasks=protected: built-in tasks cannot be changed or deleted (no source says so)
    sim.reset()
    sim.config(edition="basic", builtin_tasks="protected")
    ok(c.post(S + "tasks/add", json={"name": "Custom", "attributes": ["Feeds_ViewFeed"]}))
    sim.clear_log()
    for name in BUILTIN:
        assert name in bad(c.post(S + "tasks/update", json={"name": name.upper(), "attributes": []}))
        assert name in bad(delete(c, "tasks/delete", params={"task": name}))
    assert not any(e["write"] for e in sim.log())
    assert tasks(c)["View & Download Packages"]["attributes"] == ["Feeds_ViewFeed", "Feeds_DownloadPackage"]
    ok(c.post(S + "tasks/update", json={"name": "Custom", "attributes": ["Feeds_AddPackage"]}))
    assert delete(c, "tasks/delete?task=Custom").status_code == 200
    assert sorted(tasks(c)) == BUILTIN


# -- permissions ----------------------------------------------------------------------------------
def test_add_and_list_permissions(sec, sim):
    c = sec
    c.create_feed("approved-nuget")
    add_user(c, "jsmith")
    ok(c.post(S + "groups/add", json={"name": "Developers"}))
    p1 = add_permission(c, user="JSMITH", task="view & download packages")
    assert p1 == {"id": p1["id"], "user": "jsmith", "task": "View & Download Packages", "deny": False}
    p2 = add_permission(c, group="developers", task="Promote Packages", feed="APPROVED-NUGET")
    assert p2 == {"id": p2["id"], "group": "Developers", "task": "Promote Packages",
                  "feed": "approved-nuget", "deny": False}
    p3 = add_permission(c, group="Developers", task="Manage Feed", feedGroup="production-packages",
                        deny=True, id=999)                               # the id is the server's
    assert p3 == {"id": p3["id"], "group": "Developers", "task": "Manage Feed",
                  "feedGroup": "production-packages", "deny": True}
    p4 = add_permission(c, user="Anonymous", task="View & Download Packages", user_extra="ignored")
    assert p4["user"] == "Anonymous"                     # virtual principals (administration-security)
    p5 = add_permission(c, group="everyone", task="View & Download Packages", group_extra=None, feed="")
    assert p5 == {"id": p5["id"], "group": "Everyone", "task": "View & Download Packages", "deny": False}
    listed = ok(c.get(S + "permissions/list"))
    assert listed[1:] == [p1, p2, p3, p4, p5]
    assert [p["id"] for p in listed] == sorted(p["id"] for p in listed) and p3["id"] != 999
    # each add is a new permission
    again = add_permission(c, user="jsmith", task="View & Download Packages")
    assert again["id"] > p5["id"] and len(ok(c.get(S + "permissions/list"))) == 7


def test_add_permission_invalid(sec, sim):
    c = sec
    c.create_feed("f")
    add_user(c, "jsmith")
    sim.clear_log()
    for body in ({"user": "jsmith"},                                         # no task
                 {"task": "Administer"},                                     # no user or group
                 {"user": "jsmith", "group": "Administrators", "task": "Administer"},
                 {"user": "jsmith", "task": "View & Download Packages", "feed": "f", "feedGroup": "g"},
                 {"user": "jsmith", "task": "No Such Task"},
                 {"user": "ghost", "task": "Administer"},
                 {"group": "ghosts", "task": "Administer"},
                 {"user": "jsmith", "task": "View & Download Packages", "feed": "nope"},
                 {"user": "jsmith", "task": "Administer", "feed": "f"},      # not feed-scopable
                 {"user": "jsmith", "task": "Manage Projects", "feedGroup": "g"},
                 {"user": "jsmith", "task": "Administer", "deny": "yes"},
                 {"user": ["jsmith"], "task": "Administer"}):
        bad(c.post(S + "permissions/add", json=body))
    assert not any(e["write"] for e in sim.log())
    assert len(ok(c.get(S + "permissions/list"))) == 1


def test_remove_permission(sec, sim):
    c = sec
    p = add_permission(c, user="Admin", task="Publish Packages")
    # docs permissions/remove.md: DELETE /api/security/permissions/delete?permissionId=
    r = delete(c, "permissions/delete?permissionId=%d" % p["id"])
    assert r.status_code == 200 and r.text == ""
    assert [x["task"] for x in ok(c.get(S + "permissions/list"))] == ["Administer"]
    bad(delete(c, "permissions/delete?permissionId=%d" % p["id"]), 404)
    bad(delete(c, "permissions/delete?permissionId=abc"))
    bad(delete(c, "permissions/delete"))
    bad(delete(c, "permissions/delete?id=1"))


# -- permissions change what callers may do -------------------------------------------------------
def test_granted_permissions_change_access(sec, sim):
    c = sec
    for f in ("f1", "f2", "f3"):
        c.create_feed(f)
    add_user(c, "dev", "pw")
    pkey = c.create_key(type="Personal", user="dev")["key"]
    ok(c.post(S + "groups/add", json={"name": "Developers", "users": ["dev"]}))
    for key in ("dev:pw", pkey):
        assert feed_names(c, key) == []
        assert c.get(FEEDS + "get/f1", key=key).status_code == 403
    # a feed-scoped grant to the group: that feed only
    p = add_permission(c, group="Developers", task="View & Download Packages", feed="f1")
    for key in ("dev:pw", pkey):
        assert feed_names(c, key) == ["f1"]
        assert c.get(FEEDS + "get/f1", key=key).status_code == 200
        assert c.get(FEEDS + "get/f2", key=key).status_code == 403
    assert c.post(FEEDS + "create", key="dev:pw", json={"name": "n", "feedType": "npm"}).status_code == 403
    # global Manage Feed to the user: create feeds; a feed-scoped Manage Feed does not (global check)
    add_permission(c, user="dev", task="Manage Feed", feed="f3")
    assert c.post(FEEDS + "create", key="dev:pw", json={"name": "n", "feedType": "npm"}).status_code == 403
    assert c.post(FEEDS + "update/f3", key="dev:pw", json={"description": "x"}).status_code == 200
    assert c.post(FEEDS + "update/f2", key="dev:pw", json={"description": "x"}).status_code == 403
    g = add_permission(c, user="dev", task="Manage Feed")
    assert c.post(FEEDS + "create", key=pkey, json={"name": "n", "feedType": "npm"}).status_code == 200
    assert c.get("api/management/connectors/list", key=pkey).status_code == 200   # Admin_ManageConnectors
    assert c.get(KEYS, key=pkey).status_code == 403                                 # not Administer
    ok(delete(c, "permissions/delete?permissionId=%d" % g["id"]))
    assert c.post(FEEDS + "create", key=pkey, json={"name": "m", "feedType": "npm"}).status_code == 403
    # removing the user from the group (groups/update) takes the group's rights away
    ok(c.post(S + "groups/update", json={"name": "Developers", "users": []}))
    assert feed_names(c, "dev:pw") == ["f3"]
    ok(c.post(S + "users/update", json={"name": "dev", "groups": ["Developers"]}))
    assert feed_names(c, "dev:pw") == ["f1", "f3"]
    ok(delete(c, "permissions/delete?permissionId=%d" % p["id"]))
    assert feed_names(c, "dev:pw") == ["f3"]


def test_resolution_order(sec, sim):
    c = sec
    for f in ("f1", "f2"):
        c.create_feed(f)
    add_user(c, "dev", "pw")
    add_user(c, "other", "pw")
    ok(c.post(S + "groups/add", json={"name": "Developers", "users": ["dev", "other"]}))
    # docs administration-security/#.md: rules sorted by User, Feed & Feed Group, Restriction;
    # the first decides. A group's global grant, a feed restriction for the group:
    add_permission(c, group="Developers", task="View & Download Packages")
    deny = add_permission(c, group="Developers", task="View & Download Packages", feed="f2", deny=True)
    assert feed_names(c, "dev:pw") == ["f1"] and feed_names(c, "other:pw") == ["f1"]
    # a user's own global grant comes before the group's feed restriction
    add_permission(c, user="dev", task="View & Download Packages")
    assert feed_names(c, "dev:pw") == ["f1", "f2"] and feed_names(c, "other:pw") == ["f1"]
    # a restriction of the user's own on the feed comes first of all
    add_permission(c, user="dev", task="View & Download Packages", feed="f2", deny=True)
    assert feed_names(c, "dev:pw") == ["f1"]
    ok(delete(c, "permissions/delete?permissionId=%d" % deny["id"]))
    assert feed_names(c, "other:pw") == ["f1", "f2"]
    # Authenticated and Everyone (virtual principals) count like groups
    add_user(c, "third", "pw")
    assert feed_names(c, "third:pw") == []
    add_permission(c, group="Authenticated", task="View & Download Packages", feed="f2")
    assert feed_names(c, "third:pw") == ["f2"] and feed_names(c, None) == []
    add_permission(c, user="Everyone", task="View & Download Packages", feed="f1")
    assert feed_names(c, "third:pw") == ["f1", "f2"] and feed_names(c, None) == ["f1"]


def test_anonymous_permissions(sec, sim):
    c = sec
    c.create_feed("pub")
    c.create_feed("priv")
    assert sim.get_config()["anonymous"] == "none" and feed_names(c, None) == []
    add_permission(c, user="Anonymous", task="View & Download Packages", feed="pub")
    assert feed_names(c, None) == ["pub"]
    assert c.get(FEEDS + "get/priv", key=None).status_code == 403
    assert feed_names(c, "Admin:Admin") == ["pub", "priv"]       # Anonymous is not every user
    # the anonymous switch is a global grant of Anonymous's own; a restriction still wins on its feed
    sim.config(anonymous="view")
    add_permission(c, user="Anonymous", task="View & Download Packages", feed="priv", deny=True)
    assert feed_names(c, None) == ["pub"]


def test_admin_rights_come_from_the_administrators_group(sec, sim):
    c = sec
    assert c.get(KEYS, key="Admin:Admin").status_code == 200
    perm = ok(c.get(S + "permissions/list"))[0]
    ok(delete(c, "permissions/delete?permissionId=%d" % perm["id"]))
    assert c.get(KEYS, key="Admin:Admin").status_code == 403
    assert c.get(S + "users/list", key="Admin:Admin").status_code == 403
    add_permission(c, user="Admin", task="Administer")
    assert c.get(KEYS, key="Admin:Admin").status_code == 200
    ok(c.post(S + "groups/update", json={"name": "Administrators", "users": []}))
    add_user(c, "ops", "pw", groups=["Administrators"])
    assert c.get(KEYS, key="ops:pw").status_code == 403
    add_permission(c, group="Administrators", task="Administer")
    assert c.get(KEYS, key="ops:pw").status_code == 200
    # deleting the Administer task removes its permissions
    ok(delete(c, "tasks/delete?task=Administer"))
    assert ok(c.get(S + "permissions/list")) == []
    assert c.get(KEYS, key="ops:pw").status_code == 403 and c.get(KEYS, key="Admin:Admin").status_code == 403
    assert c.get(KEYS).status_code == 200                               # the system key: Full Control


def test_feed_delete_removes_its_permissions(sec, sim):
    c = sec
    c.create_feed("f")
    add_permission(c, user="Admin", task="View & Download Packages", feed="f")
    assert c.request("DELETE", FEEDS + "delete/f").status_code == 200
    assert [p["task"] for p in ok(c.get(S + "permissions/list"))] == ["Administer"]


# -- switches, reset, restart ---------------------------------------------------------------------
def test_switches(client, sim):
    every = requests.get(sim.url + "/__sim/config").json()
    assert every["security_delete_verb"] == "DELETE" and every["group_add_existing"] == "refuse"
    assert every["builtin_tasks"] == "editable"
    assert sim.get_config() == every
    r = requests.post(sim.url + "/__sim/config", json={"security_delete_verb": "post"})
    assert r.json()["security_delete_verb"] == "POST"
    for bad_value in ({"security_delete_verb": "PUT"}, {"group_add_existing": "merge"},
                      {"builtin_tasks": "locked"}):
        assert requests.post(sim.url + "/__sim/config", json=bad_value).status_code == 400
    sim.reset()
    assert requests.get(sim.url + "/__sim/config").json()["security_delete_verb"] == "DELETE"


def test_cli_switch_survives_reset(sim_factory):
    s = sim_factory("--system-key", SYSTEM_KEY, "--edition", "basic",
                    "--config", "security_delete_verb=POST", "--config", "builtin_tasks=protected")
    s.reset()
    assert s.get_config()["security_delete_verb"] == "POST"
    h = {"X-ApiKey": SYSTEM_KEY}
    assert requests.post(s.url + "/" + S + "tasks/delete?task=Administer", headers=h).status_code == 400
    assert requests.delete(s.url + "/" + S + "users/delete?user=x", headers=h).status_code == 405


def test_reset_and_restart(sim_factory):
    s = sim_factory("--system-key", SYSTEM_KEY, "--edition", "basic")
    h = {"X-ApiKey": SYSTEM_KEY}
    url = s.url + "/" + S
    assert requests.post(url + "users/add", headers=h, json={"name": "jsmith", "password": "pw"}).ok
    assert requests.delete(url + "groups/delete?group=Administrators", headers=h).ok
    assert requests.delete(url + "tasks/delete?task=Manage Projects", headers=h).ok
    s.restart()           # the built-in objects are seeded once: a restart keeps what the API did
    assert [u["name"] for u in requests.get(url + "users/list", headers=h).json()] == ["Admin", "jsmith"]
    assert requests.get(url + "groups/list", headers=h).json() == []
    assert "Manage Projects" not in [t["name"] for t in requests.get(url + "tasks/list", headers=h).json()]
    s.reset()             # an empty ProGet again
    assert [u["name"] for u in requests.get(url + "users/list", headers=h).json()] == ["Admin"]
    assert requests.get(url + "groups/list", headers=h).json() == [{"name": "Administrators", "users": ["Admin"]}]
    assert sorted(t["name"] for t in requests.get(url + "tasks/list", headers=h).json()) == BUILTIN


def test_anonymous_administer_is_a_stored_permission_a_lock_down_removes(sec, sim):
    """A new ProGet grants Anonymous the Administer task (proget-api.md §11.3): a permission the
    Security API lists and can delete; after that, requests without credentials are refused."""
    c = sec
    assert c.get(S + "users/list", key=None).status_code == 403
    sim.config(anonymous="admin")
    found = [p for p in ok(c.get(S + "permissions/list")) if p.get("user") == "Anonymous"]
    assert found == [{"id": found[0]["id"], "user": "Anonymous", "task": "Administer", "deny": False}]
    assert c.get(S + "users/list", key=None).status_code == 200
    ok(delete(c, "permissions/delete?permissionId=%d" % found[0]["id"], key=None))
    assert c.get(S + "users/list", key=None).status_code == 403
    assert c.get(FEEDS + "list", key=None).json() == []
    sim.config(anonymous="none")
    assert not [p for p in ok(c.get(S + "permissions/list")) if p.get("user") == "Anonymous"]
