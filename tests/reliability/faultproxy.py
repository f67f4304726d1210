"""A small reverse proxy for the reliability tests: what sits between Ansible and ProGet.

It forwards every request to the sim (``upstream``) unchanged, except the requests a *rule* picks,
which get what real proxies and load balancers do (the answers carry no ``X-ProGet-*`` header, like
nginx's or a load balancer's own pages)::

    proxy = FaultProxy(sim.url).start()
    proxy.add('GET', r'api/management/feeds/get/p502', 'html502')          # every time
    proxy.add('POST', r'api/api-keys/create', 'kill_after_forward', times=1, skip=2, hook=kill)
    ... PROGET_URL=proxy.url ...
    proxy.stop()

Actions: ``html502`` / ``html503`` / ``html504`` (an HTML error page), ``login_redirect`` (302 to a
login page), ``login_page`` (200 with an HTML sign-in page), ``truncate`` (the answer is forwarded with
its full Content-Length but cut in the middle, then the connection closed), ``truncate_json`` (the
JSON cut in the middle with a matching Content-Length, as a buffering proxy that lost the end would
send it), ``rate_limit`` (429 with ``Retry-After``: ``retry_after`` seconds), ``unavailable_retry``
(503 with ``Retry-After``), ``drop_before`` (connection closed before forwarding), ``hook_before``
/ ``kill_after_forward`` (``hook(request)`` called before forwarding / after the upstream answered,
then the connection is closed: the request was applied, the client never hears of it).

A rule applies to the matching requests (method ``WRITE``: any but GET and HEAD) after the first
``skip`` ones, ``times`` times (None: always). ``proxy.seen`` records (time, method, path, action) of every request. Standard library only.
"""
import http.client
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HTML_ERRORS = {
    502: 'Bad Gateway', 503: 'Service Temporarily Unavailable', 504: 'Gateway Time-out',
}
LOGIN_PAGE = ('<!DOCTYPE html><html><head><title>Sign in - Contoso SSO</title></head><body>'
              '<form method="post" action="/account/login"><input name="user"><input name="password" '
              'type="password"></form></body></html>')


def html_error(status):
    reason = HTML_ERRORS[status]
    return ('<html>\r\n<head><title>%d %s</title></head>\r\n<body>\r\n<center><h1>%d %s</h1></center>\r\n'
            '<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n' % (status, reason, status, reason))


class Rule(object):
    def __init__(self, method, pattern, action, times=None, skip=0, retry_after=1, hook=None):
        self.method = method.upper() if method else None
        self.pattern = re.compile(pattern)
        self.action = action
        self.times = times
        self.skip = skip
        self.retry_after = retry_after
        self.hook = hook
        self.matched = 0
        self.applied = 0

    def take(self, method, path):
        if self.method == 'WRITE':
            if method in ('GET', 'HEAD'):
                return False
        elif self.method and self.method != method:
            return False
        if not self.pattern.search(path):
            return False
        self.matched += 1
        if self.matched <= self.skip:
            return False
        if self.times is not None and self.applied >= self.times:
            return False
        self.applied += 1
        return True


class FaultProxy(object):
    def __init__(self, upstream):
        split = urlsplit(upstream)
        self.upstream_host = split.hostname
        self.upstream_port = split.port
        self.prefix = split.path.rstrip('/')
        self.rules = []
        self.seen = []
        self.lock = threading.Lock()
        self.server = None
        self.url = None

    # -- rules -------------------------------------------------------------------------------
    def add(self, method, pattern, action, **kw):
        rule = Rule(method, pattern, action, **kw)
        with self.lock:
            self.rules.append(rule)
        return rule

    def clear(self):
        with self.lock:
            self.rules = []
            self.seen = []

    def faults(self):
        """How many answers were not the sim's (every rule applied)."""
        return sum(1 for s in self.seen if s[3] != 'forward')

    def _pick(self, method, path):
        with self.lock:
            for rule in self.rules:
                if rule.take(method, path):
                    return rule
        return None

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self):
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def log_message(self, *args):
                pass

            def handle_any(self):
                proxy.handle(self)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = handle_any

        self.server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = 'http://127.0.0.1:%d%s' % (self.server.server_address[1], self.prefix)
        return self

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    # -- one request -------------------------------------------------------------------------
    def handle(self, h):
        length = int(h.headers.get('Content-Length') or 0)
        body = h.rfile.read(length) if length else b''
        path = h.path.split('?')[0]
        rel = path[len(self.prefix):].lstrip('/') if path.startswith(self.prefix) else path.lstrip('/')
        rule = self._pick(h.command, rel)
        action = rule.action if rule else 'forward'
        with self.lock:
            self.seen.append((time.time(), h.command, rel, action))
        if action.startswith('html5'):
            return self._answer(h, int(action[4:]), html_error(int(action[4:])), 'text/html')
        if action == 'login_redirect':
            return self._answer(h, 302, '', 'text/html', {'Location': '/account/login?ReturnUrl=%2F' + rel})
        if action == 'login_page':
            return self._answer(h, 200, LOGIN_PAGE, 'text/html; charset=utf-8')
        if action == 'rate_limit':
            return self._answer(h, 429, '<html><body>Too Many Requests</body></html>', 'text/html',
                                {'Retry-After': str(rule.retry_after)})
        if action == 'unavailable_retry':
            return self._answer(h, 503, html_error(503), 'text/html', {'Retry-After': str(rule.retry_after)})
        if action == 'drop_before':
            return self._drop(h)
        if action == 'hook_before':
            rule.hook(h)
            return self._drop(h)
        status, headers, payload = self._forward(h, body)
        if action == 'kill_after_forward':
            rule.hook(h)
            return self._drop(h)
        if action == 'truncate':
            self._send(h, status, headers, payload[:max(1, len(payload) // 2)], length=len(payload))
            return self._drop(h)
        if action == 'truncate_json':
            payload = payload[:max(1, len(payload) // 2)]
        self._send(h, status, headers, payload)
        return None

    def _forward(self, h, body):
        conn = http.client.HTTPConnection(self.upstream_host, self.upstream_port, timeout=120)
        try:
            headers = dict((k, v) for k, v in h.headers.items()
                           if k.lower() not in ('connection', 'keep-alive', 'transfer-encoding'))
            headers['Content-Length'] = str(len(body))
            conn.request(h.command, h.path, body=body, headers=headers)
            resp = conn.getresponse()
            payload = resp.read()
            return resp.status, [(k, v) for k, v in resp.getheaders()
                                 if k.lower() not in ('connection', 'keep-alive', 'transfer-encoding',
                                                      'content-length')], payload
        except (OSError, http.client.HTTPException):
            return 502, [('Content-Type', 'text/html')], html_error(502).encode()
        finally:
            conn.close()

    def _answer(self, h, status, text, ctype, headers=None):
        payload = text.encode('utf-8')
        self._send(h, status, [('Content-Type', ctype)] + list((headers or {}).items()), payload)

    @staticmethod
    def _send(h, status, headers, payload, length=None):
        try:
            h.send_response(status)
            for k, v in headers:
                h.send_header(k, v)
            h.send_header('Content-Length', str(len(payload) if length is None else length))
            h.end_headers()
            if h.command != 'HEAD':
                h.wfile.write(payload)
            h.wfile.flush()
        except OSError:
            h.close_connection = True

    @staticmethod
    def _drop(h):
        h.close_connection = True
        try:
            h.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
