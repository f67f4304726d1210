"""Licenses API (proget-api.md §6)."""
import hashlib

import pytest

L = "api/licenses/"


def lic(client, code):
    return [x for x in client.get(L + "list").json() if x["code"].lower() == code.lower()][0]


def codes(client):
    return sorted(x["code"] for x in client.get(L + "list").json())


def test_add_list_update_delete(client):
    r = client.post(L + "add", json={"code": "MIT", "title": "MIT License",
                                     "urls": ["https://opensource.org/licenses/MIT", "x.org/m"],
                                     "spdx": ["MIT"]})
    assert r.status_code == 200
    listed = client.get(L + "list").json()
    assert len(listed) == 1
    m = listed[0]
    assert isinstance(m["id"], int) and m["code"] == "MIT" and m["title"] == "MIT License"
    # stored as given: pgutil strips the scheme client-side (Detection/AddCommand.cs readUrl)
    assert m["urls"] == ["https://opensource.org/licenses/MIT", "x.org/m"]
    assert m["hashes"] == [] and m["packageNames"] == [] and m["purls"] == []
    r = client.request("PUT", L + "add", json={"code": "Apache-2.0", "title": "Apache"})
    assert r.status_code == 200
    # partial update by id: arrays replace, omitted keep
    r = client.post(L + "update", json={"id": m["id"], "code": "MIT", "packageNames": ["foo"]})
    assert r.status_code == 200
    m2 = lic(client, "mit")
    assert m2["packageNames"] == ["foo"] and m2["spdx"] == ["MIT"] and m2["title"] == "MIT License"
    client.post(L + "update", json={"id": m["id"], "spdx": []})
    assert lic(client, "MIT")["spdx"] == []
    assert client.post(L + "delete?code=mit").status_code == 200            # docs: POST ?code=
    assert client.request("DELETE", L + "delete?code=apache-2.0").status_code == 200  # docs text
    assert client.get(L + "list").json() == []


def test_delete_by_code_id_or_either(client, sim):
    for c in ("A", "B", "C"):
        client.post(L + "add", json={"code": c, "title": c})
    ids = dict((x["code"], x["id"]) for x in client.get(L + "list").json())
    # default: docs licenses/delete.md "POST /api/licenses/delete?code="
    r = client.post(L + "delete?id=%d" % ids["A"])
    assert r.status_code == 400 and "code" in r.text
    assert codes(client) == ["A", "B", "C"]
    sim.config(license_delete_by="id")  # pgutil ProGetClient.cs DeleteLicenseAsync
    r = client.post(L + "delete?code=A")
    assert r.status_code == 400 and "id" in r.text
    assert client.post(L + "delete?id=%d" % ids["A"]).status_code == 200
    assert client.post(L + "delete?id=%d" % ids["A"]).status_code == 404
    assert client.post(L + "delete?id=abc").status_code == 400
    assert codes(client) == ["B", "C"]
    sim.config(license_delete_by="either")
    assert client.post(L + "delete?code=b").status_code == 200
    assert client.post(L + "delete?id=%d" % ids["C"]).status_code == 200
    assert client.post(L + "delete").status_code == 400
    assert codes(client) == []


def test_errors(client):
    assert client.post(L + "add", json={"title": "x"}).status_code == 400
    assert client.post(L + "add", json={"code": "X"}).status_code == 400
    assert client.post(L + "add", json={"code": "X", "title": "x"}).status_code == 200
    assert client.post(L + "add", json={"code": "x", "title": "again"}).status_code == 400
    assert client.post(L + "add", data=b"{", headers={"Content-Type": "application/json"}).status_code == 400
    assert client.post(L + "update", json={"id": 99999, "code": "Q"}).status_code == 404
    assert client.post(L + "delete?code=nope").status_code == 404
    assert client.post(L + "delete").status_code == 400
    assert client.get(L + "get/X").status_code == 404  # no get-one endpoint
    assert [(x["code"], x["title"]) for x in client.get(L + "list").json()] == [("X", "x")]


def test_undocumented_verbs_are_405(client):
    client.post(L + "add", json={"code": "V", "title": "V"})
    h = hashlib.sha256(b"text").hexdigest()
    client.post(L + "files/add?code=V", data=b"text")
    for method, path in [("PUT", "update"), ("PATCH", "update"), ("GET", "delete?code=V"),
                         ("PUT", "files/add?code=V"), ("DELETE", "files/delete?hash=" + h),
                         ("POST", "list"), ("POST", "files/download?hash=" + h)]:
        r = client.request(method, L + path, data=b"other")
        assert r.status_code == 405, (method, path)
    assert lic(client, "V")["hashes"] == [h]


def test_license_files(client):
    client.post(L + "add", json={"code": "BSD", "title": "BSD"})
    content = b"Redistribution and use in source and binary forms...\n"
    h = hashlib.sha256(content).hexdigest()
    r = client.post(L + "files/add?code=bsd", data=content)
    assert r.status_code == 200
    assert lic(client, "BSD")["hashes"] == [h]
    r = client.get(L + "files/download?code=BSD")
    assert r.status_code == 200 and r.text == content.decode()
    assert client.get(L + "files/download?hash=" + h).text == content.decode()
    assert client.get(L + "files/download?hash=" + "0" * 64).status_code == 404
    assert client.get(L + "files/download").status_code == 400
    assert client.post(L + "files/add?code=nope", data=b"x").status_code == 404
    assert client.post(L + "files/add", data=b"x").status_code == 400
    assert client.post(L + "files/delete?hash=" + h).status_code == 200
    assert lic(client, "BSD")["hashes"] == []
    assert client.post(L + "files/delete?hash=" + h).status_code == 404
    assert client.post(L + "files/delete").status_code == 400
    assert client.get(L + "files/download?code=BSD").status_code == 404


def test_permissions(client, sim):
    assert client.get(L + "list", key=None).status_code == 403
    feeds_key = client.create_key(type="System", systemApis=["feeds"])["key"]
    assert client.get(L + "list", key=feeds_key).status_code == 403
    full = client.create_key(type="System", systemApis=["full-control"])["key"]
    assert client.get(L + "list", key=full).status_code == 200
    sim.add_user("lic", "pw", ["Licenses_Manage"])
    assert client.post(L + "add", key="lic:pw", json={"code": "A", "title": "A"}).status_code == 200
    assert client.post(L + "add", key=feeds_key, json={"code": "B", "title": "B"}).status_code == 403
    assert codes(client) == ["A"]


def with_file(client, code="MIT"):
    client.post(L + "add", json={"code": code, "title": code})
    client.post(L + "files/add?code=" + code, data=b"text of " + code.encode())
    m = lic(client, code)
    assert len(m["hashes"]) == 1
    return m


def test_update_hashes_given_keep_only_those(client):
    m = with_file(client)
    h = m["hashes"][0]
    r = client.post(L + "update", json={"id": m["id"], "code": "MIT", "hashes": [h.upper(), "f" * 64]})
    assert r.status_code == 200 and lic(client, "MIT")["hashes"] == [h]
    r = client.post(L + "update", json={"id": m["id"], "code": "MIT", "hashes": []})
    assert r.status_code == 200 and lic(client, "MIT")["hashes"] == []
    assert client.get(L + "files/download?hash=" + h).status_code == 404


@pytest.mark.parametrize("mode,kept", [("keep", True), ("replace", False)])
def test_update_without_hashes(client, sim, mode, kept):
    # keep: docs licenses/update.md partial update; replace: pgutil always sends hashes back
    sim.config(license_update_hashes=mode)
    m = with_file(client)
    other = with_file(client, "BSD")
    r = client.post(L + "update", json={"id": m["id"], "code": "MIT", "title": "MIT License"})
    assert r.status_code == 200
    after = lic(client, "MIT")
    assert after["title"] == "MIT License" and after["hashes"] == (m["hashes"] if kept else [])
    assert (client.get(L + "files/download?hash=" + m["hashes"][0]).status_code == 200) is kept
    assert lic(client, "BSD")["hashes"] == other["hashes"]
    # with hashes: exactly those stay, in either mode
    r = client.post(L + "update", json={"id": other["id"], "code": "BSD", "hashes": other["hashes"]})
    assert r.status_code == 200 and lic(client, "BSD")["hashes"] == other["hashes"]


def test_update_needs_a_known_id_and_delete_removes_files(client):
    m = with_file(client)
    assert client.post(L + "update", json={"id": "abc", "title": "t"}).status_code == 400
    assert client.post(L + "update", json={"title": "t"}).status_code == 400
    assert client.post(L + "update", json={"id": m["id"] + 100, "title": "t"}).status_code == 404
    assert lic(client, "MIT")["title"] == "MIT"
    assert client.post(L + "delete?code=MIT").status_code == 200
    assert client.get(L + "files/download?hash=" + m["hashes"][0]).status_code == 404
