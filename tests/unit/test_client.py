"""Unit tests of ProGetClient against a scripted local HTTP server."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ansible_collections.cac.proget.plugins.module_utils.client import (
    CheckModeWriteError, ProGetClient, ProGetError)


class Script:
    """Answers queued per request; records what arrived."""

    def __init__(self):
        self.answers = []
        self.seen = []


@pytest.fixture(scope='module')
def _httpd():
    script = Script()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def handle_any(self):
            length = int(self.headers.get('Content-Length') or 0)
            body = self.rfile.read(length) if length else b''
            script.seen.append(dict(method=self.command, path=self.path, headers=dict(self.headers), body=body))
            answer = script.answers.pop(0) if script.answers else (200, 'application/json', b'{}')
            if answer == 'drop':
                self.close_connection = True
                self.connection.close()
                return
            status, ctype, payload = answer
            self.send_response(status)
            self.send_header('Content-Type', ctype)
            self.send_header('Content-Length', str(len(payload)))
            self.send_header('X-ProGet-Version', '25.0.13.5')
            self.send_header('X-ProGet-Edition', 'Free')
            if status == 302:
                self.send_header('Location', '/administration/licensing')
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_DELETE = do_PUT = handle_any

    httpd = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    script.url = 'http://127.0.0.1:%d/proget' % httpd.server_address[1]
    yield script
    httpd.shutdown()


@pytest.fixture
def server(_httpd):
    _httpd.answers, _httpd.seen = [], []
    return _httpd


def client(server, **kw):
    kw.setdefault('backoff', 0)
    return ProGetClient(server.url, **kw)


def test_paths_join_under_a_sub_path_and_key_header(server):
    c = client(server, api_key='k-123')
    server.answers = [(200, 'application/json', b'[{"name":"a"}]')]
    assert c.get_json('/api/management/feeds/list') == [{'name': 'a'}]
    seen = server.seen[0]
    assert seen['path'] == '/proget/api/management/feeds/list'
    assert seen['headers']['X-ApiKey'] == 'k-123'
    assert c.version == '25.0.13.5' and c.edition == 'free'


def test_username_password_is_the_pseudo_key(server):
    c = client(server, username='Admin', password='Admin')
    c.get_json('x')
    assert server.seen[0]['headers']['X-ApiKey'] == 'Admin:Admin'


def test_safe_requests_retry_on_5xx_and_drops(server):
    c = client(server, retries=3)
    server.answers = [(500, 'text/plain', b'boom'), 'drop', (200, 'application/json', b'[1]')]
    assert c.get_json('x') == [1]
    assert len(server.seen) == 3


def test_writes_are_never_retried(server):
    c = client(server, retries=3)
    server.answers = [(500, 'text/plain', b'Internal error: boom')]
    with pytest.raises(ProGetError) as e:
        c.post_json('api/management/feeds/create', {'name': 'a'})
    assert len(server.seen) == 1
    assert e.value.status == 500 and e.value.uncertain
    assert str(e.value) == 'POST api/management/feeds/create: HTTP 500: Internal error: boom'


def test_plain_text_errors_carry_status_method_path(server):
    c = client(server)
    server.answers = [(400, 'text/plain', b'Invalid feed type.')]
    with pytest.raises(ProGetError) as e:
        c.post_json('api/management/feeds/create', {'name': 'a'})
    assert (e.value.status, e.value.method, e.value.path) == (400, 'POST', 'api/management/feeds/create')
    assert 'HTTP 400: Invalid feed type.' in str(e.value)
    assert not e.value.uncertain


def test_403_explains_permissions(server):
    c = client(server, api_key='bad')
    server.answers = [(403, 'text/plain', b'The specified API key does not have the proper permissions to perform this action.')]
    with pytest.raises(ProGetError) as e:
        c.get_json('api/management/feeds/get/a')
    assert 'HTTP 403' in str(e.value) and 'needs permission to view feeds' in str(e.value)


def test_licensing_redirect_is_explained(server):
    c = client(server)
    server.answers = [(302, 'text/html', b'')]
    with pytest.raises(ProGetError, match='no valid license key'):
        c.get_json('api/management/feeds/list')


def test_missing_ok_returns_none_on_404(server):
    c = client(server)
    server.answers = [(404, 'text/plain', b'Feed not found.')]
    assert c.get_json('api/management/feeds/get/x', missing_ok=True) is None


def test_check_mode_refuses_writes_before_sending(server):
    c = client(server, check_mode=True)
    with pytest.raises(CheckModeWriteError):
        c.post_json('api/management/feeds/create', {'name': 'a'})
    with pytest.raises(CheckModeWriteError):
        c.request('DELETE', 'api/management/feeds/delete/a')
    assert server.seen == []
    c.post_json('api/json/Feeds_GetFeeds', {}, safe=True)
    assert len(server.seen) == 1


def test_secrets_are_scrubbed_from_errors(server):
    c = client(server, api_key='SECRET-KEY-42')
    server.answers = [(400, 'text/plain', b'bad key SECRET-KEY-42 given')]
    with pytest.raises(ProGetError) as e:
        c.get_json('x')
    assert 'SECRET-KEY-42' not in str(e.value) and '********' in str(e.value)


def test_unreachable_server_is_one_clear_error():
    c = ProGetClient('http://127.0.0.1:9', retries=1, backoff=0, timeout=2)
    with pytest.raises(ProGetError) as e:
        c.get_json('health')
    assert 'could not connect' in str(e.value) and 'http://127.0.0.1:9/' in str(e.value)


def test_url_must_have_a_scheme():
    with pytest.raises(ProGetError, match='url must be an http'):
        ProGetClient('proget.example.com')


def test_health_json_and_plain_text(server):
    c = client(server)
    body = {'applicationName': 'ProGet', 'databaseStatus': 'OK', 'licenseStatus': 'OK', 'serviceStatus': 'OK'}
    server.answers = [(200, 'application/json', json.dumps(body).encode())]
    info, status = c.health()
    assert status == 200 and info['databaseStatus'] == 'OK'
    assert server.seen[0]['path'] == '/proget/health?format=json'
    server.answers = [(500, 'text/plain', b'ERROR: Product license is not valid')]
    info, status = c.health()
    assert status == 500 and info['licenseStatus'] == 'Error' and info['serviceStatus'] is None


def test_cut_off_json_is_retried_for_reads_and_reported_for_writes(server):
    c = client(server, retries=3)
    server.answers = [(200, 'application/json', b'[{"name": "a"'), (200, 'application/json', b'[1]')]
    assert c.get_json('x') == [1] and len(server.seen) == 2
    server.answers, server.seen = [(200, 'application/json', b'{"id": 4, "na')], []
    with pytest.raises(ProGetError) as e:
        c.post_json('api/management/feeds/create', {'name': 'a'})
    assert len(server.seen) == 1 and e.value.uncertain
    assert 'cut off or invalid' in str(e.value) and 'Expecting' not in str(e.value)


def test_an_html_page_where_json_was_expected_says_what_answered(server):
    c = client(server, retries=0, timeout=1)
    server.answers = [(200, 'text/html', b'<!DOCTYPE html><html><head><title>Sign in</title></head></html>')] * 12
    with pytest.raises(ProGetError) as e:
        c.get_json('api/management/feeds/list')
    assert "an HTML page titled 'Sign in'" in str(e.value)


def test_retry_after_is_read_as_seconds_or_a_date():
    import email.utils
    import time as _time

    from ansible_collections.cac.proget.plugins.module_utils.client import retry_after

    class Answer:
        def __init__(self, value):
            self.headers = {'Retry-After': value} if value is not None else {}
    assert retry_after(Answer('7')) == 7
    assert retry_after(Answer(None)) is None and retry_after(Answer('soon')) is None
    later = email.utils.formatdate(_time.time() + 30, usegmt=True)
    assert 25 <= retry_after(Answer(later)) <= 31


def test_writes_are_sent_again_only_when_the_connection_could_not_be_made():
    c = ProGetClient('http://127.0.0.1:9', retries=2, backoff=0, timeout=1)
    with pytest.raises(ProGetError) as e:
        c.post_json('api/management/feeds/create', {'name': 'a'})
    # connection refused: the request never left, so it was tried again, and the error is certain
    assert c.requests_sent > 1 and not e.value.uncertain
    assert 'could not connect' in str(e.value)
