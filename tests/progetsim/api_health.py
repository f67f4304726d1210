"""/health (proget-api.md §9.1): JSON up to 2025; plain text from 2026 (JSON at /health/json)."""
from .core import HttpError, json_response, text

LICENSE_ERROR = "Product license is not valid"
REPLICATION_ERROR = "Simulated replication error (progetsim config replication=%s)."


def replication_status(sim):
    """ProGetHealthInfo.cs ReplicationStatusInfo: each status is "OK" or "Error" "if replication
    servers exist, else will be null"; each error is a message when the status is "Error", else
    null. So with no replication (config ``replication`` "none") the object is present with four
    nulls. A replication error does not change the HTTP status: docs health.md names only "a
    health problem (such as service not running)" for 500, and pgutil Health/HealthCommand.cs reads
    the replication fields from the body to decide "not OK"."""
    mode = sim.config["replication"]
    out = {"serverStatus": None, "serverError": None, "clientStatus": None, "clientError": None}
    if mode != "none":
        out["serverStatus"] = out["clientStatus"] = "OK"
        side = {"server_error": "server", "client_error": "client"}.get(mode)
        if side:
            out[side + "Status"] = "Error"
            out[side + "Error"] = REPLICATION_ERROR % mode
    return out


def health_info(sim):
    parts = sim.version.split(".")
    licensed = sim.licensed
    return {
        "applicationName": "ProGet",
        "releaseNumber": ".".join(parts[:3]),
        "versionNumber": sim.version,
        "databaseStatus": "OK",
        "databaseStatusDetails": None,
        "licenseStatus": "OK" if licensed else "Error",
        "licenseStatusDetail": None if licensed else LICENSE_ERROR,
        "serviceStatus": "OK",
        "serviceStatusDetail": None,
        "extensionsInstalled": {"InedoCore": "2.0.0"},
        "replicationStatus": replication_status(sim),
    }


def health(req):
    sim = req.sim
    status = 200 if sim.licensed else 500
    if sim.major >= 26 and (req.arg("format") or "").lower() != "json":
        # docs health.md: 200 with an "OK" body, or 500 with the problem as text. It says
        # nothing about replication, so a replication error leaves the plain form at 200 "OK".
        return text("OK" if status == 200 else "ERROR: " + LICENSE_ERROR, status)
    return json_response(health_info(sim), status)


def health_json(req):
    # docs health.md documents /health/json from 2026 ("ProGet 2025 and earlier always responded
    # with a JSON-based response" at /health); it is silent on /health/json before 2026.
    if req.sim.major < 26:
        raise HttpError(404, "The requested URL was not found.")
    return json_response(health_info(req.sim), 200 if req.sim.licensed else 500)


ROUTES = [
    (("GET",), r"/health/?", health),
    (("GET",), r"/health/json/?", health_json),
]
