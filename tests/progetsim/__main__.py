"""CLI: ``PYTHONPATH=tests python -m progetsim [options]`` (docs/dev/architecture.md, "The sim")."""
import argparse
import os
import signal
import sys

from .core import HttpError
from .server import DEFAULT_CONFIG, Server, Sim, make_tls_context, validate_config


def main(argv=None):
    p = argparse.ArgumentParser(prog="progetsim", description="ProGet API test double")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8624)
    p.add_argument("--port-file")
    p.add_argument("--data-dir", default="./.progetsim")
    p.add_argument("--log")
    p.add_argument("--version", default=DEFAULT_CONFIG["version"])
    p.add_argument("--edition", default="free", choices=["free", "basic", "enterprise"],
                   type=str.lower)
    p.add_argument("--anonymous", default=DEFAULT_CONFIG["anonymous"],
                   choices=["admin", "view", "none"], type=str.lower)
    p.add_argument("--key-storage", default="plain", choices=["plain", "hashed"], type=str.lower)
    p.add_argument("--prefix", default="")
    p.add_argument("--https", action="store_true")
    p.add_argument("--fail-every", type=int, default=0)
    p.add_argument("--drop-every", type=int, default=0)
    p.add_argument("--drop-after-write", type=int, default=0,
                   help="every Nth writing request is performed, then the connection is dropped")
    p.add_argument("--latency-ms", type=int, default=0)
    p.add_argument("--system-key")
    p.add_argument("--unlicensed", action="store_true")
    p.add_argument("--config", action="append", default=[], metavar="NAME=VALUE",
                   help="set a string config option at start (kept across /__sim/reset), e.g. "
                        "--config apikey_create_reply=json; see progetsim/README.md")
    a = p.parse_args(argv)

    config = {"version": a.version, "edition": a.edition, "anonymous": a.anonymous,
              "key_storage": a.key_storage, "fail_every": a.fail_every,
              "drop_every": a.drop_every, "drop_after_write": a.drop_after_write,
              "latency_ms": a.latency_ms, "unlicensed": a.unlicensed}
    try:
        config.update(validate_config(dict(c.partition("=")[::2] for c in a.config)))
    except HttpError as ex:
        p.error(ex.text)
    sim = Sim(a.data_dir, config, prefix=a.prefix, log_path=a.log, system_key=a.system_key)
    tls = make_tls_context(sim.data_dir, a.host) if a.https else None
    server = Server((a.host, a.port), sim, tls)
    port = server.server_address[1]
    if a.port_file:
        tmp = a.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(port))
        os.replace(tmp, a.port_file)
    sys.stderr.write("progetsim listening on %s://%s:%d%s/ (data %s)\n"
                     % ("https" if tls else "http", a.host, port, sim.prefix, sim.data_dir))
    sys.stderr.flush()

    def stop(signum, frame):
        raise KeyboardInterrupt()
    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        sim.store.close()


if __name__ == "__main__":
    main()
