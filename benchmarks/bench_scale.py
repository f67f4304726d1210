#!/usr/bin/env python3
"""Fleets, large documents and parallel writes, measured side by side in one run (not a test).

Prints, on the bundled test server (sims on 127.0.0.1):

1. growth (no injected latency): playbooks/configure.yml (role proget_config -> proget_state)
   a. with the number of servers (1, 5, 10, 20; forks = servers; 100 objects each) and
   b. with the objects of one server (100, 1,000, 5,000):
   first converge and no-op time of the proget_state task, HTTP requests per server, and the peak
   RSS (VmHWM) of one module process;
2. with 25 ms of latency per request (a remote ProGet):
   a. first converge of 1,000 objects: proget_state with parallel_writes vs the same writes (the
      requests proget_state sends, captured from an in-process sim) sent one after another by a
      plain `requests` script (goal >= 4x);
   b. asset directory sync of 1,000 new 4 KiB files: parallel_writes vs one upload at a time (goal >= 4x);
   c. no-op of a 5,000-object document: time, requests per kind, module RSS (goals: < 5 s, one request
      per kind, < 300 MiB);
   d. fleet no-op, 20 servers with forks 20: proget_state task time per server against the
      single-server time divided by the machine's cores.

    .venv/core-2.19/bin/python benchmarks/bench_scale.py             # make bench (~4 min)
    .venv/core-2.19/bin/python benchmarks/bench_scale.py --smoke     # make bench-smoke (small sizes)

Times are the proget_state task's wall time (task start to its last result, Ansible's module start
included) from benchmarks/callback_plugins/task_timing.py; the plain script is timed around its loop.
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, 'tests'))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'integration'))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'fleet'))

import harness  # noqa: E402
from rss import RssWatcher  # noqa: E402  (benchmarks/, the script's directory)
import requests  # noqa: E402
from fleetlib import CONFIGURE, write_inventory  # noqa: E402

TASK = 'cac.proget.proget_config : Apply the state document'
TYPES = ['nuget', 'npm', 'pypi', 'docker', 'universal', 'maven', 'helm']


def document(objects, host='bench'):
    """``objects`` objects: 10% connectors, 70% feeds (some using a connector), 10% licenses, 10% settings."""
    n = max(1, objects // 10)
    feeds = objects - 3 * n
    return {
        'proget_connectors': [{'name': 'conn-%04d' % i, 'type': 'nuget',
                               'url': 'https://upstream.example/%s/%d/' % (host, i)} for i in range(n)],
        'proget_feeds': [dict({'name': 'feed-%04d' % i, 'type': TYPES[i % len(TYPES)], 'description': 'feed %d' % i},
                              **({'connectors': ['conn-%04d' % (i % n)]} if i % len(TYPES) == 0 else {}))
                         for i in range(feeds)],
        'proget_licenses': [{'code': 'LIC-%04d' % i, 'title': 'License %d' % i} for i in range(n)],
        'proget_settings': [{'name': 'Custom.Bench.%04d' % i, 'value': str(i)} for i in range(n)],
    }


def count(doc):
    return sum(len(v) for v in doc.values() if isinstance(v, list))


class Bench:
    def __init__(self, work):
        self.work = work
        self.sims = []
        self.runner = harness.PlayRunner(os.path.join(work, 'plays'), sim=None, api_key=None)
        self.timing = os.path.join(work, 'timing.jsonl')
        self.count = 0

    def sim(self, **options):
        s = harness.start_sim(data_dir=tempfile.mkdtemp(prefix='sim-', dir=self.work), system_key='bench-key',
                              **options)
        self.sims.append(s)
        return s

    def stop(self):
        for s in self.sims:
            s.stop()

    def play(self, playbook, inventory=None, forks=None, extra_vars=None, needle='AnsiballZ_proget_state', task=TASK):
        """Run a playbook; -> (task seconds, peak RSS MiB of one module process, PlayResult)."""
        if os.path.exists(self.timing):
            os.remove(self.timing)
        args = []
        if inventory:
            args += ['-i', inventory]
        if forks:
            args += ['--forks', str(forks)]
        watcher = RssWatcher(needle)
        watcher.start()
        result = self.runner(playbook, args=args, extra_vars=extra_vars, env={
            'CAC_TIMING_FILE': self.timing,
            'ANSIBLE_CALLBACK_PLUGINS': os.path.join(HERE, 'callback_plugins') + os.pathsep + harness.CALLBACKS,
            'ANSIBLE_CALLBACKS_ENABLED': 'task_timing,cac_results'})
        rss = watcher.stop()
        rows = [json.loads(line) for line in open(self.timing)]
        seconds = sum(r['seconds'] for r in rows if r['task'] == task or r['task'].endswith(task))
        return seconds, rss, result

    def fleet(self, servers, objects, latency_ms=0, parallel=1):
        sims = dict(('proget-%02d' % i, self.sim(latency_ms=latency_ms)) for i in range(servers))
        docs = dict((name, document(objects, name)) for name in sims)
        self.count += 1
        inventory = write_inventory(os.path.join(self.work, 'inventory-%d.json' % self.count), sims, docs,
                                    proget_parallel_writes=parallel)
        return sims, docs, inventory

    def converge_and_noop(self, servers, objects, latency_ms=0, parallel=1):
        sims, docs, inventory = self.fleet(servers, objects, latency_ms, parallel)
        first, first_rss, _ = self.play(CONFIGURE, inventory, forks=servers)
        for s in sims.values():
            s.clear_log()
        noop, noop_rss, result = self.play(CONFIGURE, inventory, forks=servers)
        logs = [s.log() for s in sims.values()]
        assert all(not e['write'] for log in logs for e in log), 'the no-op wrote'
        for s in sims.values():
            s.stop()
        return dict(first=first, noop=noop, requests=sum(len(log) for log in logs) / float(servers),
                    rss=max(first_rss, noop_rss), objects=count(next(iter(docs.values()))))


def captured_writes(doc):
    """The writes proget_state sends for ``doc`` on an empty server, as sent on the wire (method,
    path with query, body bytes): applied to an in-process sim through a transport that records them."""
    sys.path.insert(0, os.path.join(ROOT, 'build', 'collections'))
    from ansible_collections.cac.proget.plugins.module_utils.client import ProGetClient
    from ansible_collections.cac.proget.plugins.module_utils.state import Plan
    from progetsim.inprocess import SimAdapter
    from progetsim.server import Sim

    class Recorder(SimAdapter):
        def send(self, request, **kw):
            response = super(Recorder, self).send(request, **kw)
            if request.method not in ('GET', 'HEAD'):
                body = request.body.encode('utf-8') if isinstance(request.body, str) else request.body
                recorded.append((request.method, request.path_url, body, request.headers.get('Content-Type')))
            return response

    recorded = []
    data = tempfile.mkdtemp(prefix='capture-')
    sim = Sim(data, system_key='bench-key')
    client = ProGetClient('http://sim.invalid', api_key='bench-key')
    client.session.mount('http://', Recorder(sim))
    Plan(client, dict((k[len('proget_'):], v) for k, v in doc.items())).build().apply()
    sim.store.close()
    shutil.rmtree(data, ignore_errors=True)
    return recorded


def plain_script(sim, writes):
    """The captured writes, one after another, with one requests.Session (keep-alive)."""
    session = requests.Session()
    session.headers['X-ApiKey'] = sim.api_key
    started = time.time()
    for method, path, body, content_type in writes:
        headers = {'Content-Type': content_type} if content_type else {}
        r = session.request(method, sim.url + path, data=body or b'', headers=headers, timeout=30)
        assert r.status_code < 300, (method, path, r.status_code, r.text[:200])
    return time.time() - started


def make_tree(path, files, size=4096):
    block = os.urandom(size * 4)
    for i in range(files):
        d = os.path.join(path, 'd%02d' % (i % 25))
        if not os.path.isdir(d):
            os.makedirs(d)
        with open(os.path.join(d, 'f%05d.bin' % i), 'wb') as f:
            f.write(block[i % size:i % size + size - 8] + i.to_bytes(8, 'big'))
    return path


def asset_sync(bench, tree, parallel, latency_ms):
    s = bench.sim(latency_ms=0)
    s.api('POST', 'api/management/feeds/create', json={'name': 'files', 'feedType': 'asset'}, expect=200)
    s.config(latency_ms=latency_ms)
    play = json.dumps([{'hosts': 'localhost', 'gather_facts': False, 'tasks': [
        {'name': 'sync', 'cac.proget.proget_asset': {
            'url': s.url, 'api_key': s.api_key, 'feed': 'files', 'path': 'site', 'state': 'directory', 'src': tree,
            'parallel_writes': parallel}}]}])
    seconds, rss, result = bench.play(play + '\n', needle='AnsiballZ_proget_asset', task='sync')
    uploaded = len(result.task('sync')['result']['plan']['upload'])
    s.stop()
    return seconds, uploaded


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--smoke', action='store_true', help='small sizes (make bench-smoke)')
    parser.add_argument('--parallel', type=int, default=8, help='parallel_writes of the latency runs')
    parser.add_argument('--latency-ms', type=int, default=25)
    args = parser.parse_args()
    if args.smoke:
        servers_axis, objects_axis, converge_n, files_n, noop_n, fleet_n = (1, 3), (50, 200), 100, 100, 500, 4
    else:
        servers_axis, objects_axis, converge_n, files_n, noop_n, fleet_n = (1, 5, 10, 20), (100, 1000, 5000), \
            1000, 1000, 5000, 20
    harness.ensure_collection_link()
    work = tempfile.mkdtemp(prefix='bench-scale-')
    bench = Bench(work)
    cores = os.cpu_count() or 1
    lines = []

    def goal(text):
        return '(%s)' % text if not args.smoke else '(smoke sizes; the goal, %s, is for make bench)' % text

    def out(line=''):
        print(line)
        sys.stdout.flush()
        lines.append(line)

    started = time.time()
    try:
        out('cac.proget scale benchmark: ansible-core %s, %d cores%s' % (harness.which_ansible()[1], cores,
                                                                          ', SMOKE sizes' if args.smoke else ''))
        out()
        out('1a. growth with servers (100 objects each, forks = servers, no latency, parallel_writes 1)')
        out('    servers  first converge  no-op    requests/server (no-op)  peak RSS of one module')
        for n in servers_axis:
            r = bench.converge_and_noop(n, 100)
            out('    %7d  %12.2f s  %5.2f s  %23.0f  %19.0f MiB' % (n, r['first'], r['noop'], r['requests'], r['rss']))
        out()
        out('1b. growth with objects (one server, no latency, parallel_writes 1)')
        out('    objects  first converge  no-op    requests (no-op)  peak RSS of one module')
        for n in objects_axis:
            r = bench.converge_and_noop(1, n)
            out('    %7d  %12.2f s  %5.2f s  %16.0f  %19.0f MiB' % (r['objects'], r['first'], r['noop'], r['requests'],
                                                                   r['rss']))
        out()
        out('2. %d ms latency per request (a remote ProGet)' % args.latency_ms)
        # a. first converge: proget_state with parallel writes vs the same writes, one after another
        doc = document(converge_n)
        writes = captured_writes(doc)
        s = bench.sim(latency_ms=args.latency_ms)
        script = plain_script(s, writes)
        s.stop()
        sims, _, inventory = bench.fleet(1, converge_n, args.latency_ms, args.parallel)
        (sim,) = sims.values()
        state, state_rss, _ = bench.play(CONFIGURE, inventory)
        state_writes = len(sim.writes())
        out('2a. first converge of %d objects: plain requests script, %d writes one after another: %.2f s; '
            'proget_state parallel_writes %d: %.2f s (%d writes); ratio %.1fx %s'
            % (count(doc), len(writes), script, args.parallel, state, state_writes, script / state, goal('>= 4x')))
        # b. asset sync
        tree = make_tree(os.path.join(work, 'tree'), files_n)
        one, n1 = asset_sync(bench, tree, 1, args.latency_ms)
        many, n2 = asset_sync(bench, tree, args.parallel, args.latency_ms)
        assert n1 == n2 == files_n
        out('2b. asset sync of %d new 4 KiB files: one at a time %.2f s; parallel_writes %d: %.2f s; ratio %.1fx %s'
            % (files_n, one, args.parallel, many, one / many, goal('>= 4x')))
        # c. no-op of a big document
        sims, docs, inventory = bench.fleet(1, noop_n, 0)
        (sim,) = sims.values()
        bench.play(CONFIGURE, inventory)
        sim.config(latency_ms=args.latency_ms)
        sim.clear_log()
        noop, noop_rss, _ = bench.play(CONFIGURE, inventory)
        log = sim.log()
        kinds = [k for k, v in next(iter(docs.values())).items() if isinstance(v, list) and v]
        out('2c. no-op of %d objects: %.2f s %s; %d requests for %d kinds (%s); module peak RSS %.0f MiB %s'
            % (noop_n, noop, goal('< 5 s'), len(log), len(kinds), ', '.join(e['path'] for e in log), noop_rss,
               goal('< 300 MiB')))
        assert len(log) == len(kinds), 'a no-op is one request per kind'
        # d. fleet no-op
        sims, docs, inventory = bench.fleet(1, 100, args.latency_ms)
        bench.play(CONFIGURE, inventory)
        single, _, _ = bench.play(CONFIGURE, inventory)
        sims, docs, inventory = bench.fleet(fleet_n, 100, args.latency_ms)
        bench.play(CONFIGURE, inventory, forks=fleet_n)
        fleet, fleet_rss, _ = bench.play(CONFIGURE, inventory, forks=fleet_n)
        per_server = fleet / fleet_n
        out('2d. fleet no-op, %d servers x 100 objects, forks %d: %.2f s, %.2f s per server; one server alone %.2f s, '
            '/ %d cores = %.2f s; per server / (single / cores) = %.2f (1.0 = CPU-bound ideal, below = better)'
            % (fleet_n, fleet_n, fleet, per_server, single, cores, single / cores, per_server / (single / cores)))
        out()
        out('total benchmark time %.0f s' % (time.time() - started))
    finally:
        bench.stop()
        shutil.rmtree(work, ignore_errors=True)
    return lines


if __name__ == '__main__':
    main()
