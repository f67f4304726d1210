"""A fleet of ProGet servers for tests and benchmarks: N sims, one inventory (each host one server,
with its own URL, API key and state document), and what the drift playbook writes for them."""
import json
import os

import harness

ROOT = harness.ROOT
CONFIGURE = os.path.join(ROOT, 'playbooks', 'configure.yml')
DRIFT = os.path.join(ROOT, 'playbooks', 'drift.yml')
TYPES = ['nuget', 'npm', 'pypi', 'docker', 'universal', 'maven', 'helm', 'asset']


def document(host, feeds=20, connectors=2, licenses=2, settings=2):
    """The state document of one server: shared names (what group_vars would hold) plus its own."""
    doc = {
        'proget_connectors': [{'name': 'upstream-%d' % i, 'type': 'nuget',
                               'url': 'https://upstream.example/%s/%d/' % (host, i)} for i in range(connectors)],
        'proget_feeds': [dict({'name': 'feed-%03d' % i, 'type': TYPES[i % len(TYPES)],
                               'description': '%s feed %d' % (host, i)},
                              **({'connectors': ['upstream-%d' % (i % connectors)]}
                                 if TYPES[i % len(TYPES)] == 'nuget' and connectors else {}))
                         for i in range(feeds)],
        'proget_licenses': [{'code': 'LIC-%s-%d' % (host.upper(), i), 'title': 'License %d' % i}
                            for i in range(licenses)],
        'proget_settings': [{'name': 'Custom.Fleet.%s.%d' % (host, i), 'value': str(i)} for i in range(settings)],
    }
    return doc


def count(doc):
    return sum(len(v) for k, v in doc.items() if isinstance(v, list))


def write_inventory(path, sims, docs, forks_python=None, **extra):
    """inventory.json: group proget, one host per sim, each with proget_url, proget_api_key and its
    document; ``extra`` is added to every host (e.g. proget_parallel_writes)."""
    hosts = {}
    for name, sim in sims.items():
        host = dict(docs[name], proget_url=sim.url, proget_api_key=sim.api_key, ansible_connection='local')
        if forks_python:
            host['ansible_python_interpreter'] = forks_python
        host.update(extra)
        hosts[name] = host
    with open(path, 'w') as f:
        json.dump({'proget': {'hosts': hosts}}, f)
    return path
