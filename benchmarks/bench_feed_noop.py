#!/usr/bin/env python3
"""No-op proget_feed against ansible.builtin.uri GET of the same feed, side by side.

One ansible-playbook run (one process of measurement) alternates rounds of N no-op
`cac.proget.proget_feed` executions and N `ansible.builtin.uri` GETs of the same feed against the
bundled test server, after a warm-up of each. Prints the per-execution times, their ratio (goal:
at most 1.3) and the number of HTTP requests one no-op proget_feed run makes (goal: one).

    .venv/core-2.19/bin/python benchmarks/bench_feed_noop.py [--rounds 5] [--items 20]
"""
import argparse
import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'tests', 'integration'))

import harness  # noqa: E402

FEED = {'name': 'bench-nuget', 'type': 'nuget', 'description': 'benchmark feed', 'active': True,
        'retention_enabled': True, 'retention_rules': [{'keep_versions_count': 5}]}


def play(rounds, items):
    tasks = []
    for r in range(rounds + 1):   # round 0 is the warm-up
        tasks.append({'name': 'proget_feed %d' % r, 'cac.proget.proget_feed': FEED,
                      'loop': '{{ range(%d) | list }}' % items})
        tasks.append({'name': 'uri %d' % r, 'ansible.builtin.uri': {
            'url': '{{ lookup("env", "PROGET_URL") }}/api/management/feeds/get/bench-nuget',
            'headers': {'X-ApiKey': '{{ lookup("env", "PROGET_API_KEY") }}'}, 'return_content': True},
            'loop': '{{ range(%d) | list }}' % items})
    return json.dumps([{'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}], indent=1) + '\n'


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--rounds', type=int, default=5)
    parser.add_argument('--items', type=int, default=20)
    args = parser.parse_args()
    harness.ensure_collection_link()
    work = tempfile.mkdtemp(prefix='bench-feed-')
    sim = harness.start_sim(data_dir=os.path.join(work, 'sim'), system_key='bench-key')
    try:
        runner = harness.PlayRunner(os.path.join(work, 'plays'), sim=sim)
        runner(play(0, 1))  # creates the feed
        sim.clear_log()
        timing = os.path.join(work, 'timing.jsonl')
        runner(play(args.rounds, args.items), env={
            'CAC_TIMING_FILE': timing,
            'ANSIBLE_CALLBACK_PLUGINS': os.path.join(HERE, 'callback_plugins'),
            'ANSIBLE_CALLBACKS_ENABLED': 'task_timing'})
        rows = [json.loads(line) for line in open(timing)]
        log = sim.log()
    finally:
        sim.stop()
    measured = [r for r in rows if not r['task'].endswith(' 0')]
    feed = sum(r['seconds'] for r in measured if r['task'].startswith('proget_feed'))
    uri = sum(r['seconds'] for r in measured if r['task'].startswith('uri'))
    n = args.rounds * args.items
    feed_reqs = [e for e in log if e['path'].endswith('/bench-nuget')]
    writes = [e for e in log if e['write']]
    print('ansible-core %s, %d executions each (after warm-up)' % (harness.which_ansible()[1], n))
    print('proget_feed no-op: %.1f ms per run' % (1000 * feed / n))
    print('uri GET:           %.1f ms per run' % (1000 * uri / n))
    print('ratio proget_feed/uri: %.2f (goal <= 1.3)' % (feed / uri))
    per_run = (len(feed_reqs) - (args.rounds + 1) * args.items) / float((args.rounds + 1) * args.items)
    print('HTTP requests per no-op proget_feed run: %.2f (goal 1); writes: %d' % (per_run, len(writes)))


if __name__ == '__main__':
    main()
