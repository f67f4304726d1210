"""What sits between Ansible and ProGet: a reverse proxy (faultproxy.py) answering 502/503/504 with an
HTML page, a login page after a redirect (and one answered with 200), JSON cut off, 429 and 503 with
Retry-After. Reads get through what is transient (Retry-After honoured, bounded by the timeout);
what is not gives a message a person can act on: never a Python traceback or a JSON decode error.
Writes are never sent twice blindly: a write whose answer was lost is re-read first.

Figures: ``FIGURES proxy`` (cases tried, fault answers served, Retry-After waits measured).
"""
import json
import os
import sys
import time

import pytest

from docs import STATE_PLAY, assert_exact, document, figures
from faultproxy import FaultProxy
from harness import ROOT

sys.path.insert(0, os.path.join(ROOT, 'build', 'collections'))
from ansible_collections.cac.proget.plugins.module_utils.client import ProGetClient, ProGetError  # noqa: E402

FORBIDDEN = ('Traceback', 'JSONDecodeError', 'Expecting value', 'Unterminated string', 'Expecting property name',
             'Extra data', 'KeyError', 'AttributeError', 'TypeError')

# (case, rule on GET api/management/feeds/get/<case>, words the message must have); permanent faults
FAILING = [
    ('p502', 'html502', ['HTTP 502', 'proxy', 'could not get an answer from ProGet']),
    ('p503', 'html503', ['HTTP 503', 'restarting']),
    ('p504', 'html504', ['HTTP 504', 'did not answer it in time']),
    ('plogin', 'login_redirect', ['HTTP 302', 'login page', '/account/login']),
    ('ploginpage', 'login_page', ["HTML page titled 'Sign in - Contoso SSO'", 'no X-ProGet-Version']),
    ('ptrunc', 'truncate_json', ['cut off', 'truncated']),
    ('pcut', 'truncate', ['cut off']),
    ('p429', 'rate_limit', ['HTTP 429', 'too many requests', 'Retry-After: 1s']),
    ('p429long', 'rate_limit:3600', ['HTTP 429', 'Retry-After: 3600s, longer than timeout']),
    ('p503ra', 'unavailable_retry', ['HTTP 503', 'Retry-After: 1s']),
]
# transient faults (the first two answers): the read gets through
TRANSIENT = ['html502', 'html503', 'html504', 'truncate_json', 'truncate', 'rate_limit', 'unavailable_retry',
             'drop_before']


def add_rule(proxy, method, path, action, **kw):
    if ':' in action:
        action, seconds = action.split(':')
        kw['retry_after'] = int(seconds)
    return proxy.add(method, path + '$', action, **kw)


@pytest.fixture
def proxy(sim):
    p = FaultProxy(sim.url).start()
    yield p
    p.stop()


def client(proxy, sim, **kw):
    kw.setdefault('timeout', 4)
    return ProGetClient(proxy.url, api_key=sim.api_key, backoff=0.1, **kw)


def test_client_reads_through_transient_faults_and_explains_lasting_ones(sim, proxy):
    sim.api('POST', 'api/management/feeds/create', json={'name': 'ok', 'feedType': 'npm'}, expect=(200, 201))
    for action in TRANSIENT:
        proxy.clear()
        add_rule(proxy, 'GET', 'api/management/feeds/get/ok', action, times=2)
        started = time.time()
        assert client(proxy, sim).get_json('api/management/feeds/get/ok')['name'] == 'ok', action
        if action in ('rate_limit', 'unavailable_retry'):   # Retry-After: 1 honoured twice
            assert time.time() - started >= 2.0, action
    messages = {}
    for case, action, words in FAILING:
        sim.api('POST', 'api/management/feeds/create', json={'name': case, 'feedType': 'npm'}, expect=(200, 201))
        proxy.clear()
        add_rule(proxy, 'GET', 'api/management/feeds/get/' + case, action)
        started = time.time()
        with pytest.raises(ProGetError) as e:
            client(proxy, sim, timeout=2).get_json('api/management/feeds/get/' + case)
        took = time.time() - started
        msg = str(e.value)
        messages[case] = msg
        assert all(w in msg for w in words), (case, msg)
        assert not any(f in msg for f in FORBIDDEN), (case, msg)
        assert took < 2 + 2.5, (case, took)    # bounded by the timeout (2 s here) and one wait
    assert 'attempts over' in messages['p502'] and 'attempts over' not in messages['p429long']


def test_writes_behind_a_proxy_are_never_sent_twice_blindly(sim, proxy):
    c = client(proxy, sim, timeout=10)
    # the answer of a create is lost (504 after the proxy forwarded it? no: the proxy kills the answer)
    add_rule(proxy, 'POST', 'api/management/feeds/create', 'kill_after_forward', times=1, hook=lambda h: None)
    from ansible_collections.cac.proget.plugins.module_utils.engine import reconcile
    from ansible_collections.cac.proget.plugins.module_utils.feeds import FeedResource
    feed = FeedResource()
    params = dict((n, None) for n in feed.fields)
    params.update(name='w1', type='npm', state='present')
    outcome = reconcile(c, feed, params)
    assert outcome['action'] == 'create'
    creates = [s for s in proxy.seen if s[1] == 'POST']
    assert len(creates) == 1, proxy.seen   # the create was applied once; the client looked, then stopped
    # a 429 on a write: not sent again, the message says so
    proxy.clear()
    add_rule(proxy, 'POST', 'api/management/feeds/create', 'rate_limit')
    params.update(name='w2')
    with pytest.raises(ProGetError) as e:
        reconcile(c, feed, params)
    assert 'HTTP 429' in str(e.value) and 'the write was not sent again' in str(e.value)
    assert len([s for s in proxy.seen if s[1] == 'POST']) == 1
    # a 502 HTML page on a write: re-read first; the feed does not exist, so it is created once more
    proxy.clear()
    add_rule(proxy, 'POST', 'api/management/feeds/create', 'html502', times=1)
    params.update(name='w3')
    assert reconcile(c, feed, params)['action'] == 'create'
    methods = [s[1] for s in proxy.seen]
    assert methods[:2] == ['GET', 'POST'] and methods[2] == 'GET' and methods.count('POST') == 2, proxy.seen
    names = [f['name'] for f in sim.api('GET', 'api/management/feeds/list', expect=200).json()]
    assert sorted(names) == ['w1', 'w3']


PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
%s
'''


def test_ansible_output_through_a_faulty_proxy_is_actionable(sim, proxy, play_runner):
    """Every lasting fault through ansible-playbook at -vvv: a failed task with the message, no traceback;
    then a state document converges through transient faults and a second run changes nothing."""
    tasks = []
    for case, action, _ in FAILING:
        sim.api('POST', 'api/management/feeds/create', json={'name': case, 'feedType': 'npm'}, expect=(200, 201))
        add_rule(proxy, 'GET', 'api/management/feeds/get/' + case, action)
        tasks.append('    - name: %s\n      cac.proget.proget_feed_info: {name: %s, timeout: 3}\n'
                     '      ignore_errors: true' % (case, case))
    run = play_runner(sim=sim)
    result = run(PLAY % '\n'.join(tasks), verbosity=3, env={'PROGET_URL': proxy.url})
    output = result.stdout + result.stderr
    bad = [f for f in FORBIDDEN if f in output]
    assert not bad, output[-5000:]
    for case, _, words in FAILING:
        task = result.task(case)
        assert task['failed'] and all(w in task['msg'] for w in words), (case, task['msg'])
    # a state document through a proxy that fails every kind of read now and then
    proxy.clear()
    doc = document(prefix='y', connectors=5, feeds=20, licenses=5, api_keys=5, settings=5)
    for i, action in enumerate(TRANSIENT):
        add_rule(proxy, 'GET', r'api/.*/list', action, times=1, skip=i)
    done = run(STATE_PLAY, extra_vars={'doc': doc}, env={'PROGET_URL': proxy.url}, verbosity=1)
    assert done.task('state')['result']['summary']['create'] == 40
    assert_exact(sim, doc, 'y')
    figures(sim.log())
    sim.clear_log()
    again = run(STATE_PLAY, extra_vars={'doc': doc}, env={'PROGET_URL': proxy.url})
    assert not again.task('state')['changed'] and sim.writes() == []
    print('\nFIGURES proxy: %d lasting faults and %d transient faults tried through ansible-playbook and the client, '
          '%d fault answers served by the proxy in the last play'
          % (len(FAILING), len(TRANSIENT), proxy.faults()))
    with open(os.path.join(ROOT, 'build', 'proxy-messages.json'), 'w') as f:
        json.dump(dict((c, result.task(c)['msg']) for c, _, _ in FAILING), f, indent=2)
