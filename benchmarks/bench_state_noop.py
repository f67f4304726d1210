#!/usr/bin/env python3
"""No-op run of a 300-object document: proget_state vs a loop of proget_feed vs proget_server_info.

One ansible-playbook run (one process of measurement) converges the document first, then times,
alternating, R rounds of: one `proget_state` task with the whole document, the same document as a
loop of single-object `proget_feed` tasks, and one `proget_server_info` task. Prints the ratios
(goals: proget_state >= 20x faster than the loop, and <= 2x one proget_server_info task) and the
HTTP requests of one no-op proget_state run (goal: one per kind plus the health check... here one
list per declared kind; proget_state does not call /health).

    .venv/core-2.19/bin/python benchmarks/bench_state_noop.py [--objects 300] [--rounds 3]
"""
import argparse
import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'tests', 'integration'))

import harness  # noqa: E402


def document(count):
    types = ['nuget', 'npm', 'pypi', 'docker', 'universal', 'maven', 'helm']
    return {'feeds': [{'name': 'feed-%03d' % i, 'type': types[i % len(types)], 'description': 'feed %d' % i,
                       'retention_rules': [{'keep_versions_count': 5}]} for i in range(count)]}


def play(rounds, doc):
    tasks = [{'name': 'converge', 'cac.proget.proget_state': doc}]
    for r in range(rounds):
        tasks.append({'name': 'state %d' % r, 'cac.proget.proget_state': doc})
        tasks.append({'name': 'loop %d' % r, 'cac.proget.proget_feed': '{{ item }}', 'loop': doc['feeds'],
                      'loop_control': {'label': '{{ item.name }}'}})
        tasks.append({'name': 'server_info %d' % r, 'cac.proget.proget_server_info': {}})
    return json.dumps([{'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}]) + '\n'


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--objects', type=int, default=300)
    parser.add_argument('--rounds', type=int, default=3)
    args = parser.parse_args()
    harness.ensure_collection_link()
    work = tempfile.mkdtemp(prefix='bench-state-')
    sim = harness.start_sim(data_dir=os.path.join(work, 'sim'), system_key='bench-key')
    timing = os.path.join(work, 'timing.jsonl')
    try:
        runner = harness.PlayRunner(os.path.join(work, 'plays'), sim=sim)
        runner(play(args.rounds, document(args.objects)), env={
            'CAC_TIMING_FILE': timing,
            'ANSIBLE_CALLBACK_PLUGINS': os.path.join(HERE, 'callback_plugins'),
            'ANSIBLE_CALLBACKS_ENABLED': 'task_timing'})
        sim.clear_log()
        runner(json.dumps([{'hosts': 'localhost', 'gather_facts': False,
                            'tasks': [{'cac.proget.proget_state': document(args.objects)}]}]) + '\n')
        requests = sim.log()
    finally:
        sim.stop()
    rows = [json.loads(line) for line in open(timing)]

    def total(prefix):
        return sum(r['seconds'] for r in rows if r['task'].startswith(prefix + ' '))
    state, loop, info = total('state'), total('loop'), total('server_info')
    print('ansible-core %s, %d objects, %d rounds' % (harness.which_ansible()[1], args.objects, args.rounds))
    print('proget_state no-op:        %.2f s per run' % (state / args.rounds))
    print('loop of proget_feed no-op: %.2f s per run' % (loop / args.rounds))
    print('proget_server_info:        %.2f s per run' % (info / args.rounds))
    print('loop / proget_state:        %.1fx (goal >= 20)' % (loop / state))
    print('proget_state / server_info: %.2fx (goal <= 2)' % (state / info))
    print('HTTP requests of one no-op proget_state run: %d (%s)' % (
        len(requests), ', '.join('%s %s' % (e['method'], e['path']) for e in requests)))


if __name__ == '__main__':
    main()
