"""Interrupted runs: ``ansible-playbook`` killed with SIGKILL (its whole process group, as a cancelled AWX
job or an evicted runner pod) at chosen and at random points of a 300-object converge, and a ProGet
restarted in the middle of a run.

Killed runs go through faultproxy.py, which sees each request arrive: it kills the run just before a
request reaches the sim (the write never happens) or just after the sim applied it (the answer is lost),
during API key creation (generated and chosen secrets), during the parts and the completion of multipart
asset uploads, and at random writes (seeded). After each chain of kills the next run ends in exactly the
declared state: each object once (two API keys with one name is a failure), each asset with its content;
a further run changes nothing.

A restarted server: the sim is stopped and started again on the same data (two seconds down) three times
during one run. The run completes: reads are retried within the timeout, a write whose connection could
not be made is sent when the server is back, a write cut off is re-read before anything else; each object
is created once.

Seed: CAC_KILL_SEED (default 18); figures: ``FIGURES killed_runs`` / ``FIGURES restarts`` and
build/reliability-figures.json.
"""
import collections
import hashlib
import json
import os
import random
import signal
import subprocess
import threading
import time

from docs import assert_exact, document, record
from faultproxy import FaultProxy
from progetsim.testing import SimProcess

SEED = int(os.environ.get('CAC_KILL_SEED', '18'))

PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: state
      cac.proget.proget_state:
        timeout: "{{ timeout | default(30) }}"
        connectors: "{{ doc.connectors }}"
        feeds: "{{ doc.feeds }}"
        licenses: "{{ doc.licenses }}"
        api_keys: "{{ doc.api_keys }}"
        settings: "{{ doc.settings }}"
        assets: "{{ doc.assets | default(omit) }}"
      no_log: true
'''


def kill_document(tmp_path, prefix):
    """300 objects: 30 connectors, 140 feeds, 40 licenses, 40 API keys (half of them with a secret ProGet
    generates), 40 settings and 10 asset files uploaded in 4 parts each."""
    doc = document(prefix=prefix, connectors=30, feeds=140, licenses=40, api_keys=40, settings=40)
    for i, key in enumerate(doc['api_keys']):
        if i % 2:
            key.pop('key')
    asset_feeds = [f['name'] for f in doc['feeds'] if f['type'] == 'asset']
    rng = random.Random(SEED)
    doc['assets'] = []
    (tmp_path / 'files').mkdir(exist_ok=True)
    for i in range(10):
        src = tmp_path / 'files' / ('%s-%d.bin' % (prefix, i))
        src.write_bytes(bytes(rng.getrandbits(8) for _ in range(4 * 4096 - 100)))
        doc['assets'].append({'feed': asset_feeds[i % len(asset_feeds)], 'path': 'kill/file-%d.bin' % i,
                              'src': str(src), 'part_size': 4096})
    assert sum(len(v) for v in doc.values()) == 300
    return doc


def _children():
    out = collections.defaultdict(list)
    for name in os.listdir('/proc'):
        if not name.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % name) as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(')') + 2:].split()[1])
        out[ppid].append(int(name))
    return out


def kill_tree(root):
    """SIGKILL ``root`` and every process it started, as a cancelled AWX job or an evicted pod ends them.
    Ansible's workers call setsid(), so the process group is not enough: the tree is frozen (SIGSTOP)
    until no new process appears, then killed at once."""
    stopped = set()
    for _ in range(10):
        children, tree, todo = _children(), set(), [root]
        while todo:
            pid = todo.pop()
            if pid not in tree:
                tree.add(pid)
                todo.extend(children.get(pid, []))
        new = tree - stopped
        if not new:
            break
        for pid in new:
            try:
                os.kill(pid, signal.SIGSTOP)
            except ProcessLookupError:
                pass
        stopped |= new
    for pid in stopped:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


class Job(object):
    """One ansible-playbook run in a process group of its own, which kill() ends with SIGKILL."""

    def __init__(self, runner, sim, doc, url, tag):
        rundir = os.path.join(runner.workdir, tag)
        os.makedirs(rundir)
        with open(os.path.join(rundir, 'play.yml'), 'w') as f:
            f.write(PLAY)
        with open(os.path.join(rundir, 'vars.json'), 'w') as f:
            json.dump({'doc': doc}, f)
        open(os.path.join(rundir, 'ansible.cfg'), 'w').close()
        with open(os.path.join(rundir, 'inventory.ini'), 'w') as f:
            f.write('localhost ansible_connection=local ansible_python_interpreter=%s\n'
                    % os.path.join(runner.venv, 'bin', 'python'))
        env = runner.env(sim=sim, rundir=rundir, extra={'PROGET_URL': url})
        env['CAC_RESULTS_FILE'] = os.path.join(rundir, 'results.jsonl')
        self.out = open(os.path.join(rundir, 'output.txt'), 'wb')
        self.proc = subprocess.Popen(
            [os.path.join(runner.venv, 'bin', 'ansible-playbook'), '-i', 'inventory.ini', 'play.yml',
             '-e', '@vars.json'], cwd=rundir, env=env, stdout=self.out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True)
        self.killed_at = None
        self.rundir = rundir

    def kill(self, handler=None):
        if self.killed_at is None:
            self.killed_at = handler.path if handler is not None else 'timer'
            kill_tree(self.proc.pid)

    def wait(self, timeout=600):
        try:
            rc = self.proc.wait(timeout)
        finally:
            self.out.close()
        with open(os.path.join(self.rundir, 'output.txt'), errors='replace') as f:
            self.output = f.read()
        return rc


KIND_WRITES = [r'^api/management/connectors/', r'^api/management/feeds/', r'^api/licenses/', r'^api/api-keys/',
               r'^api/settings/', r'^endpoints/']


def label(target):
    """What a request target is, for the figures."""
    path, _, query = target.lstrip('/').partition('?')
    if 'multipart=upload' in query:
        return 'asset multipart part'
    if 'multipart=complete' in query:
        return 'asset multipart complete'
    if path.startswith('endpoints/'):
        return 'asset ' + path.split('/')[2]
    return ' '.join(path.split('/')[-2:])


def assert_assets(sim, doc):
    for entry in doc.get('assets', []):
        got = sim.api('GET', 'endpoints/%s/content/%s' % (entry['feed'], entry['path']), expect=200).content
        with open(entry['src'], 'rb') as f:
            assert hashlib.sha256(got).hexdigest() == hashlib.sha256(f.read()).hexdigest(), entry['path']
    listed = sim.api('GET', 'api/api-keys/list', expect=200).json()
    names = collections.Counter(k['displayName'] for k in listed)
    assert not [n for n, c in names.items() if c > 1], names


def test_killed_runs_leave_nothing_the_next_run_cannot_finish(sim, play_runner, tmp_path):
    rng = random.Random(SEED)
    runner = play_runner(sim=sim)
    proxy = FaultProxy(sim.url).start()
    trials, survived, chains, kinds_hit = 0, 0, 0, collections.Counter()
    try:
        # three chains of four kills each, then a run that must finish; the sim starts empty each time
        # (method, path pattern, matching requests let through first, killed before or after the sim got it)
        plans = [
            [('POST', r'^api/api-keys/create$', 3, 'after'), ('POST', r'^api/api-keys/create$', 20, 'after'),
             ('POST', r'^api/api-keys/create$', 2, 'before'), ('WRITE', r'^endpoints/', 1, 'after')],
            [('WRITE', r'.', rng.randint(20, 120), 'after'), ('WRITE', r'.', rng.randint(1, 60), 'before'),
             ('WRITE', r'^endpoints/', 5, 'before'), ('WRITE', r'^endpoints/', 2, 'after')],
            # four kinds drawn at random, in the order the run writes them, each at a random write
            [('WRITE', pattern, rng.randint(0, 8), rng.choice(['before', 'after']))
             for pattern in sorted(rng.sample(KIND_WRITES, 4), key=KIND_WRITES.index)],
        ]
        for number, plan in enumerate(plans):
            chains += 1
            sim.reset()
            doc = kill_document(tmp_path, 'k%d' % number)
            for index, (method, pattern, skip, when) in enumerate(plan):
                proxy.clear()
                job = None

                def kill(handler):
                    job.kill(handler)
                    time.sleep(0.2)   # the whole group is gone before the proxy drops the connection
                proxy.add(method, pattern, 'hook_before' if when == 'before' else 'kill_after_forward',
                          times=1, skip=skip, hook=kill)
                job = Job(runner, sim, doc, proxy.url, 'chain%d-kill%d' % (number, index))
                rc = job.wait()
                trials += 1
                assert job.killed_at is not None, 'the run ended (rc %s) before the kill point %r:\n%s' % (
                    rc, (method, pattern, skip, when), job.output[-3000:])
                assert rc == -signal.SIGKILL, rc
                kinds_hit[label(job.killed_at) + ' (%s)' % when] += 1
            # the next run finishes the job: exactly the declared state, each object once
            job = Job(runner, sim, doc, sim.url, 'chain%d-finish' % number)
            rc = job.wait()
            assert rc == 0, job.output[-5000:]
            assert_exact(sim, doc, 'k%d' % number)
            assert_assets(sim, doc)
            survived += len(plan)
            sim.clear_log()
            again = Job(runner, sim, doc, sim.url, 'chain%d-again' % number)
            assert again.wait() == 0, again.output[-3000:]
            assert sim.writes() == [], sim.writes()[:5]
    finally:
        proxy.stop()
    assert trials >= 12 and survived == trials
    record('killed_runs', {'trials': trials, 'survived': survived, 'chains': chains, 'seed': SEED,
                           'kill_points': dict(kinds_hit)})


def test_a_server_restarted_three_times_during_a_run(sim_factory, play_runner, tmp_path):
    sim = sim_factory()
    sim.config(latency_ms=8)
    doc = document(prefix='s', connectors=20, feeds=80, licenses=20, api_keys=20, settings=20)
    runner = play_runner(sim=sim)
    job = Job(runner, sim, doc, sim.url, 'restarted')
    restarts, down = [], 2.0
    errors = []

    def restarter():
        try:
            for threshold in (25, 70, 120):
                while job.proc.poll() is None:
                    if len([e for e in sim.log() if e.get('write')]) >= threshold:
                        break
                    time.sleep(0.05)
                if job.proc.poll() is not None:
                    return
                SimProcess.stop(sim)
                started = time.time()
                time.sleep(down)
                SimProcess.start(sim)
                sim.config(latency_ms=8)
                restarts.append(round(time.time() - started, 1))
        except Exception as e:  # pylint: disable=broad-except
            errors.append(e)

    thread = threading.Thread(target=restarter)
    thread.start()
    rc = job.wait()
    thread.join()
    assert not errors, errors
    assert len(restarts) == 3, (restarts, job.output[-3000:])
    assert rc == 0, job.output[-5000:]
    assert_exact(sim, doc, 's')
    # each object written once at most: no write was applied twice (one cut off by a restart may have been
    # applied without its log entry; the next run found it)
    applied = [e for e in sim.log() if e.get('write')]
    assert len(applied) <= sum(len(v) for v in doc.values()), len(applied)
    sim.clear_log()
    again = Job(runner, sim, doc, sim.url, 'restarted-again')
    assert again.wait() == 0 and sim.writes() == []
    record('restarts', {'restarts_survived': len(restarts), 'seconds_down_each': restarts,
                        'objects': sum(len(v) for v in doc.values())})
