"""Users, groups, tasks and permissions: the model behind the Security API (api_security.py) and
the rights of users, personal keys and requests without credentials (auth.py).

Store kinds: ``user`` (``name``, ``password_hash``, ``displayName``, ``email`` and the sim's own
``attributes`` shorthand of ``POST /__sim/users``), ``group`` (``name``, ``users``: member names),
``task`` (``name``, ``description``, ``attributes``), ``permission`` (``user`` or ``group``,
``task``, ``feed`` or ``feedGroup`` or neither, ``deny``; the store id is the permission id).
Names are matched case-insensitively and kept as first spelt.

Resolution (docs administration-security/#.md, "Task Resolutions" and "Specific Algorithm"): the
rules that apply to the principal, carry the attribute and cover the scope are sorted by
"User, Feed & Feed Group, Restriction" (a user's own rule before a group's, a feed or feed-group
rule before a global one, a restriction before a permission); the first one decides.
"""

# Task attributes: the identifiers the docs name (api/*/#.md authentication tables, security
# task list examples, security/tasks/list-attributes.md), in the order of the list-attributes
# example, with "feed-scopable" (administration-security/creating-tasks.md marks them with a
# superscript F; list-attributes.md with "*"). creating-tasks.md also describes scheduled-task,
# credential and vulnerability attributes whose identifiers no source gives: not listed.
ATTRIBUTES = [
    ("Feeds_ViewFeed", True), ("Feeds_DownloadPackage", True), ("Feeds_DeletePackage", True),
    ("Feeds_AddPackage", True), ("Feeds_PullPackage", True), ("Admin_ManageConnectors", True),
    ("Admin_ManageFeed", True), ("Feeds_OverwritePackage", True),
    ("Feeds_AcceptPackagePromotions", True), ("Feeds_UnlistPackage", True),
    ("Admin_ConfigureProGet", False), ("Licenses_Manage", False), ("Projects_View", False),
    ("Projects_Manage", False), ("Projects_UploadSbom", False), ("Projects_ResolveIssue", False),
]
ATTRIBUTE_NAMES = [a for a, _ in ATTRIBUTES]
FEED_SCOPED = dict((a.lower(), s) for a, s in ATTRIBUTES)
CANONICAL_ATTRIBUTE = dict((a.lower(), a) for a in ATTRIBUTE_NAMES)

# Built-in tasks. Names: docs administration-security/#.md ("ProGet ships with five tasks"; its
# table says "View and Download Packages", every API page and SecurityTask.cs say
# "View & Download Packages") plus "Manage Projects" (permissions/add.md scripts; tasks/list.md
# example output). Descriptions and attributes: tasks/list.md example output (Manage Feed,
# Manage Projects, Promote Packages), the administration-security table (Administer: "Full control
# over the ProGet instance"; Publish and View & Download Packages).
BUILTIN_TASKS = [
    ("Administer", "Full control over the ProGet instance", ATTRIBUTE_NAMES),
    ("Manage Feed", "Allows access to manage feed settings, delete packages, and overwrite packages.",
     ["Feeds_ViewFeed", "Feeds_DownloadPackage", "Feeds_DeletePackage", "Feeds_AddPackage",
      "Feeds_PullPackage", "Admin_ManageConnectors", "Admin_ManageFeed", "Feeds_OverwritePackage",
      "Feeds_AcceptPackagePromotions", "Feeds_UnlistPackage"]),
    ("Manage Projects", "Allows access to create, edit, and resolve issues on projects and releases",
     ["Projects_UploadSbom", "Projects_View", "Projects_Manage", "Projects_ResolveIssue"]),
    ("Promote Packages", "Allows access to promote packages to a specified feed of the same feed "
     "type. Users granted this task should also be granted at least the View & Download Packages "
     "task for the source feed.",
     ["Feeds_ViewFeed", "Feeds_DownloadPackage", "Feeds_AddPackage", "Feeds_AcceptPackagePromotions"]),
    ("Publish Packages", "Allows access to publish, upload, push, and pull packages from a feed.",
     ["Feeds_ViewFeed", "Feeds_DownloadPackage", "Feeds_AddPackage", "Feeds_PullPackage"]),
    ("View & Download Packages", "Allows access to viewing and downloading packages from a feed.",
     ["Feeds_ViewFeed", "Feeds_DownloadPackage"]),
]
# docs creating-tasks.md: "ProGet uses the name of the task to determine whether or not it's a
# built-in task."
BUILTIN_TASK_NAMES = dict((n.lower(), n) for n, _, _ in BUILTIN_TASKS)

# Catch-all principals (docs administration-security/#.md "Virtual Privilege Assignments"); the
# docs' permission lists show them as users ("allow Administer globally for user Anonymous").
ANONYMOUS, EVERYONE, AUTHENTICATED = "Anonymous", "Everyone", "Authenticated"
VIRTUAL = dict((n.lower(), n) for n in (ANONYMOUS, EVERYONE, AUTHENTICATED))

ADMIN_USER = "Admin"
ADMIN_GROUP = "Administrators"
SEED_MARKER = ("meta", "security-seeded")


def feed_scoped(attributes):
    """A task can be scoped to a feed when all its attributes can (creating-tasks.md)."""
    return all(FEED_SCOPED.get(a.lower(), False) for a in attributes)


def is_anonymous_admin(p):
    return (same(p.get("user"), ANONYMOUS) and same(p.get("task"), "Administer") and not p.get("deny")
            and not p.get("feed") and not p.get("feedGroup"))


def sync_anonymous(store, mode):
    """The ``anonymous`` switch set to ``admin``: the permission a new ProGet has, "allow
    Administer globally for user Anonymous" (proget-api.md §11.3: "On-premise defaults grant
    Anonymous the Administer task"), stored like any other so the Security API can list and delete
    it (a lock-down). Set to ``view`` or ``none``: that permission is removed."""
    stored = [p for p in store.all("permission") if is_anonymous_admin(p)]
    if mode == "admin" and not stored:
        store.insert("permission", {"user": ANONYMOUS, "group": None, "task": "Administer",
                                    "feed": None, "feedGroup": None, "deny": False})
    elif mode != "admin":
        for p in stored:
            store.delete("permission", p["_id"])


def seed(store, password_hash, anonymous="none"):
    """Built-in directory and security of a new ProGet (once per store: a restart keeps what the
    API changed). docs administration-security/#.md: the built-in directory "initially contains a
    single user with the username "Admin" and password "Admin""; permissions/list.md: "allow
    Administer globally for group Administrators"; users/list.md example: "Admin (Administrator)"."""
    if store.find(*SEED_MARKER) is not None:
        return
    admin = store.find("user", ADMIN_USER)
    if admin is None:
        store.insert("user", {"name": ADMIN_USER, "password_hash": password_hash(ADMIN_USER, "Admin"),
                              "displayName": "Administrator", "email": None, "attributes": []},
                     name=ADMIN_USER)
    for name, description, attributes in BUILTIN_TASKS:
        if store.find("task", name) is None:
            store.insert("task", {"name": name, "description": description,
                                  "attributes": list(attributes)}, name=name)
    group = store.find("group", ADMIN_GROUP)
    if group is None:
        store.insert("group", {"name": ADMIN_GROUP, "users": [ADMIN_USER]}, name=ADMIN_GROUP)
        store.insert("permission", {"user": None, "group": ADMIN_GROUP, "task": "Administer",
                                    "feed": None, "feedGroup": None, "deny": False})
    sync_anonymous(store, anonymous)
    store.insert(SEED_MARKER[0], {"name": SEED_MARKER[1]}, name=SEED_MARKER[1])


# -- lookups ------------------------------------------------------------------------------------
def same(a, b):
    return a is not None and b is not None and a.lower() == b.lower()


def groups_of(store, user_name):
    return [g["name"] for g in store.all("group")
            if any(same(u, user_name) for u in g.get("users") or [])]


def task_attributes(store):
    """lower task name -> set of attributes"""
    return dict((t["name"].lower(), set(t.get("attributes") or [])) for t in store.all("task"))


def forget_user(store, name):
    """Deleting a user takes it out of its groups and removes its permissions (our reading: the
    sources do not say)."""
    for g in store.all("group"):
        members = [u for u in g.get("users") or [] if not same(u, name)]
        if members != g.get("users"):
            g["users"] = members
            store.update("group", g)
    for p in store.all("permission"):
        if same(p.get("user"), name):
            store.delete("permission", p["_id"])


def forget(store, field, name):
    """Remove the permissions naming ``name`` in ``field`` (group, task or feed: deleting one of
    them leaves no permission pointing at nothing; our reading, the sources do not say)."""
    for p in store.all("permission"):
        if same(p.get(field), name):
            store.delete("permission", p["_id"])


# -- resolution -----------------------------------------------------------------------------------
class Rule(object):
    __slots__ = ("user_level", "feed", "feed_group", "deny", "attributes")

    def __init__(self, user_level, attributes, feed=None, feed_group=None, deny=False):
        self.user_level = user_level
        self.attributes = frozenset(attributes)
        self.feed = feed
        self.feed_group = feed_group
        self.deny = deny

    def covers(self, feed):
        if self.feed is None and self.feed_group is None:
            return True
        if feed is None:          # a global check: only global rules count
            return False
        # the sim's feeds belong to no feed group, so feed-group rules never match a feed
        return self.feed is not None and self.feed.lower() == feed.lower()

    def sort_key(self):
        scoped = self.feed is not None or self.feed_group is not None
        return (0 if self.user_level else 1, 0 if scoped else 1, 0 if self.deny else 1)


def grant(attributes):
    """A global grant of the principal's own (the sim's ``attributes`` shorthand and the
    ``anonymous`` switch)."""
    return Rule(True, attributes)


def rules_for(store, user=None, authenticated=False):
    """The stored permissions that apply to a user (``user``: its name) or, with ``user`` None,
    to a request without credentials."""
    tasks = task_attributes(store)
    groups = set(g.lower() for g in groups_of(store, user)) if user else set()
    names = {(user or ANONYMOUS).lower()}
    catch_all = {EVERYONE.lower()}
    if authenticated:
        catch_all.add(AUTHENTICATED.lower())
    out = []
    for p in store.all("permission"):
        attrs = tasks.get((p.get("task") or "").lower())
        if not attrs:
            continue
        principal = (p.get("user") or p.get("group") or "").lower()
        if p.get("user") and principal in names:
            user_level = True
        elif principal in catch_all or (p.get("group") and principal in groups):
            user_level = False
        else:
            continue
        out.append(Rule(user_level, attrs, p.get("feed"), p.get("feedGroup"), bool(p.get("deny"))))
    return out


def allowed(rules, attribute, feed=None):
    best = None
    for r in rules:
        if attribute in r.attributes and r.covers(feed):
            if best is None or r.sort_key() < best.sort_key():
                best = r
    return best is not None and not best.deny
