"""Feeds: create, get, partial update, variables, retention rules, delete.

Sources: docs Content/proget/api/feeds/create.md (POST/PUT, 200 + ProGetFeed), get.md, update.md
(partial update; arrays overwrite), delete.md (DELETE); pgutil Inedo.ProGet/ProGetFeed.cs
("Supplying null removes the description"; VariableDictionary), Inedo.ProGet/RetentionRule.cs
(SizeTriggerKb is long?), Inedo.ProGet/ProGetClient.cs (create/update/delete calls).
"""
from realapi import ok

FEEDS = "api/management/feeds/"
BIG_KB = 2 ** 31 + 12345          # above a 32-bit int: RetentionRule.cs declares long?
MAX_KB = 2 ** 63 - 1


def rule(**fields):
    out = {"deletePrereleaseVersions": False, "deleteCached": False, "sizeExclusive": False,
           "keepIfActivelyConsumed": False}
    out.update(fields)
    return out


def test_feed_create_get_delete(api, make_feed, record):
    """POST feeds/create -> 2xx + ProGetFeed (docs: 200); GET; DELETE feeds/delete/{name} -> 2xx;
    GET -> 404 (docs feeds/*.md, ProGetClient.cs)."""
    name, r = make_feed("universal", description="cac.proget contract check")
    record("feeds.create status", r.status_code, "docs feeds/create.md: 200")
    body = r.json()
    assert isinstance(body, dict) and body.get("name", "").lower() == name.lower()
    feed = api.feed(name)
    assert feed is not None and feed["feedType"].lower() == "universal"
    record("feeds.variables name in GET", [k for k in ("variables", "variableDictionary") if k in feed],
           "docs feed examples: variables; ProGetFeed.cs: variableDictionary")
    r = api.delete(FEEDS + "delete/" + name)
    record("feeds.delete status", r.status_code, "docs feeds/delete.md: 200")
    assert ok(r), r.status_code
    assert api.get(FEEDS + "get/" + name).status_code == 404


def test_feed_partial_update(api, make_feed, name):
    """Omitted fields keep, arrays replace (docs feeds/update.md); description null clears
    (ProGetFeed.cs)."""
    alt1, alt2, alt3 = name("a"), name("a"), name("a")
    feed, _ = make_feed("universal", description="first", alternateNames=[alt1, alt2])

    def update(body):
        r = api.post(FEEDS + "update/" + feed, json=body)
        assert ok(r), "%s %s" % (r.status_code, r.text[:300])
        return api.feed(feed)

    got = update({"active": False})
    assert got["active"] is False
    assert got.get("description") == "first"
    assert sorted(got.get("alternateNames") or []) == sorted([alt1, alt2])
    got = update({"alternateNames": [alt3]})
    assert got.get("alternateNames") == [alt3]
    assert got.get("description") == "first"
    got = update({"description": None})
    assert not got.get("description"), got.get("description")


def test_feed_variables(api, make_feed, record):
    """Feed variables: written and read as `variables` (docs examples) or `variableDictionary`
    (ProGetFeed.cs); records which names the server takes; both names in one update (what the
    collection sends) are accepted."""
    feed, _ = make_feed("universal")
    works = {}
    for i, write_name in enumerate(("variables", "variableDictionary")):
        value = {"CacctVar": "v%d" % i}
        r = api.post(FEEDS + "update/" + feed, json={write_name: value})
        got = api.feed(feed) if ok(r) else {}
        read = [k for k in ("variables", "variableDictionary") if (got.get(k) or {}) == value]
        works[write_name] = {"status": r.status_code, "read back as": read}
        if read:
            assert ok(api.post(FEEDS + "update/" + feed, json={write_name: {}}))
            assert not (api.feed(feed).get(read[0]) or {}), "{} clears the variables"
    record("feeds.variables write/read", works, "docs examples: variables; ProGetFeed.cs: variableDictionary")
    assert any(w["read back as"] for w in works.values()), "neither name round-trips: %s" % works
    both = {"CacctVar": "both"}      # what the collection sends: the map under both names
    r = api.post(FEEDS + "update/" + feed, json={"variables": both, "variableDictionary": both})
    assert ok(r), "update with both names: %s %s" % (r.status_code, r.text[:300])
    got = api.feed(feed)
    assert both in (got.get("variables"), got.get("variableDictionary")), got


def test_feed_retention_size_trigger(api, make_feed, record):
    """A retention rule with sizeTriggerKb above 2^31-1 round-trips (RetentionRule.cs: long?);
    2^63-1 is recorded; [] removes every rule (ProGetFeed.cs)."""
    feed, _ = make_feed("universal")
    r = api.post(FEEDS + "update/" + feed, json={"retentionRules": [rule(sizeTriggerKb=BIG_KB,
                                                                        keepVersionsCount=5)]})
    assert ok(r), "%s %s" % (r.status_code, r.text[:300])
    rules = api.feed(feed)["retentionRules"]
    assert len(rules) == 1 and rules[0]["sizeTriggerKb"] == BIG_KB, rules
    assert rules[0]["keepVersionsCount"] == 5
    r = api.post(FEEDS + "update/" + feed, json={"retentionRules": [rule(sizeTriggerKb=MAX_KB)]})
    back = (api.feed(feed)["retentionRules"] or [{}])[0].get("sizeTriggerKb") if ok(r) else None
    record("feeds.retention sizeTriggerKb = 2^63-1", {"status": r.status_code, "round-trips": back == MAX_KB},
           "RetentionRule.cs: long?")
    assert ok(api.post(FEEDS + "update/" + feed, json={"retentionRules": []}))
    assert api.feed(feed)["retentionRules"] in ([], None)
