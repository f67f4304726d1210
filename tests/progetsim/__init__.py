"""progetsim: a standard-library-only double of Inedo ProGet's HTTP API, for tests.

Run with ``PYTHONPATH=tests python -m progetsim [options]`` (see docs/dev/architecture.md).

Layout:
  core.py      Request / Response / HttpError / route registry / permission helpers
  store.py     SQLite store (generic object table + blobs, thread-safe, "wrote" flag)
  auth.py      principal resolution (API keys, pseudo-keys, Basic, anonymous modes)
  security.py  users, groups, tasks, permissions: built-in objects and how permissions resolve
  server.py    Sim.handle (prefix, headers, faults, request log, /__sim/ control) and the HTTP(S) server
  api_*.py     one module per API area; each exposes ``ROUTES`` (auto-discovered)
  testing.py   helper to start/stop a sim process from tests
  inprocess.py requests transport adapter to a Sim in the same process (unit tests; needs requests)
"""
