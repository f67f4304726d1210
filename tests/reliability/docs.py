"""Documents and helpers shared by the reliability tests."""
import collections
import json
import os
import threading

from harness import ROOT

STATE_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: state
      cac.proget.proget_state:
        timeout: "{{ timeout | default(30) }}"
        parallel_writes: "{{ parallel_writes | default(1) }}"
        connectors: "{{ doc.connectors | default(omit) }}"
        feeds: "{{ doc.feeds | default(omit) }}"
        licenses: "{{ doc.licenses | default(omit) }}"
        api_keys: "{{ doc.api_keys | default(omit) }}"
        settings: "{{ doc.settings | default(omit) }}"
'''

FEED_TYPES = ['nuget', 'npm', 'pypi', 'docker', 'universal', 'asset', 'maven', 'helm']


def document(prefix='r', connectors=40, feeds=150, licenses=40, api_keys=40, settings=30, secret='PLANTED'):
    """A mixed document (default: 300 objects) with names starting with ``prefix``."""
    doc = {'connectors': [], 'feeds': [], 'licenses': [], 'api_keys': [], 'settings': []}
    for i in range(connectors):
        doc['connectors'].append({'name': '%s-conn-%03d' % (prefix, i), 'type': 'nuget',
                                  'url': 'https://upstream.example/%s/%d/' % (prefix, i),
                                  'username': 'user%d' % i,
                                  'password': '%s-CONNPW-%s-%03d' % (secret, prefix, i)})
    for i in range(feeds):
        feed = {'name': '%s-feed-%03d' % (prefix, i), 'type': FEED_TYPES[i % len(FEED_TYPES)],
                'description': 'feed %d' % i}
        if i % 5 == 0 and connectors and feed['type'] == 'nuget':
            feed['connectors'] = ['%s-conn-%03d' % (prefix, i % connectors)]
        if i % 3 == 0:
            feed['retention_rules'] = [{'keep_versions_count': 5 + i}]
        doc['feeds'].append(feed)
    for i in range(licenses):
        doc['licenses'].append({'code': '%s-LIC-%03d' % (prefix.upper(), i), 'title': 'License %d' % i,
                                'urls': ['licenses.example/%s/%d' % (prefix, i)]})
    for i in range(api_keys):
        doc['api_keys'].append({'name': '%s-key-%03d' % (prefix, i), 'type': 'system', 'system_apis': ['feeds'],
                                'key': '%s-APIKEY-%s-%03d' % (secret, prefix, i)})
    for i in range(settings):
        doc['settings'].append({'name': 'Custom.%s.Setting%03d' % (prefix, i), 'value': 'value-%d' % i})
    return doc


def count(doc):
    return sum(len(v) for v in doc.values() if isinstance(v, list))


def live(sim):
    """kind -> list of names on the server (duplicates kept)."""
    return {
        'connectors': [c['name'] for c in sim.api('GET', 'api/management/connectors/list', expect=200).json()],
        'feeds': [f['name'] for f in sim.api('GET', 'api/management/feeds/list', expect=200).json()],
        'licenses': [x['code'] for x in sim.api('GET', 'api/licenses/list', expect=200).json()],
        'api_keys': [k.get('displayName') for k in sim.api('GET', 'api/api-keys/list', expect=200).json()],
        'settings': dict((s['name'], s['value']) for s in sim.api('GET', 'api/settings/list?showAll=True', expect=200).json()),
    }


def assert_exact(sim, doc, prefix):
    """The server holds exactly the document's objects with this prefix, each once."""
    now = live(sim)
    for kind, key in (('connectors', 'name'), ('feeds', 'name'), ('licenses', 'code'), ('api_keys', 'name')):
        mine = [n for n in now[kind] if n and n.lower().startswith(prefix.lower() + '-')]
        dups = [n for n, c in collections.Counter(x.lower() for x in mine).items() if c > 1]
        assert not dups, '%s duplicated: %s' % (kind, dups)
        assert sorted(mine) == sorted(e[key] for e in doc.get(kind, [])), kind
    for entry in doc.get('settings', []):
        assert now['settings'].get(entry['name']) == entry['value'], entry['name']
    return now


def figures(log, sequential=True):
    """Requests, faults, retried reads and re-checked writes, from the sim's request log.

    Asserts the retry rule on the way: after a failed write (500 or a dropped connection) the
    next request is never a write: the client reads first (and a failed write is never blindly
    repeated). With parallel writes (``sequential=False``) the requests of several threads are
    interleaved in the log, so this order cannot be read from it: the figures are counted, and
    the tests check instead that no write was applied twice (exact state, writes == objects).
    """
    out = {'requests': len(log), 'writes': 0, 'faults': 0, 'retried_reads': 0, 'rechecked_writes': 0}
    pending = None  # a failed write whose outcome the client has not looked at yet
    if not sequential:
        out['failed_writes'] = 0
    for i, e in enumerate(log):
        failed = e['status'] in (0, 500)
        # the sim fails/drops before routing, so a failed write is logged with write=false
        is_write = e['write'] or (failed and e['method'] not in ('GET', 'HEAD'))
        if is_write:
            out['writes'] += 1 if e['write'] else 0   # applied (incl. dropped after the write)
            if not sequential:
                out['failed_writes'] += 1 if failed else 0
                pending = None
            assert pending is None, 'write %r sent after the uncertain write %r without a read' % (e, pending)
        else:
            if pending is not None and not failed:
                out['rechecked_writes'] += 1
                pending = None
            if i and log[i - 1]['method'] in ('GET', 'HEAD') and log[i - 1]['status'] in (0, 500) and \
                    log[i - 1]['path'] == e['path']:
                out['retried_reads'] += 1
        if failed:
            out['faults'] += 1
            if is_write:
                pending = e
    return out


def parallel(runs):
    """runs: list of callables; run them in threads at once; return their results (or raise)."""
    results, errors = [None] * len(runs), []

    def go(index, fn):
        try:
            results[index] = fn()
        except Exception as e:  # pylint: disable=broad-except
            errors.append(e)

    threads = [threading.Thread(target=go, args=(i, fn)) for i, fn in enumerate(runs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, '\n\n'.join(str(e)[-3000:] for e in errors)
    return results


FIGURES = os.path.join(ROOT, 'build', 'reliability-figures.json')


def record(name, data):
    """Add this test's figures to build/reliability-figures.json (the closing notes quote them)."""
    os.makedirs(os.path.dirname(FIGURES), exist_ok=True)
    try:
        with open(FIGURES) as f:
            all_figures = json.load(f)
    except (OSError, ValueError):
        all_figures = {}
    all_figures[name] = data
    with open(FIGURES, 'w') as f:
        json.dump(all_figures, f, indent=2, sort_keys=True)
    print('\nFIGURES %s: %s' % (name, json.dumps(data, sort_keys=True)))
