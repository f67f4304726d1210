"""A fleet: N ProGet servers (sims) in one inventory, converged by one run of playbooks/configure.yml
with forks = N; each server gets exactly its own document, through its own URL and API key; then
playbooks/drift.yml reports every server, with a summary of all of them.

The size comes from CAC_FLEET_SERVERS (default 5 in make test; `make fleet CAC_FLEET_SERVERS=20`).
"""
import json
import os
import time

from fleetlib import CONFIGURE, DRIFT, count, document, write_inventory

SERVERS = int(os.environ.get('CAC_FLEET_SERVERS', '5'))


def live(sim):
    return {
        'feeds': sorted((f['name'], f.get('description'))
                        for f in sim.api('GET', 'api/management/feeds/list', expect=200).json()),
        'connectors': sorted(c['name'] for c in sim.api('GET', 'api/management/connectors/list', expect=200).json()),
        'licenses': sorted(x['code'] for x in sim.api('GET', 'api/licenses/list', expect=200).json()),
    }


def test_one_run_converges_a_fleet_and_drift_reports_every_server(sim_factory, play_runner, tmp_path):
    names = ['proget-%02d' % i for i in range(SERVERS)]
    sims = dict((name, sim_factory()) for name in names)
    docs = dict((name, document(name)) for name in names)
    inventory = write_inventory(str(tmp_path / 'inventory.json'), sims, docs, proget_parallel_writes=4)
    run = play_runner(sim=None, api_key=None)
    forks = ('-i', inventory, '--forks', str(SERVERS))

    started = time.time()
    first = run(CONFIGURE, args=forks)
    took = time.time() - started
    for name in names:
        assert first.recap[name]['changed'] == 1 and first.recap[name]['failed'] == 0, first.recap
        result = first.task('cac.proget.proget_config : Apply the state document', host=name)['result']
        assert result['summary']['create'] == count(docs[name])
        got = live(sims[name])
        assert got['feeds'] == sorted((f['name'], f['description']) for f in docs[name]['proget_feeds'])
        assert got['licenses'] == sorted(x['code'] for x in docs[name]['proget_licenses'])
        # each server was reached with its own key, and only by this run's writes for it
        principals = set(e['principal'] for e in sims[name].log())
        assert len(principals) == 1 and principals.pop().startswith('apikey:'), name
        sims[name].clear_log()

    # the no-op: one list request per kind per server, no write anywhere
    again = run(CONFIGURE, args=forks)
    assert all(again.recap[name]['changed'] == 0 for name in names), again.recap
    for name in names:
        log = sims[name].log()
        assert [e for e in log if e['write']] == [] and len(log) == 4, log

    # two servers drift (a change in the UI, an object deleted); the report names them
    drifted = names[:2]
    sims[drifted[0]].api('POST', 'api/management/feeds/update/feed-001', json={'description': 'by hand'}, expect=200)
    sims[drifted[1]].api('POST', 'api/licenses/delete', params={'code': 'LIC-%s-0' % drifted[1].upper()},
                         expect=(200, 204))
    reports = tmp_path / 'drift'
    drift = run(DRIFT, args=forks, extra_vars={'proget_drift_dir': str(reports), 'proget_drift_fail': True},
                expect_rc=2)
    assert sorted(h for h, r in drift.recap.items() if r['failed']) == sorted(drifted), drift.recap
    summary = (reports / 'summary.md').read_text()
    for name in names:
        report = json.loads((reports / ('%s.json' % name)).read_text())
        assert report['server'] == name and report['url'] == sims[name].url
        if name == drifted[0]:
            assert report['drift'] and report['summary']['update'] == 1
            assert report['changes'][0]['changes']['description']['before'] == 'by hand'
            assert '| %s | 0 | 1 | 0 |' % name in summary
        elif name == drifted[1]:
            assert report['drift'] and report['summary']['create'] == 1
            assert '| %s | 1 | 0 | 0 |' % name in summary
        else:
            assert not report['drift'] and report['summary']['unchanged'] == count(docs[name])
            assert '| %s | 0 | 0 | 0 | %d | no |' % (name, count(docs[name])) in summary
        assert (reports / ('%s.md' % name)).is_file()
    print('\nFIGURES fleet: %d servers, %d objects each, first configure %.1fs with forks %d'
          % (SERVERS, count(docs[names[0]]), took, SERVERS))
