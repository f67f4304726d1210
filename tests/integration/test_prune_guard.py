"""The prune guard through the role proget_config and the drift playbook: a document that lost most of a
kind (or all of it) is refused before any write, in check mode and when applied, naming what it would
delete; raising the limit for one run lets it through; the drift report shows the refusal as drift.
"""
import json
import os

import yaml

import harness
from harness import ROOT

PLAYBOOKS = os.path.join(ROOT, 'playbooks')
TASK = 'cac.proget.proget_config : Apply the state document'
CONFIG_PLAY = '''
- hosts: proget
  gather_facts: false
  roles: [cac.proget.proget_config]
'''


def inventory(tmp_path, sim, **host):
    folder = tmp_path / 'inventory'
    folder.mkdir(exist_ok=True)
    host.update(proget_url=sim.url, proget_api_key=sim.api_key, ansible_connection='local',
                ansible_python_interpreter=os.path.join(harness.ansible_venv(), 'bin', 'python'))
    (folder / 'hosts.yml').write_text(yaml.safe_dump({'proget': {'hosts': {'srv': host}}}))
    return ('-i', str(folder / 'hosts.yml'))


def feeds(sim):
    return sorted(f['name'] for f in sim.api('GET', 'api/management/feeds/list', expect=200).json())


def test_the_role_refuses_a_document_that_lost_most_of_a_kind(sim, play_runner, tmp_path):
    names = ['feed-%02d' % i for i in range(14)]
    for name in names:
        sim.api('POST', 'api/management/feeds/create', json={'name': name, 'feedType': 'npm'}, expect=(200, 201))
    # a document that rendered only its first two feeds
    args = inventory(tmp_path, sim, proget_feeds=[{'name': n, 'type': 'npm'} for n in names[:2]],
                     proget_prune=['feeds'])
    run = play_runner(sim=sim)
    sim.clear_log()
    for check in (True, False):
        refused = run(CONFIG_PLAY, args=args, check=check, expect_rc=2)
        task = refused.task(TASK, host='srv')
        msg = task['msg']
        assert 'feeds: prune would delete 12 of the 14 feeds on the server (86%), more than prune_max (10) and ' \
               'prune_max_percent (50%)' in msg, msg
        assert all("'%s'" % n in msg for n in names[2:]) and 'Nothing was changed' in msg
        assert len([s for s in task['result']['plan'] if s.get('pruned')]) == 12
    assert sim.writes() == [] and feeds(sim) == names
    # raised for this run
    done = run(CONFIG_PLAY, args=args + ('-e', json.dumps({'proget_prune_max': 12, 'proget_prune_max_percent': 90})))
    assert done.task(TASK, host='srv')['result']['summary']['delete'] == 12
    assert feeds(sim) == names[:2]


def test_an_empty_pruned_list_is_refused_unless_allowed(sim, play_runner, tmp_path):
    sim.api('POST', 'api/licenses/add', json={'code': 'L1', 'title': 'one'}, expect=(200, 201))
    args = inventory(tmp_path, sim, proget_feeds=[{'name': 'f', 'type': 'npm'}], proget_prune=['licenses'])
    run = play_runner(sim=sim)
    sim.clear_log()
    refused = run(CONFIG_PLAY, args=args, expect_rc=2)
    assert 'licenses: prune is on for licenses but the document declares none of them' in refused.task(
        TASK, host='srv')['msg']
    assert sim.log() == []   # refused before any request
    run(CONFIG_PLAY, args=args + ('-e', json.dumps({'proget_prune_allow_empty': ['licenses']})))
    assert sim.api('GET', 'api/licenses/list', expect=200).json() == []


def test_the_drift_report_shows_a_refused_plan(sim, play_runner, tmp_path):
    for i in range(6):
        sim.api('POST', 'api/management/feeds/create', json={'name': 'd-%d' % i, 'feedType': 'npm'},
                expect=(200, 201))
    args = inventory(tmp_path, sim, proget_feeds=[{'name': 'd-0', 'type': 'npm'}], proget_prune=['feeds'])
    run = play_runner(sim=sim)
    report = tmp_path / 'drift'
    sim.clear_log()
    drift = run(os.path.join(PLAYBOOKS, 'drift.yml'), args=args, extra_vars={'proget_drift_dir': str(report)})
    data = json.loads((report / 'srv.json').read_text())
    assert data['drift'] is True and 'prune would delete 5 of the 6 feeds' in data['refused']
    assert sorted(c['name'] for c in data['changes'] if c.get('pruned')) == ['d-%d' % i for i in range(1, 6)]
    assert '**Refused:**' in (report / 'srv.md').read_text()
    assert drift.recap['srv']['failed'] == 0 and sim.writes() == []
    failing = run(os.path.join(PLAYBOOKS, 'drift.yml'), args=args, expect_rc=2,
                  extra_vars={'proget_drift_dir': str(report), 'proget_drift_fail': True})
    assert 'refused' in failing.stdout
