"""``{prefix}/__sim/...`` control endpoints (not ProGet's): no auth, never logged or faulted."""
from . import auth, security
from .core import HttpError, bad_request, json_response, text
from .server import validate_config


def handle(req):
    sim = req.sim
    path = req.path.rstrip("/").lower()
    m = req.method
    if path == "/__sim/log" and m in ("GET", "HEAD"):
        return json_response(sim.read_log())
    if path == "/__sim/log/clear" and m == "POST":
        sim.clear_log()
        return text("OK")
    if path == "/__sim/reset" and m == "POST":
        sim.reset()
        return text("OK")
    if path == "/__sim/config":
        if m == "POST":
            changes = req.json(required=False) or {}
            if not isinstance(changes, dict):
                raise bad_request("config must be a JSON object")
            with sim.store.lock:
                changes = validate_config(changes)
                sim.config.update(changes)
                if "anonymous" in changes:
                    security.sync_anonymous(sim.store, changes["anonymous"])
        elif m not in ("GET", "HEAD"):
            raise HttpError(405, "method not allowed")
        return json_response(sim.config)
    if path == "/__sim/users" and m == "POST":
        body = req.json_object()
        name = body.get("name")
        if not isinstance(name, str) or not name:
            raise bad_request("name is required")
        password = body.get("password") or ""
        attributes = body.get("attributes") or []
        if not isinstance(attributes, list):
            raise bad_request("attributes must be an array")
        store = sim.store
        with store.lock:
            rec = store.find("user", name)
            data = {"name": name, "password_hash": auth.password_hash(name, password),
                    "attributes": [str(a) for a in attributes]}
            if rec is None:
                store.insert("user", dict(data, displayName=None, email=None), name=name)
            else:
                rec.update(data)     # keeps displayName and email (Security API fields)
                store.update("user", rec, name=name)
        return json_response({"name": name, "attributes": data["attributes"]}, 201)
    if path == "/__sim/users" and m in ("GET", "HEAD"):
        return json_response([{"name": u["name"], "attributes": u.get("attributes", [])}
                              for u in sim.store.all("user")])
    if path == "/__sim/state" and m in ("GET", "HEAD"):
        return json_response(sim.store.dump())
    raise HttpError(404, "unknown control endpoint %s %s" % (m, req.path))
