"""/health (proget-api.md §9.1): JSON up to 2025; plain text from 2026 (JSON at /health/json)."""
from .core import HttpError, json_response, text

LICENSE_ERROR = "Product license is not valid"


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
        "replicationStatus": {"serverStatus": None, "serverError": None,
                              "clientStatus": None, "clientError": None},
    }


def health(req):
    sim = req.sim
    status = 200 if sim.licensed else 500
    if sim.major >= 26 and (req.arg("format") or "").lower() != "json":
        return text("OK" if status == 200 else "ERROR: " + LICENSE_ERROR, status)
    return json_response(health_info(sim), status)


def health_json(req):
    if req.sim.major < 26:
        raise HttpError(404, "The requested URL was not found.")
    return json_response(health_info(req.sim), 200 if req.sim.licensed else 500)


ROUTES = [
    (("GET",), r"/health/?", health),
    (("GET",), r"/health/json/?", health_json),
]
