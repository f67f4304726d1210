"""Connectors API ``/api/management/connectors/...`` (proget-api.md §3) + Connectors_* natives."""
from .api_feeds import TYPE_DISPLAY, normalize_type
from .core import (bad_request, check_entity_name, empty, expect_bool, expect_int, expect_str,
                   expect_str_list, json_response, not_found)

OUTPUT_ORDER = ["name", "url", "feedType", "timeout", "username", "filters",
                "metadataCacheEnabled", "metadataCacheMinutes", "metadataCacheCount"]


def connector_out(rec):
    # The password is never returned: ProGetConnector.cs has a Password property, but no source
    # says whether GET/list show it; hiding it is the cautious reading (kept, not verified).
    return dict((k, rec.get(k)) for k in OUTPUT_ORDER)


def get_or_404(store, name):
    rec = store.find("connector", name)
    if rec is None:
        raise not_found("Connector %s not found." % name)
    return rec


def check_url(value):
    if not isinstance(value, str) or not value.strip():
        raise bad_request("connector url is required")
    if not (value.lower().startswith("http://") or value.lower().startswith("https://")):
        raise bad_request("Invalid connector url '%s': an absolute http(s) URL is required." % value)
    return value


def apply_fields(rec, body):
    """Apply a (partial) ProGetConnector ``body``. A property that is omitted or null keeps its
    value: docs connectors/update.md "any properties omitted will keep their existing values";
    2024-07 connectors page (689d8342 proget-api-connectors/#.md:48) "omitting a property or
    supplying `null` as the value will keep the current setting". The sources are silent on how
    to clear the username or password; our reading: an empty string clears it (stored as null)."""
    def given(k):
        return body.get(k) is not None
    if given("url"):
        rec["url"] = check_url(body["url"])
    if given("feedType"):
        rec["feedType"] = normalize_type(body["feedType"])
    if given("timeout"):
        v = expect_int(body, "timeout")
        if v < 0:
            raise bad_request("Invalid value for timeout: must not be negative.")
        rec["timeout"] = v
    for k in ("username", "password"):
        if given(k):
            rec[k] = expect_str(body, k) or None
    if given("filters"):
        rec["filters"] = expect_str_list(body, "filters")
    if given("metadataCacheEnabled"):
        rec["metadataCacheEnabled"] = expect_bool(body, "metadataCacheEnabled")
    for k in ("metadataCacheMinutes", "metadataCacheCount"):
        if given(k):
            rec[k] = expect_int(body, k, minimum=0)
    return rec


def new_connector(name):
    return {"name": name, "url": None, "feedType": None, "timeout": None, "username": None,
            "password": None, "filters": [], "metadataCacheEnabled": False,
            "metadataCacheMinutes": 30, "metadataCacheCount": 100}


def create_connector(store, body):
    name = body.get("name")
    if name is None or (isinstance(name, str) and not name.strip()):
        raise bad_request("connector name is required")
    check_entity_name(name, "connector name", max_len=100)
    if body.get("url") in (None, ""):
        raise bad_request("connector url is required")
    normalize_type(body.get("feedType"))
    if store.find("connector", name) is not None:
        raise bad_request("A connector named '%s' already exists." % name)
    rec = apply_fields(new_connector(name), body)
    return store.insert("connector", rec, name=name)


def delete_connector(store, rec, in_use="detach"):
    users = [f["name"] for f in store.all("feed")
             if any(n.lower() == rec["name"].lower() for n in f.get("connectors") or [])]
    if users and in_use == "refuse":
        raise bad_request("Connector %s cannot be deleted because it is used by these feeds: %s."
                          % (rec["name"], ", ".join(users)))
    for feed in store.all("feed"):
        names = feed.get("connectors") or []
        kept = [n for n in names if n.lower() != rec["name"].lower()]
        if kept != names:
            feed["connectors"] = kept
            store.update("feed", feed)
    store.delete("connector", rec["_id"])


def list_route(req):
    req.require("connectors")
    return json_response([connector_out(c) for c in req.store.all("connector")])


def get_route(req, name):
    req.require("connectors")
    return json_response(connector_out(get_or_404(req.store, name)))


def create_route(req):
    req.require("connectors")
    body = req.json_object()
    # docs connectors/create.md: "A Connector object will be returned on a successful 200"
    return json_response(connector_out(create_connector(req.store, body)))


def update_route(req, name):
    req.require("connectors")
    rec = get_or_404(req.store, name)
    body = req.json_object()
    apply_fields(rec, body)
    req.store.update("connector", rec)
    return json_response(connector_out(rec))


def delete_route(req, name):
    req.require("connectors")
    delete_connector(req.store, get_or_404(req.store, name), req.sim.config["connector_in_use"])
    return empty()


# -- native -----------------------------------------------------------------------------------
def connector_row(c):
    return {
        "Connector_Id": c["_id"], "Connector_Name": c["name"],
        "FeedType_Name": TYPE_DISPLAY.get(c["feedType"], c["feedType"]),
        "Connector_Url": c["url"], "Filter_Csv": ",".join(c.get("filters") or []) or None,
        "User_Name": c.get("username"), "Timeout_Period": c.get("timeout"),
        "MetadataCache_Enabled_Indicator": bool(c.get("metadataCacheEnabled")),
        "MetadataCache_Minutes": c.get("metadataCacheMinutes"),
        "MetadataCache_Count": c.get("metadataCacheCount"),
    }


def n_get_connectors(req, args):
    fid = args.int("Feed_Id")
    conns = req.store.all("connector")
    if fid is not None:
        feed = req.store.get("feed", fid)
        names = [n.lower() for n in (feed or {}).get("connectors") or []]
        conns = [c for c in conns if c["name"].lower() in names]
    return [connector_row(c) for c in conns]


def n_get_connector(req, args):
    c = req.store.get("connector", args.require_int("Connector_Id"))
    return connector_row(c) if c else None


def n_create_or_update(req, args):
    store = req.store
    body = {}
    if args.has("Connector_Url"):
        body["url"] = args.str("Connector_Url")
    if args.has("FeedType_Name"):
        body["feedType"] = args.str("FeedType_Name")
    if args.raw("Filter_Csv") is not None:
        body["filters"] = [f.strip() for f in (args.str("Filter_Csv") or "").split(",") if f.strip()]
    if args.raw("User_Name") is not None:  # "" clears (apply_fields)
        body["username"] = args.str("User_Name")
    if args.raw("Password_Bytes") is not None:
        body["password"] = args.bytes_text("Password_Bytes")
    if args.raw("Timeout_Period") is not None:
        body["timeout"] = args.int("Timeout_Period")
    if args.bool("MetadataCache_Enabled_Indicator") is not None:
        body["metadataCacheEnabled"] = args.bool("MetadataCache_Enabled_Indicator")
    for arg, field in (("MetadataCache_Minutes", "metadataCacheMinutes"),
                       ("MetadataCache_Count", "metadataCacheCount")):
        if args.int(arg) is not None:
            body[field] = args.int(arg)
    cid = args.int("Connector_Id")
    if cid is not None:
        rec = store.get("connector", cid)
        if rec is None:
            raise bad_request("Invalid value for argument Connector_Id: connector not found.")
        new_name = None
        if args.has("Connector_Name") and args.str("Connector_Name") != rec["name"]:
            new_name = check_entity_name(args.str("Connector_Name"), "Connector_Name")
            other = store.find("connector", new_name)
            if other is not None and other["_id"] != cid:
                raise bad_request("A connector named '%s' already exists." % new_name)
            old = rec["name"]
            rec["name"] = new_name
            for feed in store.all("feed"):
                names = feed.get("connectors") or []
                if any(n.lower() == old.lower() for n in names):
                    feed["connectors"] = [new_name if n.lower() == old.lower() else n for n in names]
                    store.update("feed", feed)
        apply_fields(rec, body)
        store.update("connector", rec, name=new_name)
        return rec["_id"]
    body["name"] = args.require_str("Connector_Name")
    args.require_str("FeedType_Name")
    args.require_str("Connector_Url")
    return create_connector(store, body)["_id"]


def n_delete_connector(req, args):
    rec = req.store.get("connector", args.require_int("Connector_Id"))
    if rec is not None:
        delete_connector(req.store, rec, req.sim.config["connector_in_use"])
    return None


NATIVE_METHODS = {
    "Connectors_GetConnectors": n_get_connectors,
    "Connectors_GetConnector": n_get_connector,
    "Connectors_CreateOrUpdateConnector": n_create_or_update,
    "Connectors_DeleteConnector": n_delete_connector,
}

# Only documented verbs (any other verb answers 405): docs connectors/list.md, get.md: GET;
# create.md: "POST/PUT"; update.md: POST; delete.md: DELETE, while pgutil ProGetClient.cs
# DeleteConnectorAsync uses POST, so delete takes both.
P = r"/api/management/connectors"
ROUTES = [
    (("GET",), P + r"/list/?", list_route),
    (("GET",), P + r"/get/(?P<name>[^/]+)/?", get_route),
    (("POST", "PUT"), P + r"/create/?", create_route),
    (("POST",), P + r"/update/(?P<name>[^/]+)/?", update_route),
    (("DELETE", "POST"), P + r"/delete/(?P<name>[^/]+)/?", delete_route),
]
