"""Feed Management API ``/api/management/feeds/...`` (proget-api.md §2) + Feeds_* native methods."""
import re

from . import security
from .core import (HttpError, bad_request, check_entity_name, empty, expect_bool, expect_str,
                   expect_str_list, expect_str_map, json_response, not_found)

FEED_TYPES = [
    "universal", "nuget", "chocolatey", "npm", "maven", "powershell", "docker", "rubygems",
    "vsix", "asset", "romp", "pypi", "helm", "rpm", "conda", "cran", "cargo", "composer",
    "conan", "pub", "terraform", "apk", "debian", "bower",
]
TYPE_DISPLAY = {
    "universal": "Universal", "nuget": "NuGet", "chocolatey": "Chocolatey", "npm": "npm",
    "maven": "Maven", "powershell": "PowerShell", "docker": "Docker", "rubygems": "RubyGems",
    "vsix": "VSIX", "asset": "Asset", "romp": "Romp", "pypi": "PyPI", "helm": "Helm",
    "rpm": "RPM", "conda": "Conda", "cran": "CRAN", "cargo": "Cargo", "composer": "Composer",
    "conan": "Conan", "pub": "Pub", "terraform": "Terraform", "apk": "APK", "debian": "Debian",
    "bower": "Bower",
}
TYPE_CHANGE_GROUPS = [{"nuget", "chocolatey", "powershell"}, {"universal", "romp"}]

NULLABLE_STR = ["description", "dropPath", "packagesPath", "packageStore"]
BOOLS = ["active", "cacheConnectors", "allowUnknownLicenses", "symbolServerEnabled",
         "stripSymbols", "stripSource", "stripSignature", "useApiV3",
         "packageStatisticsEnabled", "restrictPackageStatistics", "deploymentRecordsEnabled",
         "usageRecordsEnabled", "vulnerabilitiesEnabled", "licensesEnabled", "useWithProjects",
         "retentionRulesEnabled"]
NULL_CLEARS = set(NULLABLE_STR) | {"allowUnknownLicenses"}
LISTS = ["alternateNames", "allowedLicenses", "blockedLicenses", "connectors",
         "vulnerabilitySources"]
MAPS = ["packageFilters", "packageAccessRules", "variables"]

OUTPUT_ORDER = [
    "name", "alternateNames", "feedType", "description", "active", "cacheConnectors", "dropPath",
    "packagesPath", "packageStore", "allowUnknownLicenses", "allowedLicenses", "blockedLicenses",
    "symbolServerEnabled", "stripSymbols", "stripSource", "stripSignature", "useApiV3",
    "endpointUrl", "connectors", "vulnerabilitySources", "retentionRules", "packageFilters",
    "packageAccessRules", "variables", "canPublish", "packageStatisticsEnabled",
    "restrictPackageStatistics", "deploymentRecordsEnabled", "usageRecordsEnabled",
    "vulnerabilitiesEnabled", "licensesEnabled", "useWithProjects", "retentionRulesEnabled",
]

RULE_BOOLS = ["deletePrereleaseVersions", "deleteCached", "sizeExclusive", "keepIfActivelyConsumed"]
# RetentionRule.cs: every count is a C# int? except SizeTriggerKb, a long? (quotas above ~2 TB);
# a value the C# type cannot hold fails deserialisation (400).
INT_MAX, LONG_MAX = 2 ** 31 - 1, 2 ** 63 - 1
RULE_INTS = {"keepVersionsCount": INT_MAX, "keepUsedWithinDays": INT_MAX,
             "triggerDownloadCount": INT_MAX, "sizeTriggerKb": LONG_MAX,
             "keepConsumedWithinDays": INT_MAX, "keepPackageUsageRemovedDays": INT_MAX}
RULE_LISTS = ["keepPackageIds", "deletePackageIds", "keepVersions", "deleteVersions"]
RULE_ORDER = ["deletePrereleaseVersions", "deleteCached", "keepVersionsCount", "keepUsedWithinDays",
              "triggerDownloadCount", "keepPackageIds", "deletePackageIds", "keepVersions",
              "deleteVersions", "sizeTriggerKb", "sizeExclusive", "keepConsumedWithinDays",
              "keepIfActivelyConsumed", "keepPackageUsageRemovedDays"]

VARIABLE_RX = re.compile(r"^[A-Za-z][A-Za-z0-9 _-]{0,49}$")

ENDPOINT_PATHS = {
    "nuget": "/nuget/{n}/v3/index.json", "chocolatey": "/nuget/{n}/", "powershell": "/nuget/{n}/",
    "universal": "/upack/{n}/", "romp": "/upack/{n}/", "asset": "/endpoints/{n}/",
    "pypi": "/pypi/{n}/simple", "maven": "/maven2/{n}/", "docker": "/v2/{n}/",
}


# -- helpers usable by other areas ------------------------------------------------------------
def normalize_type(value, required=True):
    if value is None or value == "":
        if required:
            raise bad_request("feed type is required")
        return None
    if not isinstance(value, str) or value.lower() not in FEED_TYPES:
        raise bad_request("invalid feed type '%s'" % (value,))
    return value.lower()


def find_feed(store, name):
    return store.find("feed", name)


def get_feed_or_404(store, name):
    rec = store.find("feed", name)
    if rec is None:
        raise not_found("Feed %s not found." % name)
    return rec


def endpoint_url(req, feed):
    t = feed["feedType"]
    path = ENDPOINT_PATHS.get(t, "/" + t + "/{n}/")
    if t == "nuget" and not feed.get("useApiV3", True):
        path = "/nuget/{n}/"
    base = (req.sim.setting("Web.BaseUrl") or "").rstrip("/") or req.base_url()
    return base + path.format(n=feed["name"])


def rule_out(rule):
    out = {}
    for k in RULE_ORDER:
        if k in RULE_BOOLS:
            out[k] = bool(rule.get(k, False))
        elif rule.get(k) is not None:
            out[k] = rule[k]
    for k, v in rule.items():
        if k not in out and k not in RULE_ORDER:
            out[k] = v
    return out


def variables_name(req):
    """JSON name of the feed variables (config ``feed_variables_name``): the docs' example JSON
    shows "variables" (2024-07 689d8342 proget-api-feeds/#.md:64); pgutil ProGetFeed.cs names the
    property VariableDictionary, i.e. "variableDictionary". Only the configured name is read or
    written; the other is an unknown property (ignored)."""
    return req.sim.config["feed_variables_name"]


def feed_out(req, rec):
    out = {}
    for k in OUTPUT_ORDER:
        if k == "variables":
            out[variables_name(req)] = rec.get("variables")
        elif k == "endpointUrl":
            out[k] = endpoint_url(req, rec)
        elif k == "canPublish":
            out[k] = True
        elif k == "retentionRules":
            out[k] = [rule_out(r) for r in rec.get("retentionRules") or []]
        else:
            out[k] = rec.get(k)
    return out


def new_feed(name, feed_type):
    return {
        "name": name, "alternateNames": [], "feedType": feed_type, "description": None,
        "active": True, "cacheConnectors": True, "dropPath": None, "packagesPath": None,
        "packageStore": None, "allowUnknownLicenses": None, "allowedLicenses": [],
        "blockedLicenses": [], "symbolServerEnabled": False, "stripSymbols": False,
        "stripSource": False, "stripSignature": False,
        "useApiV3": feed_type in ("nuget", "chocolatey", "powershell"),
        "connectors": [], "vulnerabilitySources": [], "retentionRules": [], "packageFilters": {},
        "packageAccessRules": {}, "variables": {}, "packageStatisticsEnabled": False,
        "restrictPackageStatistics": False, "deploymentRecordsEnabled": True,
        "usageRecordsEnabled": True, "vulnerabilitiesEnabled": True, "licensesEnabled": True,
        "useWithProjects": True, "retentionRulesEnabled": True,
    }


def parse_rules(value):
    if not isinstance(value, list):
        raise bad_request("Invalid value for retentionRules: expected an array.")
    rules = []
    for i, r in enumerate(value):
        if not isinstance(r, dict):
            raise bad_request("Invalid retention rule #%d: expected an object." % (i + 1))
        rule = {}
        for k, v in r.items():
            if k in RULE_BOOLS:
                if v is not None and not isinstance(v, bool):
                    raise bad_request("Invalid value for retentionRules[%d].%s." % (i, k))
                rule[k] = bool(v)
            elif k in RULE_INTS:
                if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 0
                                      or v > RULE_INTS[k]):
                    raise bad_request("Invalid value for retentionRules[%d].%s." % (i, k))
                rule[k] = v
            elif k in RULE_LISTS:
                if v is not None and (not isinstance(v, list)
                                      or not all(isinstance(x, str) for x in v)):
                    raise bad_request("Invalid value for retentionRules[%d].%s." % (i, k))
                rule[k] = v
            else:
                rule[k] = v  # unknown keys are preserved
        for k in RULE_BOOLS:
            rule.setdefault(k, False)
        rules.append(rule)
    return rules


def check_variables(vars_):
    for name in vars_:
        if (not VARIABLE_RX.match(name)) or name[-1] in "-_ ":
            raise bad_request("Invalid variable name '%s': names are at most 50 characters of "
                              "letters, digits, spaces, '-' and '_', must start with a letter "
                              "and must not end with '-', '_' or a space." % name)


def resolve_connectors(store, names):
    out = []
    for n in names:
        c = store.find("connector", n)
        if c is None:
            # 400: the feeds create/update pages (2024-07 689d8342 proget-api-feeds-create.md:65,
            # -update.md:217) list "400 (Invalid Input)" for invalid properties and no 422.
            raise bad_request("connector '%s' does not exist" % n)
        if c["name"] not in out:
            out.append(c["name"])
    return out


def apply_fields(req, rec, body):
    """Apply the (partial) ProGetFeed ``body`` onto ``rec``; read-only/unknown fields ignored."""
    store = req.store
    body = dict(body)
    given = body.pop(variables_name(req), None)
    body.pop("variables", None)
    if given is not None:
        body["variables"] = given
    for k in NULLABLE_STR:
        if k in body:
            v = expect_str(body, k)
            if v is not None or k in NULL_CLEARS:
                rec[k] = v
    for k in BOOLS:
        if k in body:
            v = expect_bool(body, k)
            if v is not None or k in NULL_CLEARS:
                rec[k] = v
    for k in LISTS:
        if k in body and body[k] is not None:
            v = expect_str_list(body, k)
            if k == "connectors":
                v = resolve_connectors(store, v)
            elif k == "alternateNames":
                for n in v:
                    check_entity_name(n, "alternate name")
            rec[k] = v
    for k in MAPS:
        if k in body and body[k] is not None:
            v = expect_str_map(body, k)
            if k == "variables":
                check_variables(v)
            rec[k] = v
    if body.get("retentionRules") is not None:
        rec["retentionRules"] = parse_rules(body["retentionRules"])
    return rec


def create_feed(req, body):
    store = req.store
    name = body.get("name")
    if name is None or (isinstance(name, str) and not name.strip()):
        raise bad_request("feed name is required")
    check_entity_name(name, "feed name")
    feed_type = normalize_type(body.get("feedType"))
    if store.find("feed", name) is not None:
        raise bad_request("A feed named '%s' already exists." % name)
    rec = apply_fields(req, new_feed(name, feed_type), body)
    return store.insert("feed", rec, name=name)


def update_feed(req, rec, body):
    if "feedType" in body and body["feedType"] is not None:
        new_type = normalize_type(body["feedType"])
        old = rec["feedType"]
        if new_type != old and not any(old in g and new_type in g for g in TYPE_CHANGE_GROUPS):
            raise bad_request("The feed type cannot be changed from %s to %s." % (old, new_type))
        rec["feedType"] = new_type
    apply_fields(req, rec, body)
    return req.store.update("feed", rec)


# -- HTTP routes ------------------------------------------------------------------------------
def list_feeds(req):
    p = req.principal
    return json_response([feed_out(req, f) for f in req.store.all("feed")
                          if p.can("feeds.view", f["name"])])


def get_feed(req, name):
    req.require("feeds.view", name)
    return json_response(feed_out(req, get_feed_or_404(req.store, name)))


def create_route(req):
    req.require("feeds.manage")
    body = req.json_object()
    return json_response(feed_out(req, create_feed(req, body)), 200)


def update_route(req, name):
    req.require("feeds.manage", name)
    rec = get_feed_or_404(req.store, name)
    body = req.json_object()
    return json_response(feed_out(req, update_feed(req, rec, body)), 200)


def delete_route(req, name):
    req.require("feeds.manage", name)
    rec = get_feed_or_404(req.store, name)
    delete_feed(req.store, rec)
    return empty()


def delete_feed(store, rec):
    store.delete("feed", rec["_id"])
    for key in store.blob_keys("feed/%d/" % rec["_id"]):
        store.delete_blob(key)
    # asset items, uploads in progress and packages of the feed (files: see progetsim/files.py)
    for kind in ("asset", "asset_upload", "package"):
        store.delete_prefix(kind, "%d/" % rec["_id"])
    security.forget(store, "feed", rec["name"])   # permissions scoped to the feed (security.py)


# -- native methods ---------------------------------------------------------------------------
def feed_row(rec):
    return {
        "Feed_Id": rec["_id"], "Feed_Name": rec["name"], "Feed_Description": rec.get("description"),
        "Active_Indicator": bool(rec.get("active", True)),
        "Cache_Connectors_Indicator": bool(rec.get("cacheConnectors", True)),
        "FeedType_Name": TYPE_DISPLAY.get(rec["feedType"], rec["feedType"]),
        "DropPath_Text": rec.get("dropPath"), "FeedPathOverride_Text": rec.get("packagesPath"),
        "PackageStoreConfiguration_Xml": rec.get("packageStore"),
        "AllowUnknownLicenses_Indicator": rec.get("allowUnknownLicenses"),
        "FeedConfiguration_Xml": rec.get("feedConfigurationXml"),
    }


def native_feed(req, args, required=True):
    fid = args.int("Feed_Id")
    if fid is not None:
        rec = req.store.get("feed", fid)
    elif args.has("Feed_Name"):
        rec = req.store.find("feed", args.str("Feed_Name"))
    else:
        raise bad_request("Missing required argument Feed_Id.")
    if rec is None and required:
        raise bad_request("Invalid value for argument Feed_Id: feed not found.")
    return rec


def n_create_feed(req, args):
    name = args.require_str("Feed_Name")
    body = {"name": name, "feedType": args.require_str("FeedType_Name")}
    rec = create_feed(req, body)
    if args.has("FeedConfiguration_Xml"):
        rec["feedConfigurationXml"] = args.str("FeedConfiguration_Xml")
        req.store.update("feed", rec)
    return rec["_id"]


def n_get_feed(req, args):
    rec = native_feed(req, args, required=False)
    return feed_row(rec) if rec else None


def n_get_feeds(req, args):
    inactive = args.bool("IncludeInactive_Indicator")
    return [feed_row(f) for f in req.store.all("feed") if inactive or f.get("active", True)]


def n_set_feed_property(req, args):
    store = req.store
    rec = store.get("feed", args.require_int("Feed_Id"))
    if rec is None:
        raise bad_request("Invalid value for argument Feed_Id: feed not found.")
    new_name = None
    if args.has("Feed_Name") and args.str("Feed_Name") != rec["name"]:
        new_name = check_entity_name(args.str("Feed_Name"), "Feed_Name")
        other = store.find("feed", new_name)
        if other is not None and other["_id"] != rec["_id"]:
            raise bad_request("A feed named '%s' already exists." % new_name)
        rec["name"] = new_name
    if args.has("FeedType_Name"):
        try:
            rec["feedType"] = normalize_type(args.str("FeedType_Name"))
        except HttpError:
            raise bad_request("Invalid value for argument FeedType_Name.")
    mapping = [("Feed_Description", "description"), ("DropPath_Text", "dropPath"),
               ("FeedPathOverride_Text", "packagesPath"),
               ("PackageStoreConfiguration_Xml", "packageStore"),
               ("FeedConfiguration_Xml", "feedConfigurationXml")]
    for arg, field in mapping:
        if args.raw(arg) is not None:
            rec[field] = args.str(arg) or None
    for arg, field in [("Active_Indicator", "active"), ("Cache_Connectors_Indicator", "cacheConnectors"),
                       ("AllowUnknownLicenses_Indicator2", "allowUnknownLicenses"),
                       ("AllowUnknownLicenses_Indicator", "allowUnknownLicenses")]:
        v = args.bool(arg)
        if v is not None:
            rec[field] = v
    store.update("feed", rec, name=new_name)
    return None


def n_delete_feed(req, args):
    rec = req.store.get("feed", args.require_int("Feed_Id"))
    if rec is not None:
        delete_feed(req.store, rec)
    return None


def n_get_feed_connectors(req, args):
    rec = native_feed(req, args)
    rows = []
    for cname in rec.get("connectors") or []:
        c = req.store.find("connector", cname)
        if c is None:
            continue
        rows.append({"Feed_Id": rec["_id"], "Feed_Name": rec["name"], "Connector_Id": c["_id"],
                     "Connector_Name": c["name"], "Connector_Url": c["url"],
                     "FeedType_Name": TYPE_DISPLAY.get(c["feedType"], c["feedType"])})
    return rows


def _feed_and_connector(req, args):
    rec = req.store.get("feed", args.require_int("Feed_Id"))
    if rec is None:
        raise bad_request("Invalid value for argument Feed_Id: feed not found.")
    c = req.store.get("connector", args.require_int("Connector_Id"))
    if c is None:
        raise bad_request("Invalid value for argument Connector_Id: connector not found.")
    return rec, c


def n_add_feed_connector(req, args):
    rec, c = _feed_and_connector(req, args)
    if c["name"].lower() not in [n.lower() for n in rec.get("connectors") or []]:
        rec["connectors"] = list(rec.get("connectors") or []) + [c["name"]]
        req.store.update("feed", rec)
    return None


def n_delete_feed_connector(req, args):
    rec, c = _feed_and_connector(req, args)
    names = rec.get("connectors") or []
    kept = [n for n in names if n.lower() != c["name"].lower()]
    if kept != names:
        rec["connectors"] = kept
        req.store.update("feed", rec)
    return None


NATIVE_METHODS = {
    "Feeds_CreateFeed": n_create_feed,
    "Feeds_GetFeed": n_get_feed,
    "Feeds_GetFeeds": n_get_feeds,
    "Feeds_SetFeedProperty": n_set_feed_property,
    "Feeds_DeleteFeed": n_delete_feed,
    "Feeds_GetFeedConnectors": n_get_feed_connectors,
    "Feeds_AddFeedConnector": n_add_feed_connector,
    "Feeds_DeleteFeedConnector": n_delete_feed_connector,
}

# Only documented verbs (any other verb answers 405): docs feeds/list.md, get.md: GET;
# create.md: "POST/PUT"; update.md: POST; delete.md: DELETE (pgutil ProGetClient.cs: the same).
P = r"/api/management/feeds"
ROUTES = [
    (("GET",), P + r"/list/?", list_feeds),
    (("GET",), P + r"/get/(?P<name>[^/]+)/?", get_feed),
    (("POST", "PUT"), P + r"/create/?", create_route),
    (("POST",), P + r"/update/(?P<name>[^/]+)/?", update_route),
    (("DELETE",), P + r"/delete/(?P<name>[^/]+)/?", delete_route),
]
