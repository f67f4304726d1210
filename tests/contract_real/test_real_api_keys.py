"""API keys: create (with and without `logging`), reply form, list echo of systemApis, delete.

Sources: docs Content/proget/api/apikeys/create.md ("requires ProGet 2024.3"; "Text of the API key
will be returned on a successful 200"), list.md, delete.md (POST ?id=); pgutil
Inedo.ProGet/ApiKeyInfo.cs (Logging is required; systemApis ["full-control"] or a combination of
feeds, sca, sbom-upload), Inedo.ProGet/ProGetClient.cs (parses the create reply as ApiKeyInfo JSON;
Feed keys need 24.0.3, non-personal keys an edition above Free), pgutil/ApiKeys/Create/SystemCommand.cs
(full-control is sent as ["feeds","sca","sbom-upload"]); docs administration/license.md (editions).
"""
import json

import pytest

from realapi import ok

KEYS = "api/api-keys/"
EXPANDED = ["feeds", "sbom-upload", "sca"]


def parse_reply(r):
    """(form, id, key text) of a create reply: JSON ApiKeyInfo or the plain-text key."""
    try:
        body = json.loads(r.text)
    except ValueError:
        body = None
    if isinstance(body, dict):
        return "JSON ApiKeyInfo", body.get("id"), body.get("key")
    if isinstance(body, str):
        return "JSON string", None, body
    return "plain text", None, r.text.strip() or None


@pytest.fixture
def create_key(api, cleanup, name, secret):
    """create_key(**fields) -> (response, form, id, key text, display name); deleted at teardown."""
    if api.version and api.version < (24, 0, 3):
        pytest.skip("the API keys API needs ProGet 2024.3 (docs apikeys/create.md)")

    def create(**fields):
        display = name("k")
        body = dict(type="System", displayName=display, description="cac.proget contract check", **fields)
        r = api.post(KEYS + "create", json=body)
        form, key_id, text = parse_reply(r) if ok(r) else (None, None, None)
        secret(text)
        if ok(r):
            if key_id is None:
                listed = api.api_key(display)
                key_id = listed and listed.get("id")
            if key_id is not None:
                cleanup(api.delete_api_key, key_id)
        return r, form, key_id, text, display
    return create


@pytest.fixture
def system_keys(api, create_key, record):
    """Skips when this edition refuses System keys (pgutil: Basic edition or higher)."""
    r, form, key_id, text, display = create_key(systemApis=["feeds"], logging="None")
    if not ok(r) and api.edition == "free":
        record("api keys.System key on Free", r.status_code, "pgutil ProGetClient.cs: edition above Free")
        pytest.skip("this Free edition refuses System API keys (%s)" % r.status_code)
    return r, form, key_id, text, display


def test_create_with_logging_none(api, system_keys, record):
    """Create with logging "None" succeeds; reply = JSON ApiKeyInfo (pgutil) or plain-text key
    (docs), recorded; the key works; POST api-keys/delete?id= removes it."""
    r, form, key_id, text, display = system_keys
    assert ok(r), "create with logging None: %s" % r.status_code
    record("api keys.create status", r.status_code, "docs apikeys/create.md: 200")
    record("api keys.create reply form", form, "docs: text of the key; pgutil: ApiKeyInfo JSON")
    listed = api.api_key(display)
    assert listed is not None and listed.get("id") == key_id
    record("api keys.list echo", {"type": listed.get("type"), "logging": listed.get("logging"),
                                  "key": "shown" if listed.get("key") else "null (hashed storage)"},
           "ApiKeyInfo.cs: enum names; key null with hashing")
    if text:
        used = api.get("api/management/feeds/list", key=text)
        record("api keys.new key usable", used.status_code, "docs apikeys: systemApis feeds")
        assert used.status_code == 200
    r = api.delete_api_key(key_id)
    record("api keys.delete status", r.status_code, "docs apikeys/delete.md: POST ?id=, 200")
    assert ok(r), r.status_code
    assert api.api_key(display) is None


def test_create_without_logging(system_keys, create_key, record):
    """Create without `logging` (ApiKeyInfo.cs: required): refused (400) or accepted; recorded."""
    r = create_key(systemApis=["feeds"])[0]
    record("api keys.create without logging", "refused (400)" if r.status_code == 400 else
           "accepted" if ok(r) else r.status_code, "ApiKeyInfo.cs: Logging is required",
           {"status": r.status_code, "text": r.text[:200] if not ok(r) else None})
    assert r.status_code == 400 or ok(r), r.status_code


def test_full_control_echo(api, system_keys, create_key, record):
    """systemApis ["full-control"]: the list shows it as sent or expanded to feeds, sca,
    sbom-upload (pgutil SystemCommand.cs); recorded, with what each form may call."""
    r, form, key_id, text, display = create_key(systemApis=["full-control"], logging="None")
    assert ok(r), r.status_code
    echo = sorted(api.api_key(display).get("systemApis") or [])
    reading = "as sent" if echo == ["full-control"] else "expanded" if echo == EXPANDED else "other"
    record("api keys.systemApis full-control in list", reading, "ApiKeyInfo.cs vs pgutil SystemCommand.cs",
           {"listed": echo})
    assert reading != "other", echo
    text2 = create_key(systemApis=EXPANDED, logging="None")[3]
    access = {}
    for label, key in (("full-control", text), ("feeds,sca,sbom-upload", text2)):
        if key:
            access[label] = api.get("api/licenses/list", key=key).status_code
    record("api keys.licenses/list with each form", access,
           "docs licenses/#.md: System keys need Full Control")
