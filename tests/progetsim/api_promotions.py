"""Package promotion: ``POST /api/promotions/promote`` and ``GET /api/promotions/list``.

Sources: docs ``Content/proget/api/packages/promote/#.md`` (2026-01; its 2024-12 table at
eb190e69 ``reference-api/proget-api-packages/proget-api-packages-promote/#.md``: 200, 400
"invalid or missing properties ... the body will provide some details as text", 403),
``promote/promotion-query.md``, ``packages/package-promotion/#.md`` and
``proget-howto-promote-packages.md``; pgutil ``PromotePackageInput.cs``,
``ProGetClient.cs PromotePackageAsync``, ``pgutil/Packages/PromoteCommand.cs``.

Promote (a PromotePackageInput ``{fromFeed, group?, name, version, toFeed, comments?}`` as JSON,
or the same names form-encoded, promote/#.md) copies every file of that version (a PyPI or Debian
version may have several) into ``toFeed`` and records the promotion (howto page: "package
promotion is simply a process of copying a package from one feed into another, and keeping a
record of that promotion"; the source keeps its package: package-promotion/#.md "Any packages that
are promoted to a target feed are __not__ deleted from the source feed"). 200 with no body.
In order:

* 400 when ``fromFeed``, ``toFeed``, ``name`` or ``version`` is missing (PromotePackageInput.cs
  ``required``) or not a string;
* 403 (the usual sentence) without ``Feeds_AcceptPackagePromotions`` on ``toFeed`` (Feed keys:
  Promote; System keys: Use/Manage Feeds; docs packages/#.md authentication table) or without
  view access to ``fromFeed`` (package-promotion/#.md: "Users granted this task should also be
  granted at least the View & Download Packages task for the source feed");
* ProGet Free: 403 ``ProGet Free Edition does not support this API`` (package-promotion/#.md
  "Package promotion via the API is not availabile in ProGet Free", license.md "Package
  Promotion ❌"; the status and text are those the field report saw for the Free security API,
  proget-api.md §0.3; no source gives them for promotion);
* 400: a feed that does not exist or holds no packages, feeds of different types
  (package-promotion/#.md "promote packages to a specified feed of the same feed type"), a
  version the source feed does not have. ``version`` may be ``latest`` or ``latest-stable``
  (promotion-query.md's PromotedPackage table, carried over from the old promote input: "you can
  specify `latest` or `latest-stable` ... This will then promote the latest or latest
  non-prerelease version");
* a version ``toFeed`` already has: config ``promote_existing`` (undocumented).

Query: ``GET /api/promotions/list[?fromFeed=&toFeed=&group=&package=&version=]`` (promotion-query.md;
note ``package``, not ``name``): 200, PromotedPackage[] ``{group?, package, packageType, version,
promotions: [PromotionData {fromFeed, toFeed, date, user, comments, id}]}``, one per package
version, promotions oldest first. ``group`` is omitted when the package has none ("omitted for all
other feed types"); ``date`` is UTC ``yyyy-MM-ddTHH:mm:ss``; ``user`` is ``SYSTEM`` ("Packages
promoted via this API will by noted with `SYSTEM` as the user"). "It is not considered an error
if the promoted package and it's history do not exist": ``[]``. Only promotions whose source or
target feed the caller may view are listed ("only the promotions the Anonymous user has access to
view will be displayed"; our reading of "access"). No credentials and no view access to any feed:
401 with a Basic challenge; a key without it (or an unknown key): 403.
"""
import datetime

from . import packages
from .api_packages import package_type
from .core import FORBIDDEN_TEXT, HttpError, Response, bad_request, empty, forbidden, json_response

FREE_TEXT = "ProGet Free Edition does not support this API"   # same as api_security.FREE_TEXT
CHALLENGE = {"WWW-Authenticate": 'Basic realm="ProGet"'}
API_USER = "SYSTEM"


def read_input(req):
    if req.content_type == "application/x-www-form-urlencoded":
        raw = req.form()
    else:
        raw = req.json_object()
    body = dict((k.lower(), v) for k, v in raw.items())
    out = {}
    for key, name in (("fromfeed", "fromFeed"), ("tofeed", "toFeed"), ("name", "name"),
                      ("version", "version"), ("group", "group"), ("comments", "comments")):
        v = body.get(key)
        if v is not None and not isinstance(v, str):
            raise bad_request("Invalid value for %s: expected a string." % name)
        if name in ("fromFeed", "toFeed", "name", "version") and not (v or "").strip():
            raise bad_request("%s is required." % name)
        out[name] = v or None
    return out


def source_feed(req, name):
    feed = req.store.find("feed", name)
    if feed is None or feed.get("feedType") not in packages.PACKAGE_FEED_TYPES:
        raise bad_request("Feed '%s' was not found, or it is not a package feed." % name)
    return feed


def resolve_version(req, feed, name, group, version):
    if version.lower() in ("latest", "latest-stable"):
        top = packages.latest(packages.select(req, feed, name, group),
                              stable_only=version.lower() == "latest-stable")
        return top["version"] if top else None
    return version


def promote(req):
    body = read_input(req)
    p = req.principal
    if not (p.can("feeds.promote", body["toFeed"]) and p.can("feeds.view", body["fromFeed"])):
        raise forbidden()
    if req.sim.config["edition"] == "free":
        raise HttpError(403, FREE_TEXT)
    src = source_feed(req, body["fromFeed"])
    dst = source_feed(req, body["toFeed"])
    if src["feedType"] != dst["feedType"]:
        raise bad_request("A package can only be promoted to a feed of the same type (%s is %s, %s is %s)."
                          % (src["name"], src["feedType"], dst["name"], dst["feedType"]))
    # no group: the package without one (universal, npm); Debian has none (see packages.py)
    group = packages.norm_group(src, body["group"]) if body["group"] else (
        None if src["feedType"] == "debian" else "")
    name = body["name"]
    version = resolve_version(req, src, name, group, body["version"])
    recs = packages.select(req, src, name, group, version) if version else []
    if not recs:
        raise bad_request("Package %s%s %s was not found in feed %s."
                          % (group + "/" if group else "", name, body["version"], src["name"]))
    if packages.select(req, dst, name, group, recs[0]["version"]):
        if req.sim.config["promote_existing"] == "refuse":
            raise bad_request("Package %s%s %s already exists in feed %s."
                              % (group + "/" if group else "", name, recs[0]["version"], dst["name"]))
        for old in packages.select(req, dst, name, group, recs[0]["version"]):
            packages.delete(req, old)
    for rec in recs:
        packages.copy_to(req, dst, rec)
    first = recs[0]
    req.store.insert("promotion", {
        "fromFeed": src["name"], "toFeed": dst["name"], "packageType": package_type(src),
        "group": first.get("group") or "", "package": first["name"], "version": first["version"],
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S"),
        "user": API_USER, "comments": body["comments"]})
    return empty(200)


def _same(a, b):
    return a.lower() == b.lower()


def list_promotions(req):
    p = req.principal
    feeds = [f["name"] for f in req.store.all("feed")]
    if not (p.can("feeds.view") or any(p.can("feeds.view", f) for f in feeds)):
        if p.kind == "anonymous":
            return Response(401, "Authentication required.", "text/plain; charset=utf-8", CHALLENGE)
        raise HttpError(403, FORBIDDEN_TEXT)
    filters = [(k, req.arg(k)) for k in ("fromFeed", "toFeed", "group", "package", "version")]
    out, by_key = [], {}
    for rec in req.store.all("promotion"):
        if not (p.can("feeds.view", rec["fromFeed"]) or p.can("feeds.view", rec["toFeed"])):
            continue
        skip = False
        for k, want in filters:
            if want is None:
                continue
            if k == "group":
                want = want[1:] if want.startswith("@") else want   # an npm scope (api_packages)
            if not _same(rec.get(k) or "", want):
                skip = True
                break
        if skip:
            continue
        key = (rec["packageType"], rec["group"].lower(), rec["package"].lower(), rec["version"].lower())
        item = by_key.get(key)
        if item is None:
            item = {"package": rec["package"], "packageType": rec["packageType"], "version": rec["version"],
                    "promotions": []}
            if rec["group"]:
                item = dict([("group", rec["group"])] + list(item.items()))
            by_key[key] = item
            out.append(item)
        item["promotions"].append({"fromFeed": rec["fromFeed"], "toFeed": rec["toFeed"], "date": rec["date"],
                                   "user": rec["user"], "comments": rec.get("comments"), "id": rec["_id"]})
    return json_response(out)


# Documented verbs: promote POST (promote/#.md, pgutil PostAsync), list GET (promotion-query.md).
ROUTES = [
    (("POST",), r"/api/promotions/promote/?", promote),
    (("GET",), r"/api/promotions/list/?", list_promotions),
]
