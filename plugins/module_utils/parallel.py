# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bounded parallel writes (``parallel_writes`` of proget_state and proget_asset).

:func:`run_bounded` runs a list of independent jobs on at most N threads. Each worker thread talks
to ProGet through its own clone of the client (:func:`clone_client`): a ``requests.Session`` is not
thread-safe, so no two threads share one. Once a job fails no new job starts (the ones running
finish), so a failure is reported exactly as with sequential writes: what was applied, what failed,
what was never sent. With one worker (the default) the jobs run one after another in the calling
thread with the caller's own client, exactly as before this module existed.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import threading

try:
    import requests
    from requests.adapters import HTTPAdapter
except ImportError:  # pragma: no cover - reported by the module (client.HAS_REQUESTS)
    requests = None
    HTTPAdapter = None

MAX_PARALLEL_WRITES = 32

DONE = 'done'
FAILED = 'failed'
NOT_STARTED = 'not started'

_SESSION_ATTRS = ('headers', 'auth', 'proxies', 'hooks', 'params', 'verify', 'cert', 'adapters', 'stream',
                  'trust_env', 'max_redirects')


def checked_workers(value, option='parallel_writes'):
    """The number of workers an option asks for (None = 1); ValueError when out of range."""
    if value is None:
        return 1
    value = int(value)
    if value < 1 or value > MAX_PARALLEL_WRITES:
        raise ValueError('%s must be between 1 and %d, got %d' % (option, MAX_PARALLEL_WRITES, value))
    return value


def clone_session(session):
    """A new ``requests.Session`` configured like ``session`` (headers, auth, TLS, proxies, mounted
    adapters), with connection pools of its own. A mounted adapter that keeps no connection pool
    (not an ``HTTPAdapter``, e.g. a test transport) is shared."""
    twin = requests.Session()
    for name in _SESSION_ATTRS:
        if not hasattr(session, name):
            continue
        value = getattr(session, name)
        if name == 'adapters':
            twin.adapters.clear()
            for prefix, adapter in value.items():
                # HTTPAdapter pickles its settings, not its pools: a deep copy is a fresh pool manager
                twin.mount(prefix, copy.deepcopy(adapter) if isinstance(adapter, HTTPAdapter) else adapter)
        elif name == 'hooks':
            setattr(twin, name, dict((event, list(hooks)) for event, hooks in value.items()))
        elif name in ('headers', 'proxies', 'params'):
            setattr(twin, name, value.copy())   # (a CaseInsensitiveDict's copy() copies its store)
        else:
            setattr(twin, name, value)
    twin.cookies.update(session.cookies)
    return twin


def clone_client(client):
    """A copy of ``client`` (a ProGetClient) with a session of its own, for one worker thread.

    Everything else is shared by reference: the settings, the secrets scrubbed from messages (a
    secret added to one is scrubbed by all) and the warning callback."""
    twin = copy.copy(client)
    twin.session = clone_session(client.session)
    twin.requests_sent = 0
    return twin


def run_bounded(jobs, client, workers=1):
    """Run ``jobs`` (callables ``job(client)``) on at most ``workers`` threads.

    Returns one ``(status, value)`` per job, in the order of ``jobs``: ``(DONE, result)``,
    ``(FAILED, exception)`` or ``(NOT_STARTED, None)``. After the first failure no job starts;
    those already running finish. Every exception is caught (the caller decides which ones it
    reports and which ones it raises again).
    """
    outcomes = [(NOT_STARTED, None)] * len(jobs)
    workers = max(1, min(int(workers or 1), len(jobs)))
    if workers == 1:
        for index, job in enumerate(jobs):
            try:
                outcomes[index] = (DONE, job(client))
            except Exception as e:  # pylint: disable=broad-except
                outcomes[index] = (FAILED, e)
                break
        return outcomes

    lock = threading.Lock()
    state = dict(next=0, failed=False)
    clients = []

    def work():
        own = clone_client(client)
        with lock:
            clients.append(own)
        try:
            while True:
                with lock:
                    if state['failed'] or state['next'] >= len(jobs):
                        return
                    index = state['next']
                    state['next'] += 1
                try:
                    outcome = (DONE, jobs[index](own))
                except Exception as e:  # pylint: disable=broad-except
                    outcome = (FAILED, e)
                    with lock:
                        state['failed'] = True
                outcomes[index] = outcome
        finally:
            own.session.close()

    threads = [threading.Thread(target=work, name='proget-write-%d' % n) for n in range(workers)]
    for thread in threads:
        thread.daemon = True
        thread.start()
    for thread in threads:
        thread.join()
    for own in clients:   # what the workers learnt goes back to the caller's client
        client.requests_sent = getattr(client, 'requests_sent', 0) + own.requests_sent
        client.version = own.version or client.version
        client.edition = own.edition or client.edition
    return outcomes
