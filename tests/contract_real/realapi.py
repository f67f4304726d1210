"""HTTP client, name prefix and the readings report of the real-ProGet contract suite.

Plain ``requests``; nothing here knows about Ansible or the collection.
"""
import datetime
import json
import os
import re
import secrets

import requests

# every object the suite creates is named under this prefix (feeds, connectors, licenses, API keys)
PREFIX = "cacct-%s-" % secrets.token_hex(3)
DEFAULT = object()
MULTI_FILE_TYPES = ("pypi", "conda", "rubygems", "rpm", "debian", "apk", "cran")


def env(name):
    """An environment variable; empty counts as unset (as in the collection)."""
    value = os.environ.get(name, "").strip()
    return value or None


def version_tuple(text):
    m = re.match(r"^\s*(\d+(?:\.\d+)*)", text or "")
    return tuple(int(p) for p in m.group(1).split(".")) if m else ()


class Api(object):
    """requests bound to one ProGet: ``api.get("api/...")`` sends the suite's key;
    ``key=None`` sends no key, ``key="..."`` another one. Redirects are not followed."""

    def __init__(self, url, key, verify=True, timeout=30):
        self.base = url.rstrip("/") + "/"
        self.key = key
        self.verify = verify
        self.timeout = timeout
        self.session = requests.Session()
        self.version = ()
        self.edition = None
        self.is_sim = False

    def request(self, method, path, key=DEFAULT, **kw):
        headers = dict(kw.pop("headers", None) or {})
        key = self.key if key is DEFAULT else key
        if key is not None:
            headers["X-ApiKey"] = key
        kw.setdefault("timeout", self.timeout)
        kw.setdefault("allow_redirects", False)
        return self.session.request(method, self.base + path.lstrip("/"), headers=headers,
                                    verify=self.verify, **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    # -- small reads used by several checks ---------------------------------------------------
    def json_list(self, path):
        r = self.get(path)
        assert r.status_code == 200, "GET %s: %s %s" % (path, r.status_code, r.text[:200])
        body = r.json()
        assert isinstance(body, list), "GET %s: expected a JSON array" % path
        return body

    def feed(self, name):
        r = self.get("api/management/feeds/get/" + name)
        return r.json() if r.status_code == 200 else None

    def connector(self, name):
        r = self.get("api/management/connectors/get/" + name)
        return r.json() if r.status_code == 200 else None

    def license(self, code):
        for lic in self.json_list("api/licenses/list"):
            if str(lic.get("code", "")).lower() == code.lower():
                return lic
        return None

    def api_key(self, display_name):
        for k in self.json_list("api/api-keys/list"):
            if k.get("displayName") == display_name:
                return k
        return None

    # -- deletes used by finalizers and the final sweep (404 = already gone) ----------------
    def delete_feed(self, name):
        return self.delete("api/management/feeds/delete/" + name)

    def delete_connector(self, name):
        return self.delete("api/management/connectors/delete/" + name)

    def delete_license(self, lic):
        return self.post("api/licenses/delete", params={"id": lic["id"], "code": lic["code"]})

    def delete_api_key(self, key_id):
        return self.post("api/api-keys/delete", params={"id": key_id})

    def sweep(self):
        """Delete everything named under PREFIX; return what is still there afterwards."""
        kinds = [
            ("feed", "api/management/feeds/list", "name", lambda o: self.delete_feed(o["name"])),
            ("connector", "api/management/connectors/list", "name",
             lambda o: self.delete_connector(o["name"])),
            ("license", "api/licenses/list", "code", self.delete_license),
            ("api key", "api/api-keys/list", "displayName", lambda o: self.delete_api_key(o["id"])),
        ]
        left = []
        for kind, path, field, remove in kinds:
            for attempt in (1, 2):
                try:
                    r = self.get(path)
                    objs = r.json() if r.status_code == 200 else []
                except Exception:
                    objs = []
                mine = [o for o in objs if isinstance(o, dict)
                        and str(o.get(field) or "").lower().startswith(PREFIX)]
                if attempt == 2:
                    left += ["%s %s" % (kind, o.get(field)) for o in mine]
                    break
                for o in mine:
                    try:
                        remove(o)
                    except Exception:
                        pass
        return left


class Report(object):
    """Readings (which way the server went where the sources differ) and test outcomes."""

    def __init__(self):
        self.readings = []
        self.results = []
        self.secrets = set()
        self.server = {}
        self.target = None
        self.left_behind = None

    def secret(self, value):
        if value:
            self.secrets.add(str(value))
        return value

    def redact(self, text):
        for s in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(s, "***")
        return text

    def record(self, test, point, reading, source, detail=None):
        self.readings.append({"test": test, "point": point, "reading": reading,
                              "source": source, "detail": detail})

    def as_dict(self):
        return {
            "suite": "cac.proget tests/contract_real",
            "generated": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "target": self.target,
            "server": self.server,
            "prefix": PREFIX,
            "left_behind": self.left_behind,
            "readings": self.readings,
            "results": self.results,
        }

    def write(self, out_dir):
        os.makedirs(out_dir, exist_ok=True)
        data = self.as_dict()
        with open(os.path.join(out_dir, "report.json"), "w") as f:
            f.write(self.redact(json.dumps(data, indent=2, sort_keys=False, default=str)) + "\n")
        with open(os.path.join(out_dir, "report.md"), "w") as f:
            f.write(self.redact(markdown(data)))


def _cell(value):
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(data):
    s = data["server"]
    counts = {}
    for r in data["results"]:
        counts[r["outcome"]] = counts.get(r["outcome"], 0) + 1
    lines = [
        "# cac.proget: contract checks against ProGet", "",
        "* generated: %s" % data["generated"],
        "* target: %s" % data["target"],
        "* ProGet: version %s, edition %s (releaseNumber %s)" % (
            s.get("version"), s.get("edition"), s.get("releaseNumber")),
        "* results: %s" % ", ".join("%d %s" % (n, k) for k, n in sorted(counts.items())),
        "* objects left behind: %s" % (", ".join(data["left_behind"]) if data["left_behind"]
                                       else "none" if data["left_behind"] is not None else "unknown"),
        "", "## Readings", "",
        "| point | reading | source | detail |", "|---|---|---|---|",
    ]
    for r in data["readings"]:
        lines.append("| %s | %s | %s | %s |" % (_cell(r["point"]), _cell(r["reading"]), _cell(r["source"]),
                                             _cell(r["detail"]) if r["detail"] is not None else ""))
    lines += ["", "## Checks", "", "| check | outcome | note |", "|---|---|---|"]
    for r in data["results"]:
        lines.append("| %s | %s | %s |" % (_cell(r["test"]), r["outcome"], _cell(r.get("note") or "")))
    return "\n".join(lines) + "\n"


def ok(r):
    """2xx (requests' Response.ok also takes 3xx, and redirects are not followed here)."""
    return 200 <= r.status_code < 300
