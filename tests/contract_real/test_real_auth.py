"""Keys that are unknown or missing.

Sources: docs Content/proget/api/connectors/*.md and apikeys/*.md ("A 403 response indicates a
missing, unknown, or unauthorized API Key"); docs assets/#.md and assets/folders/list.md (401 on
/endpoints); docs feeds/list.md (the feed list is filtered, so it is not used here).
"""
import secrets

import pytest

ROUTE = "api/management/connectors/list"
SENTENCE = "The specified API key does not have the proper permissions"


def anonymous_can_read(api):
    return api.get(ROUTE, key=None).status_code == 200


def test_unknown_key_403(api, record):
    """An unknown key on a management route: 403 (docs). With anonymous access on, ProGet may
    treat it as anonymous instead; both are accepted then, and recorded."""
    r = api.get(ROUTE, key="cacct-unknown-" + secrets.token_hex(16))
    anon = anonymous_can_read(api)
    record("auth.unknown key", r.status_code, "docs connectors/*.md: 403",
           {"anonymous can read": anon, "standard sentence": SENTENCE in r.text})
    if anon:
        assert r.status_code in (200, 403)
    else:
        assert r.status_code == 403, r.status_code


def test_no_key_403(api, record):
    """No key on a management route: 403 when anonymous access is off (docs)."""
    if anonymous_can_read(api):
        record("auth.anonymous access", "Anonymous can list connectors", "server configuration")
        pytest.skip("Anonymous can read this server's connectors; the no-key check needs it locked down")
    r = api.get(ROUTE, key=None)
    record("auth.no key", r.status_code, "docs connectors/*.md: 403",
           {"standard sentence": SENTENCE in r.text})
    assert r.status_code == 403


def test_no_key_endpoints_401(api, make_feed, record):
    """No key on /endpoints/{asset directory}: 401 (docs assets/folders/list.md)."""
    feed, _ = make_feed("asset")
    r = api.get("endpoints/%s/dir/" % feed, key=None)
    if r.status_code == 200:
        pytest.skip("Anonymous can read asset directories on this server")
    record("auth.no key on /endpoints", r.status_code, "docs assets/folders/list.md: 401",
           {"WWW-Authenticate": r.headers.get("WWW-Authenticate")})
    assert r.status_code == 401, "docs: 401 on /endpoints"
