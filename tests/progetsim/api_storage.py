"""Feed storage ``/api/storage`` (proget-api.md §2.6; pgutil ``feeds storage types|info|change``).

Sources: docs ``Content/proget/api/feeds/storage-list.md``, ``storage-get.md``,
``storage-update.md`` (2026-01) and pgutil ``Inedo.ProGet/FeedStorageType.cs``,
``FeedStorageTypePropertyInfo.cs``, ``FeedStorageConfiguration.cs``, ``ProGetClient.cs``
(``ListFeedStorageTypesAsync``, ``GetFeedStorageConfigurationAsync``,
``SetFeedStorageConfigurationAsync``), ``pgutil/Feeds/Storage/*.cs``.

* ``GET /api/storage``: 200, FeedStorageType[] ``{id, name, description, properties: {Name:
  {required, name, description, type, placeholder}}}`` for ``disk``, ``s3`` and ``azure``. Ids,
  descriptions, property names, "*REQUIRED*", boolean types and placeholders ("Default: ...") are
  the ones in storage-list.md's example output of ``pgutil feeds storage types`` (TypesCommand.cs
  prints exactly those members). The display ``name`` of types and properties and the ``type`` of
  a non-boolean property ("string") appear in no source (our reading).
* ``GET /api/storage?feed=F``: 200, FeedStorageConfiguration ``{id, properties}``: every property
  of the type, unset ones null (booleans false: "Must be true or false (defaults to false)"). A new
  feed: ``{"id": "disk", "properties": {"StoragePath": null}}`` (storage-get.md "StoragePath:
  <default>", InfoCommand.cs prints null as ``<default>``). Secret properties: config
  ``storage_secrets``.
* ``POST /api/storage?feed=F`` with a FeedStorageConfiguration: the feed's whole configuration is
  replaced (properties not given become unset: pgutil ChangeCommand.cs sends only the options given
  and checks only the required ones); 200 with the new configuration (storage-update.md 2026-01:
  "A FeedStorageConfiguration object will be returned on a successful 200 response"). 400: unknown
  type id, unknown property, missing required property, a boolean property that is not a JSON
  boolean, a text property that is not a string (ChangeCommand.cs validates the same against the
  types list). 404: unknown feed (proget-api.md §2.6). ProGet Free: ``s3`` and ``azure`` answer 403
  ``ProGet Free Edition does not support cloud storage.`` (docs administration/license.md "Cloud
  Storage ❌" for Free; the status and text are our reading).

Where the configuration lives: the feed's ``packagesPath`` (disk: ``StoragePath``) and
``packageStore`` (s3/azure: the persisted XML shown in docs feeds/#.md "Persisted XML
Configuration", AWS ``S3FileSystem`` / Azure ``AzureFileSystem``), as pgutil ProGetFeed.cs
describes them ("Absolute disk path for package storage if a packageStore is not specified";
"Serialized configuration for a custom package store such as Amazon S3 or Azure Blob"). So the
Feeds API shows what this API set and the other way round; both persist in the store (restart)
and go with ``/__sim/reset``.

Authorization: the pages ask for "an appropriate API Key" and link the Feeds API's table (docs
feeds/#.md: System keys "Use/Manage Feeds"; Feed keys View/Download; personal keys
``Feeds_ViewFeed``); as for the Feeds API (proget-api.md §14.24), reading needs ``feeds.view``
and changing needs ``feeds.manage``. Denied: config ``storage_denied_status`` (default 500, what
the three pages say for "a missing, unknown, or unauthorized API Key"), body the usual sentence.
"""
import xml.etree.ElementTree as ET

from .core import FORBIDDEN_TEXT, HttpError, bad_request, json_response, not_found


def _prop(description=None, required=False, type_="string", placeholder=None, name=None):
    return {"required": required, "name": name, "description": description, "type": type_,
            "placeholder": placeholder}


BOOL = "boolean"
# docs feeds/storage-list.md, example output of `pgutil feeds storage types` (in its order)
TYPES = [
    {"id": "disk", "name": "Disk",
     "description": "Storage path on the local file system or network share.",
     "properties": {
         "StoragePath": _prop("Local file system path or network share.", name="Storage path",
                              placeholder="managed by ProGet")}},
    {"id": "s3", "name": "Amazon S3",
     "description": "Stores packages and assets in an Amazon S3 bucket.",
     "properties": {
         "AccessKey": _prop(name="Access key"),
         "SecretAccessKey": _prop(name="Secret access key"),
         "RegionEndpoint": _prop(name="Region endpoint", required=True),
         "BucketName": _prop(name="Bucket name"),
         "TargetPath": _prop(name="Target path", placeholder="none (use bucket root)"),
         "MakePublic": _prop(name="Make public", type_=BOOL),
         "Encrypted": _prop(name="Encrypted", type_=BOOL),
         "InstanceRole": _prop("This overrides the access key and secret key; only available on EC2 "
                               "instances or ECS Tasks.", name="Instance role"),
         "UseInstanceProfile": _prop("When using an IAM Role, this indicates if the role is an instance "
                                     "profile.", name="Use instance profile", type_=BOOL),
         "CustomServiceUrl": _prop("Specifying a custom service URL will override the region endpoint.",
                                   name="Custom service URL")}},
    {"id": "azure", "name": "Azure Blob Storage",
     "description": "A file system backed by Microsoft Azure Blob Storage.",
     "properties": {
         "ConnectionString": _prop("A Microsoft Azure connection string, like <code>DefaultEndpointsProtocol="
                                   "https;AccountName=account-name;AccountKey=account-key</code>",
                                   name="Connection string", required=True),
         "ContainerName": _prop("The name of the Azure Blob Container that will receive the uploaded files.",
                                name="Container name", required=True),
         "TargetPath": _prop("The path in the specified Azure Blob Container that will received the uploaded "
                             "files; the default is the root.", name="Target path")}},
]
BY_ID = dict((t["id"], t) for t in TYPES)
# Not documented as secret anywhere; these two hold credentials (the AWS secret key; the Azure
# connection string carries the AccountKey, docs storage-list.md). AccessKey is the key's id.
SECRETS = {"SecretAccessKey", "ConnectionString"}
# docs feeds/#.md "Persisted XML Configuration": element names and Assembly attributes
XML_TYPES = {"s3": ("Inedo.ProGet.Extensions.AWS.PackageStores.S3FileSystem", "AWS"),
             "azure": ("Inedo.ProGet.Extensions.Azure.PackageStores.AzureFileSystem", "Azure")}
XML_IDS = dict((tag.lower(), tid) for tid, (tag, _) in XML_TYPES.items())
FREE_TEXT = "ProGet Free Edition does not support cloud storage."


# -- the configuration of a feed --------------------------------------------------------------
def to_xml(type_id, props):
    tag, assembly = XML_TYPES[type_id]
    root = ET.Element(tag, {"Assembly": assembly})
    attrs = {}
    for k, v in props.items():
        if v is None:
            continue
        attrs[k] = ("True" if v else "False") if isinstance(v, bool) else v
    ET.SubElement(root, "Properties", attrs)
    return ET.tostring(root, encoding="unicode")


def from_xml(xml):
    """-> (type id, {property: value}) of a persisted-XML package store. A store of another kind
    (a custom extension) keeps its element name as the id and its attributes as text."""
    try:
        root = ET.fromstring(xml)
    except ET.ParseError:
        return "unknown", {}
    el = root.find("Properties")
    attrs = dict(el.attrib) if el is not None else {}
    tid = XML_IDS.get(root.tag.lower())
    if tid is None:
        return root.tag, attrs
    known = dict((k.lower(), k) for k in BY_ID[tid]["properties"])
    props = {}
    for k, v in attrs.items():
        name = known.get(k.lower())
        if name is None:
            continue          # e.g. ReducedRedundancy in the docs' AWS example: not in the types list
        if BY_ID[tid]["properties"][name]["type"] == BOOL:
            v = v.strip().lower() == "true"
        props[name] = v
    return tid, props


def config_of(feed):
    """The FeedStorageConfiguration of a feed record (all of its type's properties)."""
    if not feed.get("packageStore"):
        return "disk", {"StoragePath": feed.get("packagesPath")}
    tid, props = from_xml(feed["packageStore"])
    t = BY_ID.get(tid)
    if t is None:
        return tid, props
    out = {}
    for name, info in t["properties"].items():
        out[name] = props.get(name, False if info["type"] == BOOL else None)
    return tid, out


def config_out(req, tid, props):
    if req.sim.config["storage_secrets"] == "hidden":
        props = dict((k, v) for k, v in props.items() if k not in SECRETS)
    return {"id": tid, "properties": props}


def parse_config(body):
    """A FeedStorageConfiguration body -> (type id, {property: value}); 400 on anything the types
    list does not allow."""
    tid = body.get("id")
    if not isinstance(tid, str) or not tid.strip():
        raise bad_request("id is required (the storage type: %s)." % ", ".join(BY_ID))
    t = BY_ID.get(tid.strip().lower())
    if t is None:
        raise bad_request("%s is not a valid storage type. Valid values are: %s" % (tid, ", ".join(BY_ID)))
    given = body.get("properties")
    if not isinstance(given, dict):
        raise bad_request("properties is required (an object).")
    known = dict((k.lower(), k) for k in t["properties"])
    props = dict((name, None) for name in t["properties"])
    for k, v in given.items():
        name = known.get(k.lower())
        if name is None:
            raise bad_request("Unknown property '%s' for storage type '%s'." % (k, t["id"]))
        info = t["properties"][name]
        if v is not None:
            if info["type"] == BOOL and not isinstance(v, bool):
                raise bad_request("Invalid value for %s: expected true or false." % name)
            if info["type"] != BOOL and not isinstance(v, str):
                raise bad_request("Invalid value for %s: expected a string." % name)
        props[name] = v if v != "" else None
    for name, info in t["properties"].items():
        if info["required"] and props[name] is None:
            raise bad_request("Missing required property '%s' for storage type '%s'." % (name, t["id"]))
        if info["type"] == BOOL and props[name] is None:
            props[name] = False
    return t["id"], props


# -- routes ---------------------------------------------------------------------------------------
def require(req, permission, feed=None):
    if not req.principal.can(permission, feed):
        raise HttpError(int(req.sim.config["storage_denied_status"]), FORBIDDEN_TEXT)


def storage(req):
    feed_name = req.arg("feed")
    if req.method in ("GET", "HEAD"):
        if not feed_name:
            require(req, "feeds.view")
            return json_response(TYPES)
        require(req, "feeds.view", feed_name)
        feed = req.store.find("feed", feed_name)
        if feed is None:
            raise not_found("Feed %s not found." % feed_name)
        return json_response(config_out(req, *config_of(feed)))
    if not feed_name:
        raise bad_request("The feed parameter is required.")
    require(req, "feeds.manage", feed_name)
    feed = req.store.find("feed", feed_name)
    if feed is None:
        raise not_found("Feed %s not found." % feed_name)
    tid, props = parse_config(req.json_object())
    if tid != "disk" and req.sim.config["edition"] == "free":
        raise HttpError(403, FREE_TEXT)
    if tid == "disk":
        feed["packagesPath"] = props["StoragePath"]
        feed["packageStore"] = None
    else:
        feed["packageStore"] = to_xml(tid, props)
    req.store.update("feed", feed)
    return json_response(config_out(req, *config_of(feed)))


# Documented verbs: GET (storage-list.md, storage-get.md) and POST (storage-update.md; pgutil
# PostAsync); others 405.
ROUTES = [(("GET", "POST"), r"/api/storage/?", storage)]
