#!/usr/bin/env python3
"""proget_asset uploads against curl --data-binary, side by side, on the bundled test server.

Measures, in one run:

1. throughput: the same 1 GiB file uploaded with ``curl --data-binary`` and with one
   ``cac.proget.proget_asset`` task (multipart, default 5 MiB parts); ratio module/curl
   throughput (goal >= 0.7). The module figure is the task's wall time, Ansible overhead included;
2. peak RSS of the module process (VmHWM of the AnsiballZ python, polled from /proc) for a
   256 MiB and a 1 GiB file (goal: the same for both, under 150 MiB);
3. a no-op re-run of the 1 GiB file against ``sha256sum`` of it;
4. HTTP requests of a no-op ``state: directory`` sync of 1,000 files (goal: independent of the
   number of files; 100 files are measured too).

    .venv/core-2.19/bin/python benchmarks/bench_asset_upload.py [--size-mib 1024] [--small-mib 256]

The test files are written with random content (so no layer can shortcut zeros) in a temp dir,
removed afterwards.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'tests', 'integration'))

import harness  # noqa: E402
from rss import RssWatcher  # noqa: E402  (benchmarks/, the script's directory)

MIB = 1024 * 1024


def make_file(path, mib):
    block = os.urandom(MIB)
    with open(path, 'wb') as f:
        for i in range(mib):
            f.write(block[i % 251:] + block[:i % 251])


def asset_play(src, path, extra=None):
    task = {'feed': 'bench', 'path': path, 'src': src}
    task.update(extra or {})
    return json.dumps([{'hosts': 'localhost', 'gather_facts': False,
                        'tasks': [{'name': 'asset', 'cac.proget.proget_asset': task}]}], indent=1) + '\n'


def timed_play(runner, play, timing):
    if os.path.exists(timing):
        os.remove(timing)
    watcher = RssWatcher('AnsiballZ_proget_asset')
    watcher.start()
    started = time.time()
    runner(play, env={'CAC_TIMING_FILE': timing, 'ANSIBLE_CALLBACK_PLUGINS': os.path.join(HERE, 'callback_plugins'),
                      'ANSIBLE_CALLBACKS_ENABLED': 'task_timing'})
    wall = time.time() - started
    rss = watcher.stop()
    rows = [json.loads(line) for line in open(timing)]
    return rows[-1]['seconds'], wall, rss


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--size-mib', type=int, default=1024)
    parser.add_argument('--small-mib', type=int, default=256)
    parser.add_argument('--files', type=int, default=1000)
    args = parser.parse_args()
    harness.ensure_collection_link()
    work = tempfile.mkdtemp(prefix='bench-asset-')
    sim = harness.start_sim(data_dir=os.path.join(work, 'sim'), system_key='bench-key')
    try:
        sim.api('POST', 'api/management/feeds/create', json={'name': 'bench', 'feedType': 'asset'}, expect=200)
        runner = harness.PlayRunner(os.path.join(work, 'plays'), sim=sim)
        timing = os.path.join(work, 'timing.jsonl')
        big, small = os.path.join(work, 'big.bin'), os.path.join(work, 'small.bin')
        make_file(big, args.size_mib)
        make_file(small, args.small_mib)
        size = os.path.getsize(big)

        # 1. curl vs module, same file, same server
        base = ['curl', '-sS', '-f', '-o', '/dev/null', '-H', 'X-ApiKey: bench-key',
                '-H', 'Content-Type: application/octet-stream']
        url = sim.url + '/endpoints/bench/content/curl.bin'
        curl_how = 'curl --data-binary @file'
        t = time.time()
        if subprocess.call(base + ['--data-binary', '@' + big, url], stderr=subprocess.DEVNULL) != 0:
            # curl reads --data-binary @file into memory; some builds refuse 1 GiB ("out of
            # memory"): then its streaming form, -T file -X POST (same request, same body).
            curl_how = 'curl -T file -X POST (--data-binary refused the size)'
            t = time.time()
            subprocess.check_call(base + ['-X', 'POST', '-T', big, url])
        curl_s = time.time() - t
        mod_s, mod_wall, big_rss = timed_play(runner, asset_play(big, 'module.bin'), timing)
        _, _, small_rss = timed_play(runner, asset_play(small, 'small.bin'), timing)
        meta = sim.api('GET', 'endpoints/bench/metadata/module.bin').json()
        curl_meta = sim.api('GET', 'endpoints/bench/metadata/curl.bin').json()
        assert meta['sha256'] == curl_meta['sha256'] and meta['size'] == size

        # 3. no-op re-run vs sha256sum
        sim.clear_log()
        noop_s, _, noop_rss = timed_play(runner, asset_play(big, 'module.bin'), timing)
        noop_writes = len(sim.writes())
        t = time.time()
        subprocess.check_call(['sha256sum', big], stdout=subprocess.DEVNULL)
        sha_s = time.time() - t

        # 4. no-op sync requests, 100 and N files
        counts = {}
        for n in (100, args.files):
            tree = os.path.join(work, 'tree%d' % n)
            for i in range(n):
                d = os.path.join(tree, 'd%02d' % (i % 20))
                if not os.path.isdir(d):
                    os.makedirs(d)
                with open(os.path.join(d, 'f%04d.txt' % i), 'w') as f:
                    f.write('file %d\n' % i)
            play = asset_play(tree, 'tree%d' % n, {'state': 'directory'})
            runner(play)
            sim.clear_log()
            runner(play)
            counts[n] = (len(sim.log()), len(sim.writes()))
    finally:
        sim.stop()
        shutil.rmtree(work, ignore_errors=True)

    print('ansible-core %s' % harness.which_ansible()[1])
    print('curl: %s' % curl_how)
    print('upload %d MiB: curl %.2f s (%.0f MiB/s); proget_asset task %.2f s (%.0f MiB/s, '
          'ansible-playbook wall %.2f s)' % (args.size_mib, curl_s, args.size_mib / curl_s, mod_s,
                                               args.size_mib / mod_s, mod_wall))
    print('throughput ratio proget_asset/curl: %.2f (goal >= 0.7)' % (curl_s / mod_s))
    print('peak RSS of the module process: %d MiB file %.0f MiB, %d MiB file %.0f MiB (goal: equal, < 150 MiB)'
          % (args.small_mib, small_rss, args.size_mib, big_rss))
    print('no-op re-run of the %d MiB file: %.2f s (task; peak RSS %.0f MiB, %d writes); sha256sum: %.2f s; '
          'ratio %.2f' % (args.size_mib, noop_s, noop_rss, noop_writes, sha_s, noop_s / sha_s))
    for n, (reqs, writes) in sorted(counts.items()):
        print('no-op sync of %d files: %d HTTP requests, %d writes' % (n, reqs, writes))


if __name__ == '__main__':
    main()
