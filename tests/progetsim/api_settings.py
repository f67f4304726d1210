"""Settings API (proget-api.md §9.2) and the Configuration_* native methods."""
from .core import bad_request, json_response, empty

# name, default value, valueType, description, hidden (only with showAll=True)
DEFAULT_SETTINGS = [
    dict(name="Licensing.Key", value=None, valueType="Text", hidden=False,
         description="The license key for this installation."),
    dict(name="Web.BaseUrl", value=None, valueType="Text", hidden=False,
         description="The absolute URL of the web application, used when generating links."),
    dict(name="Storage.PackagesRootPath", value="/var/proget/packages", valueType="Text",
         hidden=False, description="Root path where feed packages are stored."),
    dict(name="Storage.AssetsRootPath", value="/var/proget/assets", valueType="Text",
         hidden=False, description="Root path where asset directory content is stored."),
    dict(name="Feeds.AllowUnknownLicenseDownloads", value="True", valueType="Boolean",
         hidden=False, description="Allow downloads of packages whose license is unknown."),
    dict(name="FeedRetentionDryRun", value="False", valueType="Boolean", hidden=False,
         description="Run all retention rules as a dry run (log only)."),
    dict(name="Diagnostics.MinimumLogLevel", value="20", valueType="Integer", hidden=False,
         description="Minimum level of messages written to the diagnostic center."),
    dict(name="Extensions.ExtensionsPath", value="/var/proget/extensions", valueType="Text",
         hidden=True, description="Path where extensions are loaded from."),
    dict(name="Api.DisablePersonalKeyExpiresNotification", value="False", valueType="Boolean",
         hidden=True, description="Do not warn users about expiring personal API keys."),
    dict(name="Web.SessionTimeout", value="30", valueType="Integer", hidden=True,
         description="Minutes before an idle web session expires."),
    dict(name="Service.ExecutionThreads", value="4", valueType="Integer", hidden=True,
         description="Number of service execution threads."),
]


def _defaults(sim):
    return dict((d["name"].lower(), d) for d in sim.default_settings)


def all_settings(sim, show_all=True):
    """-> list of SettingsInfo dicts (defaults overlaid with stored values)."""
    defaults = _defaults(sim)
    stored = dict((r["name"].lower(), r) for r in sim.store.all("setting"))
    out = []
    for d in sim.default_settings:
        if d.get("hidden") and not show_all:
            continue
        rec = stored.get(d["name"].lower())
        out.append({"name": d["name"], "value": rec["value"] if rec else d.get("value"),
                    "description": d.get("description"), "valueType": d["valueType"]})
    for key, rec in stored.items():
        if key not in defaults:
            out.append({"name": rec["name"], "value": rec.get("value"),
                        "description": None, "valueType": rec.get("valueType", "Text")})
    return out


def set_setting(sim, name, value):
    """Store ``value`` verbatim ("" = no value). No source describes value validation (pgutil
    ProGetClient.cs SetSettingAsync just sends name and value), so none is done; unknown names are
    stored too (undocumented either way)."""
    if not name:
        raise bad_request("The name parameter is required.")
    d = _defaults(sim).get(name.lower())
    vtype = d["valueType"] if d else "Text"
    if value == "":
        value = None
    store = sim.store
    rec = store.find("setting", name)
    spelled = d["name"] if d else name
    if rec is None:
        store.insert("setting", {"name": spelled, "value": value, "valueType": vtype}, name=spelled)
    elif rec.get("value") != value:
        rec["value"] = value
        store.update("setting", rec)


def list_settings(req):
    req.require("admin")
    show_all = (req.arg("showAll") or "false").strip().lower() == "true"
    return json_response(all_settings(req.sim, show_all))


def set_route(req):
    req.require("admin")
    name = req.arg("name")
    value = req.arg("value")
    if value is None:
        value = req.form().get("value")
    set_setting(req.sim, name, value if value is not None else "")
    return empty()


# -- native ---------------------------------------------------------------------------------
def native_get_configuration(req, args):
    return [{"Key_Name": s["name"], "Value_Text": s["value"]} for s in all_settings(req.sim)]


def native_get_value(req, args):
    name = args.require_str("Key_Name")
    for s in all_settings(req.sim):
        if s["name"].lower() == name.lower():
            return s["value"]
    return None


def native_set_value(req, args):
    name = args.require_str("Key_Name")
    set_setting(req.sim, name, args.str("Value_Text") or "")
    return None


NATIVE_METHODS = {
    "Configuration_GetConfiguration": native_get_configuration,
    "Configuration_GetValue": native_get_value,
    "Configuration_SetValue": native_set_value,
}

# pgutil ProGetClient.cs ListSettingsAsync GET, SetSettingAsync POST (no docs page); any other
# verb answers 405.
ROUTES = [
    (("GET",), r"/api/settings/list/?", list_settings),
    (("POST",), r"/api/settings/set/?", set_route),
]
