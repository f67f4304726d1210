"""Connectors: create, user name null / "", password read-back, delete.

Sources: docs Content/proget/api/connectors/create.md (POST/PUT, 200 + Connector), update.md
(partial; omitted properties keep), delete.md (DELETE); the 2024-07 docs connectors page
(inedo-docs 689d8342, proget-api-connectors/#.md: "omitting a property or supplying null as the
value will keep the current setting"); pgutil Inedo.ProGet/ProGetConnector.cs (Username, Password;
no word on read-back), Inedo.ProGet/ProGetClient.cs (delete with POST).
"""
import secrets

from realapi import ok

CONNECTORS = "api/management/connectors/"
URL = "https://api.nuget.org/v3/index.json"


def create(api, cleanup, name, **fields):
    n = name("c")
    cleanup(api.delete_connector, n)
    body = dict(name=n, feedType="nuget", url=URL, timeout=10, **fields)
    r = api.post(CONNECTORS + "create", json=body)
    assert ok(r), "connector create: %s %s" % (r.status_code, r.text[:300])
    return n, r


def test_connector_create_delete(api, cleanup, name, record):
    """POST connectors/create -> 2xx (docs: 200 + Connector); GET; DELETE connectors/delete/{name}
    -> 2xx (docs); GET -> 404."""
    n, r = create(api, cleanup, name)
    try:
        body = r.json()
    except ValueError:
        body = None
    record("connectors.create reply", {"status": r.status_code,
                                       "body": "Connector" if isinstance(body, dict) else "other/empty"},
           "docs connectors/create.md: 200 + Connector; pgutil ignores the body")
    got = api.connector(n)
    assert got and got["url"] == URL and got["feedType"].lower() == "nuget"
    r = api.delete(CONNECTORS + "delete/" + n)
    record("connectors.delete with DELETE", r.status_code, "docs connectors/delete.md: DELETE, 200")
    assert ok(r), r.status_code
    assert api.get(CONNECTORS + "get/" + n).status_code == 404


def test_connector_delete_with_post(api, cleanup, name, record):
    """pgutil deletes with POST (ProGetClient.cs); the docs say DELETE. Recorded only."""
    n, _ = create(api, cleanup, name)
    r = api.post(CONNECTORS + "delete/" + n)
    record("connectors.delete with POST (pgutil)", {"status": r.status_code,
                                                     "deleted": api.connector(n) is None},
           "pgutil ProGetClient.cs: POST; docs: DELETE")


def test_connector_username_null_and_empty(api, cleanup, name, record, secret):
    """"username": null keeps the user name (2024-07 docs); "username": "" is recorded (cleared or
    kept); the password is never returned (recorded)."""
    password = secret("cacct-pw-" + secrets.token_hex(8))
    n, _ = create(api, cleanup, name, username="cacct-user", password=password)
    got = api.connector(n)
    assert got.get("username") == "cacct-user"
    pw = got.get("password", "<absent>")
    record("connectors.password in GET",
           "absent" if pw == "<absent>" else "null" if pw is None else
           "returned as sent" if pw == password else "masked/other",
           "ProGetConnector.cs: Password; read-back undocumented")
    r = api.post(CONNECTORS + "update/" + n, json={"username": None})
    assert ok(r), "%s %s" % (r.status_code, r.text[:300])
    after_null = api.connector(n).get("username")
    record("connectors.username null", "kept" if after_null == "cacct-user" else "cleared",
           "docs 2024-07 connectors page: null keeps")
    assert after_null == "cacct-user", "null must keep the user name (docs)"
    r = api.post(CONNECTORS + "update/" + n, json={"username": ""})
    after_empty = api.connector(n).get("username") if ok(r) else "<update failed>"
    record("connectors.username empty string",
           "kept" if after_empty == "cacct-user" else "cleared" if not after_empty else after_empty,
           "undocumented; the collection sends \"\" to clear",
           {"status": r.status_code, "value now": after_empty})
    assert ok(r), r.status_code
