"""SQLite-backed store: a generic object table, per-kind integer ids, blobs.

All objects are JSON documents in ``objects(kind, id, name, data)``; ``name`` (optional) is
unique per kind and matched case-insensitively (the stored spelling is kept). Area modules pick
their own ``kind`` strings ("feed", "connector", "apikey", "license", "setting", "user", ...), so
new areas need no schema change. Binary content goes to ``blobs(key, data)``.

Records returned by ``get``/``find``/``all`` are dicts with the internal integer id under
``"_id"`` (never shown by the HTTP APIs; used by the native API). Pass the same dict back to
``update``. Every mutating call sets the thread-local ``wrote`` flag, which the server copies into
the request log.
"""
import json
import os
import sqlite3
import threading

SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
    kind TEXT NOT NULL,
    id INTEGER NOT NULL,
    name TEXT COLLATE NOCASE,
    data TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE UNIQUE INDEX IF NOT EXISTS objects_name ON objects(kind, name) WHERE name IS NOT NULL;
CREATE TABLE IF NOT EXISTS counters (kind TEXT PRIMARY KEY, next_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS blobs (key TEXT PRIMARY KEY, data BLOB NOT NULL);
"""

# first id handed out per kind (default 1)
FIRST_IDS = {"apikey": 1000}


class Store(object):
    def __init__(self, data_dir):
        self.data_dir = data_dir
        if not os.path.isdir(data_dir):
            os.makedirs(data_dir)
        self.path = os.path.join(data_dir, "proget.db")
        self.lock = threading.RLock()
        self._local = threading.local()
        self.db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.executescript(SCHEMA)

    # -- write tracking ------------------------------------------------------------------
    @property
    def wrote(self):
        return getattr(self._local, "wrote", False)

    @wrote.setter
    def wrote(self, value):
        self._local.wrote = bool(value)

    def _mark(self):
        self._local.wrote = True

    # -- objects -------------------------------------------------------------------------
    @staticmethod
    def _rec(row):
        data = json.loads(row[2])
        data["_id"] = row[0]
        return data

    @staticmethod
    def _dump(data):
        return json.dumps(dict((k, v) for k, v in data.items() if k != "_id"))

    def next_id(self, kind):
        with self.lock:
            row = self.db.execute("SELECT next_id FROM counters WHERE kind=?", (kind,)).fetchone()
            nid = row[0] if row else FIRST_IDS.get(kind, 1)
            self.db.execute("INSERT OR REPLACE INTO counters(kind, next_id) VALUES (?, ?)",
                            (kind, nid + 1))
            return nid

    def insert(self, kind, data, name=None):
        """Insert; returns the new record (with ``_id``)."""
        with self.lock:
            oid = self.next_id(kind)
            self.db.execute("INSERT INTO objects(kind, id, name, data) VALUES (?,?,?,?)",
                            (kind, oid, name, self._dump(data)))
            self._mark()
            rec = dict(data)
            rec["_id"] = oid
            return rec

    def update(self, kind, rec, name=None):
        """Store ``rec`` (by its ``_id``); a no-op (and no "wrote" flag) when nothing changed."""
        with self.lock:
            row = self.db.execute("SELECT name, data FROM objects WHERE kind=? AND id=?",
                                  (kind, rec["_id"])).fetchone()
            if row is not None and json.loads(row[1]) == json.loads(self._dump(rec)) and (
                    name is None or name == row[0]):
                return rec
            if name is None:
                self.db.execute("UPDATE objects SET data=? WHERE kind=? AND id=?",
                                (self._dump(rec), kind, rec["_id"]))
            else:
                self.db.execute("UPDATE objects SET data=?, name=? WHERE kind=? AND id=?",
                                (self._dump(rec), name, kind, rec["_id"]))
            self._mark()
            return rec

    def delete(self, kind, oid):
        with self.lock:
            cur = self.db.execute("DELETE FROM objects WHERE kind=? AND id=?", (kind, oid))
            if cur.rowcount:
                self._mark()
            return cur.rowcount > 0

    def get(self, kind, oid):
        with self.lock:
            row = self.db.execute("SELECT id, name, data FROM objects WHERE kind=? AND id=?",
                                  (kind, oid)).fetchone()
            return self._rec(row) if row else None

    def find(self, kind, name):
        """Case-insensitive lookup by name."""
        if name is None:
            return None
        with self.lock:
            row = self.db.execute("SELECT id, name, data FROM objects WHERE kind=? AND name=?",
                                  (kind, name)).fetchone()
            if row is None and not name.isascii():
                for r in self.db.execute("SELECT id, name, data FROM objects WHERE kind=?", (kind,)):
                    if r[1] is not None and r[1].casefold() == name.casefold():
                        row = r
                        break
            return self._rec(row) if row else None

    def all(self, kind):
        with self.lock:
            rows = self.db.execute("SELECT id, name, data FROM objects WHERE kind=? ORDER BY id",
                                   (kind,)).fetchall()
            return [self._rec(r) for r in rows]

    def find_prefix(self, kind, prefix):
        """Records whose name starts with ``prefix`` (case-insensitively), ordered by name."""
        with self.lock:
            rows = self.db.execute(
                "SELECT id, name, data FROM objects WHERE kind=? AND substr(name, 1, ?) = ? "
                "COLLATE NOCASE ORDER BY name", (kind, len(prefix), prefix)).fetchall()
            return [self._rec(r) for r in rows]

    def delete_prefix(self, kind, prefix):
        with self.lock:
            cur = self.db.execute("DELETE FROM objects WHERE kind=? AND substr(name, 1, ?) = ? "
                                  "COLLATE NOCASE", (kind, len(prefix), prefix))
            if cur.rowcount:
                self._mark()
            return cur.rowcount

    # -- blobs ---------------------------------------------------------------------------
    def put_blob(self, key, data):
        with self.lock:
            if self.get_blob(key) == bytes(data):
                return
            self.db.execute("INSERT OR REPLACE INTO blobs(key, data) VALUES (?, ?)",
                            (key, sqlite3.Binary(data)))
            self._mark()

    def get_blob(self, key):
        with self.lock:
            row = self.db.execute("SELECT data FROM blobs WHERE key=?", (key,)).fetchone()
            return bytes(row[0]) if row else None

    def delete_blob(self, key):
        with self.lock:
            cur = self.db.execute("DELETE FROM blobs WHERE key=?", (key,))
            if cur.rowcount:
                self._mark()
            return cur.rowcount > 0

    def blob_keys(self, prefix=""):
        with self.lock:
            return [r[0] for r in self.db.execute(
                "SELECT key FROM blobs WHERE substr(key, 1, ?) = ? ORDER BY key",
                (len(prefix), prefix))]

    # -- whole-store ---------------------------------------------------------------------
    def reset(self):
        with self.lock:
            self.db.execute("DELETE FROM objects")
            self.db.execute("DELETE FROM counters")
            self.db.execute("DELETE FROM blobs")

    def dump(self):
        with self.lock:
            out = {}
            for kind, oid, name, data in self.db.execute(
                    "SELECT kind, id, name, data FROM objects ORDER BY kind, id"):
                rec = json.loads(data)
                rec["_id"] = oid
                out.setdefault(kind, []).append(rec)
            out["_blobs"] = [dict(key=k, size=s) for k, s in self.db.execute(
                "SELECT key, length(data) FROM blobs ORDER BY key")]
            return out

    def close(self):
        with self.lock:
            self.db.close()
