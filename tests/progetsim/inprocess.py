"""The sim in process: a ``requests`` transport adapter that hands each request to a ``server.Sim``
(``Sim.handle``, the code path of the HTTP server), without a subprocess or a socket.

    sim = Sim(data_dir, system_key="k", log_bodies=True)
    client = ProGetClient("http://sim.invalid", api_key="k")
    client.session.mount("http://", SimAdapter(sim))

Everything else is the real thing: the client's session, headers, retries, error handling; the
sim's routes, store, faults and request log. A fault that drops the connection (``drop_every``,
``drop_after_write``) raises ``requests.exceptions.ConnectionError``, as a dropped socket does;
``latency_ms`` only delays (no timeout is applied in process). Needs ``requests`` (the client's
library); the rest of progetsim stays standard-library only and never imports this module.
"""
import io
from http.client import responses
from urllib.parse import urlsplit

from requests.adapters import BaseAdapter
from requests.exceptions import ConnectionError
from requests.models import Response
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers

from .server import DropConnection


class SimAdapter(BaseAdapter):
    def __init__(self, sim):
        super(SimAdapter, self).__init__()
        self.sim = sim

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        url = urlsplit(request.url)
        body = request.body
        if body is None:
            body = b""
        elif isinstance(body, str):
            body = body.encode("utf-8")
        elif hasattr(body, "read"):
            body = body.read()
        elif not isinstance(body, bytes):  # an iterable (a streamed upload)
            body = b"".join(body)
        headers = CaseInsensitiveDict(request.headers)
        headers.setdefault("Host", url.netloc)
        headers.pop("Transfer-Encoding", None)
        headers["Content-Length"] = str(len(body))
        target = (url.path or "/") + ("?" + url.query if url.query else "")
        try:
            answer = self.sim.handle(request.method, target, headers, body, url.scheme)
        except DropConnection:
            raise ConnectionError("progetsim (in process) dropped the connection", request=request)
        content = b""
        if request.method != "HEAD":
            if answer.file is not None:
                path, start, length = answer.file
                with open(path, "rb") as f:
                    f.seek(start)
                    content = f.read(length)
            else:
                content = answer.body
        response = Response()
        response.status_code = answer.status
        response.reason = responses.get(answer.status, "")
        response.headers = CaseInsensitiveDict(self.sim.response_headers(answer))
        response.encoding = get_encoding_from_headers(response.headers)
        response.raw = io.BytesIO(content)
        response.url = request.url
        response.request = request
        response.connection = self
        return response

    def close(self):
        pass


def writes(sim):
    """``(method, path, body)`` of each logged request that is not a read (GET/HEAD), in order;
    ``body`` needs ``Sim(log_bodies=True)``. Whether it changed anything: the entries' ``write``."""
    return [(e["method"], e["path"], e.get("body")) for e in sim.read_log()
            if e["method"] not in ("GET", "HEAD")]
