"""Licenses API ``/api/licenses/...`` (proget-api.md §6) + Licenses_* native methods."""
import hashlib
import re

from .core import bad_request, empty, expect_str, expect_str_list, json_response, not_found, text

OUTPUT_ORDER = ["id", "code", "title", "spdx", "urls", "packageNames", "purls", "hashes"]
ARRAYS = ["spdx", "urls", "packageNames", "purls"]


def license_out(rec):
    out = {}
    for k in OUTPUT_ORDER:
        out[k] = rec["_id"] if k == "id" else rec.get(k)
    return out


def apply_fields(rec, body):
    """Partial update (docs licenses/update.md: "any properties omitted will keep their existing
    values. Updating a property with an array value will overwrite the existing value").
    ``urls`` are stored as given: pgutil strips the scheme client-side (Licenses/Detection/
    AddCommand.cs readUrl), which implies the server does not."""
    if body.get("title") is not None:
        rec["title"] = expect_str(body, "title")
    for k in ARRAYS:
        if body.get(k) is not None:
            rec[k] = expect_str_list(body, k)
    return rec


def apply_hashes(req, rec, body):
    """``hashes`` names the attached license files (LicenseInfo.cs). Given: only the listed ones
    stay attached (an array overwrites, update.md; files are only attached by files/add, so unknown
    hashes are ignored). Omitted: config ``license_update_hashes`` "keep" keeps every file (update.md
    partial update); "replace" detaches them all, the reading suggested by pgutil always sending
    hashes back (Licenses/Detection/AddCommand.cs)."""
    if body.get("hashes") is not None:
        wanted = [h.lower() for h in expect_str_list(body, "hashes")]
    elif req.sim.config["license_update_hashes"] == "replace":
        wanted = []
    else:
        return
    kept = [h for h in rec.get("hashes") or [] if h.lower() in wanted]
    for h in rec.get("hashes") or []:
        if h not in kept:
            drop_file(req.store, rec, h)
    rec["hashes"] = kept


def list_route(req):
    req.require("licenses")
    return json_response([license_out(r) for r in req.store.all("license")])


def add_route(req):
    req.require("licenses")
    body = req.json_object()
    code = body.get("code")
    if not isinstance(code, str) or not code.strip():
        raise bad_request("code is required.")
    if not isinstance(body.get("title"), str) or not body["title"].strip():
        raise bad_request("title is required.")
    if req.store.find("license", code) is not None:
        raise bad_request("A license with code '%s' already exists." % code)
    rec = {"code": code, "title": None, "spdx": [], "urls": [], "packageNames": [], "purls": [],
           "hashes": []}
    apply_fields(rec, body)
    rec = req.store.insert("license", rec, name=code)
    return json_response(license_out(rec))


def _parse_id(raw, what="id"):
    if isinstance(raw, bool):
        raise bad_request("Invalid %s." % what)
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and re.match(r"^\s*\d+\s*$", raw):
        return int(raw)
    raise bad_request("The %s parameter must be an integer." % what)


def update_route(req):
    req.require("licenses")
    body = req.json_object()
    store = req.store
    if body.get("id") is not None:
        rec = store.get("license", _parse_id(body["id"]))
        if rec is None:
            raise not_found("License %s not found." % body["id"])
    elif isinstance(body.get("code"), str) and body["code"]:
        rec = store.find("license", body["code"])
        if rec is None:
            raise not_found("License %s not found." % body["code"])
    else:
        raise bad_request("id is required.")
    new_code = None
    code = body.get("code")
    if isinstance(code, str) and code and code != rec["code"]:
        other = store.find("license", code)
        if other is not None and other["_id"] != rec["_id"]:
            raise bad_request("A license with code '%s' already exists." % code)
        rec["code"] = new_code = code
    apply_fields(rec, body)
    apply_hashes(req, rec, body)
    store.update("license", rec, name=new_code)
    return json_response(license_out(rec))


def find_by_query(req):
    """The license named by ``?code=`` (docs licenses/delete.md) or ``?id=`` (pgutil
    ProGetClient.cs DeleteLicenseAsync), as config ``license_delete_by`` allows."""
    store = req.store
    by = req.sim.config["license_delete_by"]
    raw_id = req.arg("id") if by in ("id", "either") else None
    code = req.arg("code") if by in ("code", "either") else None
    if raw_id not in (None, ""):
        rec = store.get("license", _parse_id(raw_id))
        if rec is None:
            raise not_found("License %s not found." % raw_id)
        return rec
    if code not in (None, ""):
        rec = store.find("license", code)
        if rec is None:
            raise not_found("License %s not found." % code)
        return rec
    raise bad_request({"code": "The code parameter is required.",
                       "id": "The id parameter is required."}.get(by, "The code or id parameter is required."))


def drop_file(store, rec, h):
    """Delete the stored file ``h`` unless another license also has it."""
    if not any(h in (o.get("hashes") or []) for o in store.all("license") if o["_id"] != rec["_id"]):
        store.delete_blob("license-file/" + h)


def delete_license(store, rec):
    for h in rec.get("hashes") or []:
        drop_file(store, rec, h)
    store.delete("license", rec["_id"])


def delete_route(req):
    req.require("licenses")
    delete_license(req.store, find_by_query(req))
    return empty()


def file_add_route(req):
    req.require("licenses")
    code = req.arg("code")
    if not code:
        raise bad_request("The code parameter is required.")
    rec = req.store.find("license", code)
    if rec is None:
        raise not_found("License %s not found." % code)
    if not req.body:
        raise bad_request("The license file content is required.")
    h = hashlib.sha256(req.body).hexdigest()
    req.store.put_blob("license-file/" + h, req.body)
    if h not in (rec.get("hashes") or []):
        rec["hashes"] = list(rec.get("hashes") or []) + [h]
        req.store.update("license", rec)
    return empty()


def file_delete_route(req):
    req.require("licenses")
    h = (req.arg("hash") or "").lower()
    if not h:
        raise bad_request("The hash parameter is required.")
    found = False
    for rec in req.store.all("license"):
        if h in [x.lower() for x in rec.get("hashes") or []]:
            rec["hashes"] = [x for x in rec["hashes"] if x.lower() != h]
            req.store.update("license", rec)
            found = True
    if req.store.delete_blob("license-file/" + h):
        found = True
    if not found:
        raise not_found("License file %s not found." % h)
    return empty()


def file_download_route(req):
    req.require("licenses")
    h = (req.arg("hash") or "").lower()
    code = req.arg("code")
    if not h and not code:
        raise bad_request("The code or hash parameter is required.")
    if not h:
        rec = req.store.find("license", code)
        if rec is None:
            raise not_found("License %s not found." % code)
        if not rec.get("hashes"):
            raise not_found("License %s has no license file." % code)
        h = rec["hashes"][0].lower()
    data = req.store.get_blob("license-file/" + h)
    if data is None:
        raise not_found("License file %s not found." % h)
    return text(data.decode("utf-8", "replace"))


# -- native -----------------------------------------------------------------------------------
def n_get_licenses(req, args):
    lics = req.store.all("license")
    return {
        "Licenses": [{"License_Id": r["_id"], "External_Id": r["code"], "Title_Text": r.get("title"),
                      "Spdx_Csv": ",".join(r.get("spdx") or []) or None} for r in lics],
        "LicenseUrls": [{"License_Id": r["_id"], "License_Url": u}
                        for r in lics for u in r.get("urls") or []],
    }


def n_delete_license(req, args):
    rec = req.store.get("license", args.require_int("License_Id"))
    if rec is not None:
        delete_license(req.store, rec)
    return None


NATIVE_METHODS = {
    "Licenses_GetLicenses": n_get_licenses,
    "Licenses_DeleteLicense": n_delete_license,
}

# Only documented verbs (any other verb answers 405): docs licenses/list.md GET; create.md
# "POST/PUT /api/licenses/add"; update.md POST; delete.md says "DELETE" in its text but shows
# "POST /api/licenses/delete?code=", so both; files add/delete POST and download GET (pgutil
# ProGetClient.cs AddLicenseFileAsync, DeleteLicenseFileAsync, GetLicenseFileAsync).
ROUTES = [
    (("GET",), r"/api/licenses/list/?", list_route),
    (("POST", "PUT"), r"/api/licenses/add/?", add_route),
    (("POST",), r"/api/licenses/update/?", update_route),
    (("POST", "DELETE"), r"/api/licenses/delete/?", delete_route),
    (("POST",), r"/api/licenses/files/add/?", file_add_route),
    (("POST",), r"/api/licenses/files/delete/?", file_delete_route),
    (("GET",), r"/api/licenses/files/download/?", file_download_route),
]
