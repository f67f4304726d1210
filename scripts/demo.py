#!/usr/bin/env python3
"""make demo: the example GitOps repository applied to two bundled ProGet test servers.

Starts the test server twice (staging on 127.0.0.1:8624 as ProGet Free, production on :8625 as
ProGet Basic, with users, groups, tasks and permissions in its document; data under
.progetsim/demo-*), empties them, runs `playbooks/configure.yml` with the inventory of
`examples/gitops/` twice, prints both runs, and fails unless the second run reports changed=0
for both servers. The servers are stopped at the end. Venv: $CAC_ANSIBLE_VENV (.venv/core-2.19).

Like a real ProGet after bootstrap, the servers refuse anonymous requests: each run gets a fresh
System API key, given to the playbook in PROGET_API_KEY (as a user or an AWX credential would).
"""
import os
import re
import secrets
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'tests'))

from progetsim.testing import SimProcess  # noqa: E402

VENV = os.path.join(ROOT, os.environ.get('CAC_ANSIBLE_VENV', '.venv/core-2.19'))
SERVERS = {'staging': 8624, 'production': 8625}
# production is a paid edition: its document declares users, groups, tasks and permissions
EDITIONS = {'staging': 'free', 'production': 'basic'}


API_KEY = 'demo-' + secrets.token_hex(12)


def run(number):
    cmd = [os.path.join(VENV, 'bin', 'ansible-playbook'), '-i', 'examples/gitops/inventory',
           'playbooks/configure.yml', '--diff' if number == 1 else '--forks=2']
    print('demo: ---- run %d: %s' % (number, ' '.join(cmd[1:])), flush=True)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, 'build', 'collections'),
               ANSIBLE_LOCALHOST_WARNING='False', ANSIBLE_RETRY_FILES_ENABLED='False', ANSIBLE_NOCOLOR='1',
               PROGET_API_KEY=API_KEY)
    out = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         universal_newlines=True)
    print(out.stdout, flush=True)
    if out.returncode:
        sys.exit('demo: FAIL: ansible-playbook exited %d' % out.returncode)
    return dict((host, int(changed)) for host, changed in
                re.findall(r'^(\S+)\s+: ok=\d+\s+changed=(\d+)', out.stdout, re.M))


def main():
    sims = []
    try:
        for name, port in SERVERS.items():
            sim = SimProcess(os.path.join(ROOT, '.progetsim', 'demo-' + name), '--system-key', API_KEY,
                             '--anonymous', 'none', '--edition', EDITIONS[name], port=port, python=os.path.join(VENV, 'bin', 'python'))
            sim.start()
            sim.reset()
            sims.append(sim)
            print('demo: %s ProGet test server on %s' % (name, sim.url))
        run(1)
        second = run(2)
        if sorted(second) != sorted(SERVERS) or any(second.values()):
            sys.exit('demo: FAIL: the second run is not idempotent: %s' % second)
        print('demo: OK: the second run has changed=0 on %s' % ', '.join(sorted(second)))
    finally:
        for sim in sims:
            sim.stop()


if __name__ == '__main__':
    main()
