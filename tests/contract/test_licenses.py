"""Licenses API (proget-api.md §6)."""
import hashlib

L = "api/licenses/"


def lic(client, code):
    return [x for x in client.get(L + "list").json() if x["code"].lower() == code.lower()][0]


def test_add_list_update_delete(client):
    r = client.post(L + "add", json={"code": "MIT", "title": "MIT License",
                                     "urls": ["https://opensource.org/licenses/MIT", "http://x.org/m"],
                                     "spdx": ["MIT"]})
    assert r.status_code == 200
    listed = client.get(L + "list").json()
    assert len(listed) == 1
    m = listed[0]
    assert isinstance(m["id"], int) and m["code"] == "MIT" and m["title"] == "MIT License"
    assert m["urls"] == ["opensource.org/licenses/MIT", "x.org/m"]
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
    assert client.post(L + "delete?id=%d" % m["id"]).status_code == 200
    assert client.post(L + "delete?code=apache-2.0").status_code == 200
    assert client.get(L + "list").json() == []


def test_errors(client):
    assert client.post(L + "add", json={"title": "x"}).status_code == 400
    assert client.post(L + "add", json={"code": "X"}).status_code == 400
    assert client.post(L + "add", json={"code": "X", "title": "x"}).status_code == 200
    assert client.post(L + "add", json={"code": "x", "title": "again"}).status_code == 400
    assert client.post(L + "add", data=b"{", headers={"Content-Type": "application/json"}).status_code == 400
    assert client.post(L + "update", json={"id": 99999, "code": "Q"}).status_code == 404
    assert client.post(L + "delete?id=99999").status_code == 404
    assert client.post(L + "delete?id=abc").status_code == 400
    assert client.post(L + "delete").status_code == 400
    assert client.post(L + "delete?code=nope").status_code == 404
    assert client.get(L + "get/X").status_code == 404  # no get-one endpoint


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
    sim.config(anonymous="none")
    assert client.get(L + "list").status_code == 403
    feeds_key = client.create_key(key="Admin:Admin", type="System", systemApis=["feeds"])["key"]
    assert client.get(L + "list", key=feeds_key).status_code == 403
    full = client.create_key(key="Admin:Admin", type="System", systemApis=["full-control"])["key"]
    assert client.get(L + "list", key=full).status_code == 200
    sim.add_user("lic", "pw", ["Licenses_Manage"])
    assert client.post(L + "add", key="lic:pw", json={"code": "A", "title": "A"}).status_code == 200


def test_update_strips_url_schemes_ignores_hashes_and_needs_a_known_id(client):
    client.post(L + "add", json={"code": "MIT", "title": "MIT"})
    client.post(L + "files/add?code=MIT", data=b"text")
    m = lic(client, "MIT")
    r = client.post(L + "update", json={"id": m["id"], "code": "MIT", "urls": ["https://a.org/x", "ftp://b.org/y"],
                                        "hashes": []})
    assert r.status_code == 200
    m2 = lic(client, "MIT")
    assert m2["urls"] == ["a.org/x", "b.org/y"] and m2["hashes"] == m["hashes"] and len(m["hashes"]) == 1
    assert client.post(L + "update", json={"id": "abc", "title": "t"}).status_code == 400
    assert client.post(L + "update", json={"title": "t"}).status_code == 400
    assert client.post(L + "update", json={"id": m["id"] + 100, "title": "t"}).status_code == 404
    # deleting the license removes its files
    assert client.post(L + "delete?id=%d" % m["id"]).status_code == 200
    assert client.get(L + "files/download?hash=" + m["hashes"][0]).status_code == 404
