"""Parallel writes (module_utils/parallel.py): run_bounded, the client clones, Plan.levels/apply with
``parallel_writes`` and the parallel uploads of an asset directory sync, against the in-process sim
(fixture ``proget``)."""
import threading
import time

import pytest
from progetsim.inprocess import writes

from ansible_collections.cac.proget.plugins.module_utils import assets
from ansible_collections.cac.proget.plugins.module_utils.client import ProGetError
from ansible_collections.cac.proget.plugins.module_utils.parallel import (
    DONE, FAILED, NOT_STARTED, checked_workers, clone_client, run_bounded)
from ansible_collections.cac.proget.plugins.module_utils.state import Plan, StateError

RANK = ['connectors', 'feeds', 'licenses', 'api_keys', 'settings']


def document(n=12, prefix='p'):
    return {
        'connectors': [{'name': '%s-conn-%d' % (prefix, i), 'type': 'nuget',
                        'url': 'https://upstream.example/%d/' % i} for i in range(n // 3)],
        'feeds': [dict({'name': '%s-feed-%02d' % (prefix, i), 'type': 'nuget'},
                       **({'connectors': ['%s-conn-%d' % (prefix, i % (n // 3))]} if i % 2 else {}))
                  for i in range(n)],
        'licenses': [{'code': '%s-LIC-%d' % (prefix.upper(), i), 'title': 'L %d' % i} for i in range(n // 3)],
        'api_keys': [{'name': '%s-key-%d' % (prefix, i), 'type': 'system', 'system_apis': ['feeds'],
                      'key': 'secret-%s-%d' % (prefix, i)} for i in range(n // 3)],
        'settings': [{'name': 'Custom.%s.S%d' % (prefix, i), 'value': str(i)} for i in range(n // 3)],
    }


def kind_of(path):
    for marker, kind in (('connectors', 'connectors'), ('feeds', 'feeds'), ('licenses', 'licenses'),
                         ('api-keys', 'api_keys'), ('settings', 'settings')):
        if marker in path:
            return kind
    return None


def names(client):
    store = client.sim.store
    return dict(feeds=sorted(f['name'] for f in store.all('feed')),
                connectors=sorted(c['name'] for c in store.all('connector')))


# -- run_bounded ---------------------------------------------------------------------------------
def test_checked_workers():
    assert checked_workers(None) == 1 and checked_workers(8) == 8
    for bad in (0, -1, 33):
        with pytest.raises(ValueError) as e:
            checked_workers(bad)
        assert 'parallel_writes must be between 1 and 32' in str(e.value)


def test_one_worker_runs_in_the_calling_thread_with_the_callers_client(proget):
    seen = []
    jobs = [lambda c, i=i: seen.append((i, c, threading.current_thread())) or i for i in range(3)]
    out = run_bounded(jobs, proget, 1)
    assert out == [(DONE, 0), (DONE, 1), (DONE, 2)]
    assert [s[0] for s in seen] == [0, 1, 2]
    assert all(c is proget and t is threading.current_thread() for _, c, t in seen)


def test_workers_run_at_once_each_with_its_own_session(proget):
    barrier = threading.Barrier(4, timeout=10)
    sessions = []

    def job(client):
        sessions.append(client.session)
        barrier.wait()   # only passes when 4 jobs run at the same time
        return client.get_json('api/management/feeds/list')

    out = run_bounded([job] * 8, proget, 4)
    assert [s for s, _ in out] == [DONE] * 8
    assert len(set(map(id, sessions))) == 4 and proget.session not in sessions
    assert proget.requests_sent == 8   # the workers' requests are counted on the caller's client


def test_after_a_failure_no_new_job_starts(proget):
    started = []

    def job(i):
        def run(client):
            started.append(i)
            if i == 2:
                raise ProGetError('boom %d' % i)
            time.sleep(0.05)
            return i
        return run

    out = run_bounded([job(i) for i in range(20)], proget, 3)
    assert out[2][0] == FAILED and str(out[2][1]) == 'boom 2'
    assert len(started) < 20 and out[-1] == (NOT_STARTED, None)
    assert all(out[i][0] == DONE for i in started if i != 2)
    assert all(out[i] == (NOT_STARTED, None) for i in range(20) if i not in started)


def test_a_clone_shares_settings_and_secrets_not_the_session(proget):
    twin = clone_client(proget)
    assert twin.session is not proget.session
    assert twin.session.headers['X-ApiKey'] == proget.session.headers['X-ApiKey']
    assert twin.session.adapters['http://'] is proget.session.adapters['http://']   # the in-process transport
    twin.add_secret('hush-hush')
    assert 'hush-hush' not in proget.scrub('a hush-hush b')
    twin.session.headers['X-Test'] = '1'
    assert 'X-Test' not in proget.session.headers


def test_a_clone_of_a_real_client_gets_its_own_connection_pool():
    from ansible_collections.cac.proget.plugins.module_utils.client import ProGetClient
    client = ProGetClient('https://proget.example', api_key='k', ca_path='/tmp/ca.pem')
    twin = clone_client(client)
    a, b = client.session.adapters['https://'], twin.session.adapters['https://']
    assert a is not b and a.poolmanager is not b.poolmanager
    assert b._pool_maxsize == a._pool_maxsize and twin.verify == '/tmp/ca.pem'


# -- Plan.levels / Plan.apply ----------------------------------------------------------------------
def test_levels_keep_the_kind_order_and_put_connector_deletions_alone(proget):
    Plan(proget, document(n=12, prefix='old')).build().apply()
    doc = document(n=12, prefix='new')
    plan = Plan(proget, doc, prune=['connectors', 'feeds'], prune_max=100, prune_max_percent=100).build()
    levels = plan.levels()
    kinds = [(level[0]['kind'], level[0]['action'] == 'delete', len(level)) for level in levels]
    assert kinds[:5] == [('connectors', False, 4), ('feeds', False, 12), ('licenses', False, 4),
                         ('api_keys', False, 4), ('settings', False, 4)]
    assert kinds[5] == ('feeds', True, 12)              # feeds deleted together, before the connectors
    assert kinds[6:] == [('connectors', True, 1)] * 4   # detached from feeds one by one: alone


def test_parallel_apply_converges_in_kind_order(proget):
    doc = document(n=24)
    plan = Plan(proget, doc).build()
    applied = plan.apply(parallel_writes=8)
    assert len(applied) == 24 + 8 * 4
    got = [kind_of(e['path']) for e in proget.sim.read_log() if e['write']]
    assert sorted(got, key=RANK.index) == got        # every connector before every feed, ...
    assert names(proget)['feeds'] == sorted(f['name'] for f in doc['feeds'])
    proget.sim.clear_log()
    again = Plan(proget, doc).build()
    assert again.summary()['unchanged'] == 24 + 8 * 4 and again.apply(parallel_writes=8) == []
    assert writes(proget.sim) == []


def test_parallel_writes_overlap(proget):
    """With 25 ms per request, 16 feeds take ~16 x 25 ms one by one and ~2 x 25 ms eight at a time."""
    doc = {'feeds': [{'name': 'lat-%02d' % i, 'type': 'npm'} for i in range(16)]}
    proget.sim.config['latency_ms'] = 25
    plan = Plan(proget, doc).build()
    started = time.time()
    plan.apply(parallel_writes=8)
    took = time.time() - started
    assert took < 16 * 0.025 * 0.6, took
    assert len(names(proget)['feeds']) == 16


def test_a_failure_reports_applied_failed_and_not_applied_exactly(proget):
    doc = document(n=24)
    plan = Plan(proget, doc).build()
    total = len(plan.ordered_writes())
    proget.sim.clear_log()
    proget.sim.config['fail_every'] = 2
    with pytest.raises(StateError) as e:
        plan.apply(parallel_writes=4)
    proget.sim.config['fail_every'] = 0
    report = e.value.report
    failed = report.get('failed_objects') or [report['failed_object']]
    assert report['failed_object'] == failed[0] and 'HTTP 500' in failed[0]['error']
    assert len(report['applied']) + len(failed) + len(report['not_applied']) == total
    assert '(applied %d of %d changes; %d not applied)' % (len(report['applied']), total,
                                                          len(report['not_applied'])) in str(e.value)
    # what is reported as applied is on the server; what was not applied is not
    live = set(names(proget)['feeds'] + names(proget)['connectors'])
    assert all(s['name'] in live for s in report['applied'] if s['kind'] in ('feeds', 'connectors'))
    assert not any(s['name'] in live for s in report['not_applied'] if s['kind'] in ('feeds', 'connectors'))
    # and the next run completes the job
    Plan(proget, doc).build().apply(parallel_writes=4)
    assert names(proget)['feeds'] == sorted(f['name'] for f in doc['feeds'])


def test_every_failure_of_a_level_is_reported(proget):
    doc = {'feeds': [{'name': 'bad-%d' % i, 'type': 'npm'} for i in range(4)]}
    plan = Plan(proget, doc).build()
    barrier = threading.Barrier(4, timeout=10)
    for step in plan.steps:
        real = step['resource'].apply

        def failing(client, params, current, catalog, real=real):
            barrier.wait()
            raise ProGetError('refused %s' % params['name'])
        step['resource'].apply = failing
    with pytest.raises(StateError) as e:
        plan.apply(parallel_writes=4)
    report = e.value.report
    assert [f['name'] for f in report['failed_objects']] == ['bad-0', 'bad-1', 'bad-2', 'bad-3']
    assert report['failed_object']['name'] == 'bad-0' and report['applied'] == [] and report['not_applied'] == []
    assert '3 more writes sent at the same time failed too' in str(e.value)


def test_a_bug_in_a_worker_is_raised_not_reported(proget):
    plan = Plan(proget, {'feeds': [{'name': 'x', 'type': 'npm'}, {'name': 'y', 'type': 'npm'}]}).build()
    for step in plan.steps:
        step['resource'].apply = lambda *a: 1 / 0
    with pytest.raises(ZeroDivisionError):
        plan.apply(parallel_writes=2)


# -- asset directory sync ----------------------------------------------------------------------------
def tree(path, n):
    for i in range(n):
        sub = path / ('d%d' % (i % 3))
        sub.mkdir(parents=True, exist_ok=True)
        (sub / ('f%03d.txt' % i)).write_bytes(('file %d\n' % i).encode() * (i + 1))
    return path


def sync(client, src, workers, **kw):
    return assets.ensure_asset(client, assets.asset_params(dict(
        feed='files', path='site', state='directory', src=str(src), parallel_writes=workers, **kw)), False)


def test_directory_sync_uploads_in_parallel_and_stays_idempotent(proget, tmp_path):
    proget.post_json('api/management/feeds/create', {'name': 'files', 'feedType': 'asset'})
    src = tree(tmp_path / 'src', 30)
    proget.sim.config['latency_ms'] = 20
    started = time.time()
    out = sync(proget, src, 8)
    took = time.time() - started
    proget.sim.config['latency_ms'] = 0
    assert len(out['plan']['upload']) == 30 and took < 30 * 0.02 * 0.6, took
    listed = assets.list_items(proget, 'files', 'site')
    assert sorted(i['path'] for i in listed if not assets.is_dir(i)) == sorted(
        'site/d%d/f%03d.txt' % (i % 3, i) for i in range(30))
    for i in (0, 17, 29):
        item = assets.get_item(proget, 'files', 'site/d%d/f%03d.txt' % (i % 3, i))
        assert item['size'] == len(('file %d\n' % i).encode()) * (i + 1)
    proget.sim.clear_log()
    again = sync(proget, src, 8)
    assert not again['changed'] and writes(proget.sim) == []
    # deletions (delete: true) go the same way, before the uploads
    for i in range(10):
        (src / ('d%d' % (i % 3)) / ('f%03d.txt' % i)).unlink()
    out = sync(proget, src, 4, delete=True)
    assert len(out['plan']['delete']) == 10
    assert len([i for i in assets.list_items(proget, 'files', 'site') if not assets.is_dir(i)]) == 20


def test_a_failed_upload_names_the_file_and_the_next_run_uploads_the_rest(proget, tmp_path):
    proget.post_json('api/management/feeds/create', {'name': 'files', 'feedType': 'asset'})
    src = tree(tmp_path / 'src', 24)
    proget.sim.config['fail_every'] = 9
    with pytest.raises(ProGetError) as e:
        sync(proget, src, 4)
    proget.sim.config['fail_every'] = 0
    assert 'upload of site/' in str(e.value) and 'HTTP 500' in str(e.value)
    assert 'uploads done before the failure, the next run does the rest' in str(e.value)
    out = sync(proget, src, 4)
    assert 0 < len(out['plan']['upload']) < 24
    assert not sync(proget, src, 4)['changed']


def test_parallel_writes_out_of_range_is_refused_before_any_request(proget, tmp_path):
    with pytest.raises(Exception) as e:
        sync(proget, tree(tmp_path / 'src', 2), 0)
    assert 'parallel_writes must be between 1 and 32' in str(e.value)
    assert proget.sim.read_log() == []


# -- uncertain writes: looked at, then sent again (engine._write) -------------------------------------
def test_an_uncertain_write_is_rechecked_and_resent_until_it_is_certain(proget):
    from ansible_collections.cac.proget.plugins.module_utils.engine import reconcile
    from ansible_collections.cac.proget.plugins.module_utils.feeds import FeedResource
    real, lost = proget.request, []

    def flaky(method, path, *args, **kwargs):
        if path == 'api/management/feeds/create' and len(lost) < 3:
            lost.append(path)   # dropped before it reached ProGet, three times in a row
            raise ProGetError('POST %s: connection dropped' % path, method='POST', path=path, uncertain=True)
        return real(method, path, *args, **kwargs)
    proget.request = flaky
    params = dict((k, None) for k in FeedResource.fields)
    params.update(name='x', type='npm', state='present')
    assert reconcile(proget, FeedResource(), params)['action'] == 'create'
    assert proget.sim.store.find('feed', 'x') is not None
    got = [(e['method'], e['path']) for e in proget.sim.read_log()]
    # each resend came after a read that found the feed still missing (the first read: reconcile's own)
    assert got == [('GET', '/api/management/feeds/get/x')] * 4 + [('POST', '/api/management/feeds/create')]


def test_an_uncertain_write_gives_up_after_the_resends(proget):
    from ansible_collections.cac.proget.plugins.module_utils.engine import UNCERTAIN_RESENDS, reconcile
    from ansible_collections.cac.proget.plugins.module_utils.feeds import FeedResource
    real, lost = proget.request, []

    def dead(method, path, *args, **kwargs):
        if path == 'api/management/feeds/create':
            lost.append(path)
            raise ProGetError('POST %s: HTTP 500: boom' % path, status=500, method='POST', path=path, uncertain=True)
        return real(method, path, *args, **kwargs)
    proget.request = dead
    params = dict((k, None) for k in FeedResource.fields)
    params.update(name='x', type='npm', state='present')
    with pytest.raises(ProGetError) as e:
        reconcile(proget, FeedResource(), params)
    assert "failed to create feed 'x'" in str(e.value) and 'HTTP 500' in str(e.value)
    assert len(lost) == 1 + UNCERTAIN_RESENDS
