# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one HTTP client of the collection.

Everything that talks to ProGet goes through :class:`ProGetClient`: one ``requests.Session``,
authentication, TLS, timeouts, retries of safe requests, check-mode write refusal and one
exception type, :class:`ProGetError`. Pure HTTP: the Ansible connection options (argument spec,
``PROGET_*`` variables) that become its arguments are ``connection.py``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import json
import re
import time
import traceback

try:
    import requests
    from requests.adapters import HTTPAdapter
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:  # pragma: no cover - reported by the module
    requests = None
    HTTPAdapter = object
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

from urllib.parse import quote


SAFE_METHODS = ('GET', 'HEAD', 'OPTIONS')
RETRY_STATUSES = (429, 500, 502, 503, 504)
MAX_MESSAGE = 2000
# A safe request is retried at least `retries` times, and beyond that as long as the waiting stays
# within `timeout` seconds since its first attempt (a ProGet being restarted), at most this often.
MAX_ATTEMPTS = 12
MAX_BACKOFF = 8
# What proxies and load balancers answer, in words a person can act on (the answer has no
# X-ProGet-Version header: it is not ProGet's).
PROXY_STATUSES = {
    502: 'a proxy or load balancer in front of ProGet answered 502 Bad Gateway: it could not get an answer '
         'from ProGet (is ProGet running, and can the proxy reach it?)',
    503: 'ProGet, or a proxy in front of it, answered 503 Service Unavailable: it is starting, restarting, '
         'overloaded or in maintenance; try again later',
    504: 'a proxy or load balancer in front of ProGet answered 504 Gateway Timeout: ProGet did not answer it in '
         'time (ProGet may be overloaded; a write may have been applied anyway and is checked on the next run)',
}
_TITLE = re.compile(r'<title[^>]*>(.*?)</title>', re.IGNORECASE | re.DOTALL)
_LOGIN = re.compile(r'log-?in|sign-?in|/auth|sso|saml|oauth|openid|account', re.IGNORECASE)


# What a 403 means, per API (proget-api.md section 1.5): path prefix -> (read, write) permission.
PERMISSIONS = (
    ('api/management/feeds', 'view feeds (a Feed key with View/Download for that feed, a System key with '
     'Use/Manage Feeds, or Feeds_ViewFeed)', 'manage feeds (a System key with Use/Manage Feeds, or a user with '
     'Admin_ManageFeed or Admin_ConfigureProGet; Feed keys can never create, change or delete feeds)'),
    ('api/management/connectors', 'use connectors (a System key with Use/Manage Feeds, or Admin_ConfigureProGet; '
     'Feed keys cannot use connectors)', None),
    ('api/licenses', 'manage licenses (a System key with Full Control, or Licenses_Manage)', None),
    ('api/api-keys', 'manage API keys (a System key with Full Control, or an administrator)', None),
    ('api/settings', 'manage settings (a System key with Full Control, or an administrator)', None),
    ('api/security', 'manage security (a System key with Full Control, or a user or personal key with '
     'Admin_ConfigureProGet; Feed keys cannot use the Security API)', None),
    ('api/json', 'call the native API (a System key with Full Control, or an administrator)', None),
    ('endpoints', 'download assets (View/Download)', 'upload or delete assets (Add/Repackage to upload, '
     'Overwrite/Delete to delete, on a Feed key for that asset directory or a System key with Use/Manage Feeds)'),
    ('upack', 'view and download packages (View/Download)', 'publish or delete packages (Add/Repackage, '
     'Overwrite/Delete)'),
    ('api/packages', 'view and download packages (View/Download)', 'publish, promote or delete packages '
     '(Add/Repackage, Promote, Overwrite/Delete)'),
)


def needed_permission(method, path):
    """The permission a call needs, in words, for a 403 message (None when unknown)."""
    path = path.lstrip('/')
    for prefix, read, write in PERMISSIONS:
        if path.startswith(prefix):
            return read if method in SAFE_METHODS or write is None else write
    return None


def quote_name(name):
    """Escape one path segment (feed, connector names) for a URL."""
    return quote(str(name), safe='')


class ProGetError(Exception):
    """A failed call to ProGet: status, method, path and ProGet's own (plain-text) message."""

    def __init__(self, message, status=None, method=None, path=None, body=None, uncertain=False):
        super(ProGetError, self).__init__(message)
        self.message = message
        self.status = status
        self.method = method
        self.path = path
        self.body = body
        # True when the request may have reached the server and been applied (timeout,
        # dropped connection, 5xx): the caller must re-read before deciding anything.
        self.uncertain = uncertain

    def __str__(self):
        return self.message


class CheckModeWriteError(ProGetError):
    """A write was attempted in check mode: a bug guard, never expected to surface."""


def _is_html(text):
    head = text[:200].lstrip().lower()
    return head.startswith('<') and ('<html' in text[:2000].lower() or head.startswith('<!doctype') or
                                     '<title' in text[:2000].lower() or '<body' in text[:2000].lower())


def _html_title(text):
    match = _TITLE.search(text[:20000])
    if not match:
        return None
    title = ' '.join(re.sub(r'<[^>]+>', ' ', match.group(1)).split())
    return title[:120] or None


def _from_proget(response):
    """Whether ProGet itself answered (it sends X-ProGet-Version on every answer; a proxy's own
    error or login page does not)."""
    return bool(response.headers.get('X-ProGet-Version'))


def _text_of(response):
    try:
        text = response.text or ''
    except Exception:  # pylint: disable=broad-except
        text = ''
    text = text.strip()
    if _is_html(text) or text.startswith('<'):
        # HTML (a proxy's error page, a login or licensing page): not ProGet's API answer.
        title = _html_title(text)
        text = 'an HTML page%s instead of an API answer' % (" titled '%s'" % title if title else '')
        if _from_proget(response):
            text += ' (is the URL the ProGet root, and is ProGet licensed?)'
        else:
            text += (' (no X-ProGet-Version header: a proxy, load balancer or login page answered, not ProGet; is url '
                     'the ProGet root, and does the proxy let API requests through?)')
    if len(text) > MAX_MESSAGE:
        text = text[:MAX_MESSAGE] + '...'
    return text


def retry_after(response):
    """Seconds a 429 or 503 answer asks to wait (Retry-After: seconds or an HTTP date), or None."""
    value = (response.headers.get('Retry-After') or '').strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - time.time())


class _BadAnswer(Exception):
    """A 2xx answer whose body is not the JSON it should be (an HTML page, cut-off JSON)."""


def _refused(error):
    """Whether the connection could not be made at all (so the request never left)."""
    if not isinstance(error, requests.exceptions.ConnectionError):
        return False
    seen, cause = 0, error
    while cause is not None and seen < 6:
        name = type(cause).__name__
        if name in ('NewConnectionError', 'ConnectionRefusedError', 'ConnectTimeoutError', 'NameResolutionError'):
            return True
        cause = getattr(cause, 'reason', None) or (cause.args[0] if getattr(cause, 'args', None) and
                                                   isinstance(cause.args[0], BaseException) else None)
        seen += 1
    return False


def _rewindable(data):
    """A body that can be sent again as it is (not a stream that was read)."""
    return data is None or isinstance(data, (bytes, str))


class ProGetClient:
    """A ProGet server: ``request()`` and JSON helpers over one session."""

    def __init__(self, url, api_key=None, username=None, password=None, validate_certs=True,
                 ca_path=None, timeout=30, retries=3, backoff=0.5, check_mode=False, warn=None):
        if not HAS_REQUESTS:
            raise ProGetError('the Python library requests is required')
        if not url or url.split('://', 1)[0].lower() not in ('http', 'https') or '://' not in url:
            raise ProGetError("url must be an http:// or https:// URL of the ProGet server, got %r" % (url,))
        self.base_url = url.rstrip('/') + '/'
        self.timeout = timeout
        self.retries = max(0, int(retries))
        self.backoff = backoff
        self.check_mode = check_mode
        self.version = None
        self.edition = None
        self.user = None if api_key else username   # whose rights the calls use, when known
        self.requests_sent = 0
        self._warn = warn
        self._secrets = [s for s in (api_key, password) if s]
        self.session = requests.Session()
        self.session.headers['Accept'] = 'application/json'
        self.session.headers['User-Agent'] = 'cac.proget'
        if api_key:
            self.session.headers['X-ApiKey'] = api_key
        elif username:
            # ProGet's user:password pseudo-key, exactly as pgutil sends it.
            pseudo = '%s:%s' % (username, password or '')
            self.session.headers['X-ApiKey'] = pseudo
            self._secrets.append(pseudo)
        # Given on every request: requests lets REQUESTS_CA_BUNDLE override a session's verify.
        self.verify = True
        if not validate_certs:
            self.verify = False
            try:
                requests.packages.urllib3.disable_warnings()  # pylint: disable=no-member
            except AttributeError:  # pragma: no cover
                pass
            if warn:
                warn('validate_certs is false: the TLS certificate of %s is not checked' % self.base_url)
        elif ca_path:
            self.verify = ca_path
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=4, max_retries=0)
        self.session.mount('http://', adapter)
        self.session.mount('https://', adapter)

    # -- helpers -----------------------------------------------------------------------------
    def scrub(self, text):
        """Remove every secret this client knows from ``text``."""
        text = '' if text is None else str(text)
        for secret in self._secrets:
            text = text.replace(secret, '********')
        return text

    def add_secret(self, value):
        """Scrub ``value`` too from every message (a connector password, a secret setting)."""
        if value not in (None, '') and str(value) not in self._secrets:
            self._secrets.append(str(value))
            self._secrets.sort(key=len, reverse=True)

    def url_for(self, path):
        return self.base_url + path.lstrip('/')

    def _fail(self, message, **kwargs):
        raise ProGetError(self.scrub(message), **kwargs)

    # -- the one request method ----------------------------------------------------------------
    def request(self, method, path, params=None, json_body=None, data=None, headers=None,
                expect=None, safe=None, stream=False, missing_ok=False, json_answer=False):
        """Send one request; return the ``requests.Response``.

        ``safe`` marks a request as free of side effects (default: GET/HEAD); only safe requests
        are retried and only safe requests may be sent in check mode. ``missing_ok`` returns
        ``None`` for a 404 instead of raising. ``expect`` is a tuple of accepted statuses
        (default: any 2xx). ``json_answer``: the body must be JSON (or empty); it is parsed into
        ``response.parsed``, and an answer that is not (an HTML page, JSON cut off) is retried like
        a dropped connection when the request is safe, else reported.

        Safe requests are retried on connection errors, time-outs, answers cut off, 5xx and 429, with
        exponential backoff (or the ``Retry-After`` of a 429/503, when it fits): at least ``retries``
        times, and further as long as the waiting stays within ``timeout`` seconds (a restarting
        ProGet). Writes are never repeated, except when the connection could not even be made.
        """
        method = method.upper()
        if safe is None:
            safe = method in SAFE_METHODS
        if self.check_mode and not safe:
            raise CheckModeWriteError('refusing to send %s %s in check mode' % (method, path),
                                      method=method, path=path)
        url = self.url_for(path)
        kwargs = dict(params=params, headers=headers, timeout=self.timeout, stream=stream,
                      allow_redirects=False, verify=self.verify)
        if json_body is not None:
            kwargs['data'] = json.dumps(json_body)
            kwargs['headers'] = dict(headers or {}, **{'Content-Type': 'application/json; charset=utf-8'})
        elif data is not None:
            kwargs['data'] = data
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            try:
                self.requests_sent += 1
                response = self.session.request(method, url, **kwargs)
                if json_answer:
                    response.parsed = self._parse(response, method, path)
            except requests.exceptions.SSLError as e:
                self._fail('%s %s: TLS error talking to %s: %s. Set ca_path to the CA bundle that signed '
                           "ProGet's certificate, or validate_certs: false to skip the check."
                           % (method, path, self.base_url, e), method=method, path=path)
            except (requests.exceptions.RequestException, _BadAnswer) as e:
                # Not connected, connection dropped, timed out, an answer cut off (a proxy or the
                # network), or a 2xx answer that is not JSON. A write is repeated only when it never
                # left (the connection could not be made); otherwise the caller re-reads first.
                never_sent = isinstance(e, requests.exceptions.ConnectTimeout) or _refused(e)
                if (safe or (never_sent and _rewindable(data))) and self._may_retry(attempt, started, None):
                    continue
                self._fail(self._failure(e, method, path, attempt, time.monotonic() - started, safe),
                           method=method, path=path, uncertain=not never_sent and not safe)
            self._note_headers(response)
            status = response.status_code
            if status in RETRY_STATUSES and safe and not (expect and status in expect) and \
                    self._may_retry(attempt, started, response):
                response.close()
                continue
            if status == 404 and missing_ok:
                return None
            ok = (status in expect) if expect else (200 <= status < 300)
            if not ok:
                self._raise_for(response, method, path, attempt, time.monotonic() - started)
            return response

    def _sleep(self, attempt):
        time.sleep(min(self.backoff * (2 ** attempt), MAX_BACKOFF))

    def _may_retry(self, attempt, started, response):
        """Wait before attempt ``attempt + 1`` and return True, or return False (give up)."""
        if attempt >= MAX_ATTEMPTS:
            return False
        wait = min(self.backoff * (2 ** (attempt - 1)), MAX_BACKOFF)
        asked = retry_after(response) if response is not None and response.status_code in (429, 503) else None
        if asked is not None:
            if asked > self.timeout:
                return False   # longer than we may wait: reported with the time asked
            wait = max(wait, asked)
        if attempt > self.retries and time.monotonic() - started + wait > self.timeout:
            return False
        if wait > 0:
            time.sleep(wait)
        return True

    def _parse(self, response, method, path):
        """The JSON of a 2xx answer (None when empty); _BadAnswer when it is not JSON."""
        if not (200 <= response.status_code < 300) or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise _BadAnswer(response)

    def _failure(self, error, method, path, attempt, waited, safe):
        """The message of a request that got no usable answer."""
        tries = ' (%d attempts over %.0fs)' % (attempt, waited) if attempt > 1 else ''
        if isinstance(error, _BadAnswer):
            response = error.args[0]
            text = (response.text or '').strip()
            if _is_html(text) or text.startswith('<'):
                what = _text_of(response)
            elif text[:1] in ('{', '[', '"'):
                what = ('JSON that is cut off or invalid (%d bytes): the answer was truncated on the way, by a '
                        'proxy or the network' % len(response.content))
            else:
                what = 'text that is not JSON: %s' % _text_of(response)
            return '%s %s: expected JSON from ProGet, got %s%s' % (method, path, what, tries)
        if isinstance(error, requests.exceptions.Timeout):
            kind = 'timed out after %ss' % self.timeout
        elif isinstance(error, (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError)):
            kind = 'the answer was cut off (the connection closed before the whole answer arrived: a proxy or ' \
                   'the network dropped it)'
        elif _refused(error):
            kind = 'could not connect (is ProGet running, or being restarted?)'
        elif isinstance(error, requests.exceptions.ConnectionError):
            kind = 'could not connect or the connection was dropped'
        else:
            kind = 'the request failed'
        message = '%s %s: %s (%s)%s: %s' % (method, path, kind, self.base_url, tries, error)
        if not safe and not _refused(error):
            message += '; the write may or may not have been applied'
        return message

    def _note_headers(self, response):
        self.version = response.headers.get('X-ProGet-Version') or self.version
        edition = response.headers.get('X-ProGet-Edition')
        if edition:
            self.edition = edition.lower()

    def _raise_for(self, response, method, path, attempt=1, waited=None):
        status = response.status_code
        text = _text_of(response)
        proget = _from_proget(response)
        if 300 <= status < 400:
            location = response.headers.get('Location', '')
            if 'licensing' in location.lower():
                text = 'ProGet redirected to its licensing page: the server has no valid license key yet'
            elif _LOGIN.search(location.split('?')[0]):
                text = ('redirected to a login page (%s): %s asks for a browser login; API requests need to reach '
                        "ProGet's API directly with an API key (let the proxy or single sign-on pass /api/, "
                        '/endpoints/ and the feed URLs, or use the URL of ProGet itself)'
                        % (location.split('?')[0], 'ProGet' if proget else 'a proxy or single sign-on in front of ProGet'))
            else:
                text = 'ProGet redirected to %s (is url the ProGet root URL?)' % location
        elif status == 429:
            asked = retry_after(response)
            own = text if proget and text and not text.startswith('an HTML page') else ''   # ProGet's own words
            text = (own + ' - ' if own else '') + (
                'too many requests: a rate limit of %s refused the request%s%s; lower the request rate (fewer '
                'forks, parallel_writes) or wait for the limit, then run again'
                % ('ProGet' if proget else 'a proxy in front of ProGet',
                   ' (Retry-After: %.0fs%s)' % (asked, ', longer than timeout' if asked > self.timeout else '')
                   if asked is not None else '',
                   '' if method in SAFE_METHODS else '; the write was not sent again'))
        elif status in PROXY_STATUSES and (not proget or not text or text.startswith('an HTML page')):
            asked = retry_after(response) if status == 503 else None
            text = PROXY_STATUSES[status] + (' (Retry-After: %.0fs)' % asked if asked is not None else '')
        elif status == 401 and not self.session.headers.get('X-ApiKey'):
            text = (text or 'authentication required') + ' (give api_key, or username and password)'
        elif status == 403 and self.edition == 'free' and path.lstrip('/').startswith('api/security'):
            text = ('ProGet Free (X-ProGet-Edition: Free) has no Security API (%s): manage users, groups, tasks '
                    'and permissions in ProGet (Administration > Manage Security), or use ProGet Basic or Enterprise'
                    % (text or 'forbidden'))
        elif status in (401, 403):
            # 403 on the management APIs, 401 on the asset API: for a missing, unknown or
            # unauthorized key alike (docs apikeys/#.md, assets/**).
            needed = needed_permission(method, path)
            text = (text or 'forbidden') + ((' (the API key or user was refused, or lacks the permission to %s)'
                                             if status == 401 else ' (this call needs permission to %s)')
                                            % (needed or 'make this call'))
        message = '%s %s: HTTP %s: %s' % (method, path, status, text or response.reason)
        if attempt > 1:
            message += ' (%d attempts over %.0fs)' % (attempt, waited or 0)
        self._fail(message, status=status, method=method, path=path, body=text,
                   uncertain=status >= 500 and method not in SAFE_METHODS)

    # -- JSON helpers ------------------------------------------------------------------------
    def _json(self, response, method, path):
        if response is None:
            return None
        if hasattr(response, 'parsed'):
            return response.parsed
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            self._fail(self._failure(_BadAnswer(response), method, path, 1, 0, method in SAFE_METHODS),
                       status=response.status_code, method=method, path=path)

    def get_json(self, path, params=None, missing_ok=False):
        return self._json(self.request('GET', path, params=params, missing_ok=missing_ok, json_answer=True), 'GET', path)

    def post_json(self, path, json_body=None, params=None, safe=None, expect=None):
        response = self.request('POST', path, params=params, json_body=json_body, safe=safe, expect=expect,
                                json_answer=True)
        return self._json(response, 'POST', path)

    # -- well-known endpoints ----------------------------------------------------------------
    def health(self):
        """ProGet's health: the 2025 JSON form, or the 2026 plain-text form with its JSON twin.

        Returns ``(info_dict, http_status)``. ``/health?format=json`` is asked first; a 2025
        server ignores the parameter and answers JSON anyway; a plain-text answer is parsed.
        """
        response = self.request('GET', 'health', params={'format': 'json'}, expect=tuple(range(200, 600)))
        try:
            info = response.json()
        except ValueError:
            info = None
        if not isinstance(info, dict):
            # 2026 plain text: "OK", or "ERROR: <what is wrong>".
            text = _text_of(response)
            status = 'OK' if text.upper().startswith('OK') else 'Error'
            license_problem = 'license' in text.lower()
            info = dict(applicationName='ProGet', status=status, text=text,
                        licenseStatus='Error' if license_problem else None,
                        serviceStatus='Error' if status != 'OK' and not license_problem else None)
        return info, response.status_code
