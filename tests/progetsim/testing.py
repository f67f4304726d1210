"""Start a progetsim process for tests, wait until it answers, stop it.

    from progetsim.testing import SimProcess

    with SimProcess(data_dir, "--system-key", "s3cret") as sim:    # anonymous "none" by default
        requests.get(sim.url + "/api/management/feeds/list", headers={"X-ApiKey": "s3cret"})
        sim.reset(); sim.config(anonymous="admin"); sim.log(); sim.clear_log(); sim.state()

``sim.url`` is the instance root without a trailing slash (prefix included); ``sim.cert`` is the
TLS certificate path with ``https=True`` (pass it as ``verify=``). ``restart()`` stops and starts
the process on the same data dir (and port, when possible). Standard library only.
"""
import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class SimError(RuntimeError):
    pass


class SimProcess(object):
    def __init__(self, data_dir=None, *args, **kw):
        """``args``: extra CLI options. Keywords: ``https`` (bool), ``prefix`` (str),
        ``port`` (int, default 0 = free port), ``python`` (interpreter), ``timeout`` (s)."""
        self._own_dir = data_dir is None
        self.data_dir = os.path.abspath(data_dir or tempfile.mkdtemp(prefix="progetsim-"))
        self.args = list(args)
        self.https = kw.pop("https", False)
        self.prefix = kw.pop("prefix", "")
        self.port = kw.pop("port", 0)
        self.python = kw.pop("python", sys.executable)
        self.timeout = kw.pop("timeout", 20)
        if kw:
            raise TypeError("unknown options: %s" % ", ".join(kw))
        self.proc = None
        self.url = None
        self.control_url = None

    # -- lifecycle -------------------------------------------------------------------------
    @property
    def cert(self):
        return os.path.join(self.data_dir, "tls", "cert.pem")

    def command(self, port):
        cmd = [self.python, "-m", "progetsim", "--port", str(port),
               "--port-file", os.path.join(self.data_dir, "port"), "--data-dir", self.data_dir]
        if self.https:
            cmd.append("--https")
        if self.prefix:
            cmd += ["--prefix", self.prefix]
        return cmd + self.args

    def start(self):
        if not os.path.isdir(self.data_dir):
            os.makedirs(self.data_dir)
        port_file = os.path.join(self.data_dir, "port")
        if os.path.exists(port_file):
            os.remove(port_file)
        env = dict(os.environ)
        env["PYTHONPATH"] = TESTS_DIR + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self._out = open(os.path.join(self.data_dir, "sim.out"), "ab")
        self.proc = subprocess.Popen(self.command(self.port), env=env, stdout=self._out,
                                     stderr=subprocess.STDOUT)
        deadline = time.time() + self.timeout
        while not os.path.exists(port_file):
            if self.proc.poll() is not None:
                raise SimError("progetsim exited with %s; see %s" % (
                    self.proc.returncode, os.path.join(self.data_dir, "sim.out")))
            if time.time() > deadline:
                self.stop()
                raise SimError("progetsim did not start within %ss" % self.timeout)
            time.sleep(0.02)
        with open(port_file) as f:
            self.port = int(f.read().strip())
        scheme = "https" if self.https else "http"
        prefix = ("/" + self.prefix.strip("/")) if self.prefix.strip("/") else ""
        self.url = "%s://127.0.0.1:%d%s" % (scheme, self.port, prefix)
        self.control_url = self.url + "/__sim"
        while True:  # wait until it answers
            try:
                self.get_config()
                return self
            except Exception:
                if time.time() > deadline:
                    self.stop()
                    raise SimError("progetsim does not answer on %s" % self.url)
                time.sleep(0.05)

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None
        if getattr(self, "_out", None):
            self._out.close()
            self._out = None

    def restart(self):
        self.stop()
        return self.start()

    def cleanup(self):
        self.stop()
        if self._own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.cleanup()

    # -- control endpoints -----------------------------------------------------------------
    def _control(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode("utf-8")
        req = urllib.request.Request(self.control_url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        ctx = None
        if self.https:
            ctx = ssl.create_default_context(cafile=self.cert)
        with urllib.request.urlopen(req, timeout=10, context=ctx) as resp:
            raw = resp.read()
        ctype = resp.headers.get("Content-Type") or ""
        return json.loads(raw) if "json" in ctype else raw.decode("utf-8")

    def get_config(self):
        return self._control("GET", "/config")

    def config(self, **changes):
        """Change runtime options (progetsim/server.py DEFAULT_CONFIG; the fidelity switches are
        listed in progetsim/README.md); returns the new config."""
        return self._control("POST", "/config", changes)

    def reset(self):
        return self._control("POST", "/reset", {})

    def log(self):
        return self._control("GET", "/log")

    def clear_log(self):
        return self._control("POST", "/log/clear", {})

    def state(self):
        return self._control("GET", "/state")

    def add_user(self, name, password, attributes=()):
        return self._control("POST", "/users", {"name": name, "password": password,
                                                "attributes": list(attributes)})


def start_sim(data_dir=None, *args, **kw):
    """Start a sim and return the running ``SimProcess`` (call ``.cleanup()`` when done)."""
    return SimProcess(data_dir, *args, **kw).start()
