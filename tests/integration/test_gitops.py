"""The example GitOps repository and the collection playbooks, against two sims (staging, production).

configure (forks=2: both servers in parallel) -> second run unchanged -> a change by hand shows up
in the drift report (JSON and Markdown) and fails the drift job when asked -> configure reverts it
-> export writes YAML that, applied, changes nothing.
"""
import json
import os
import secrets
import shutil

import pytest
import yaml

from harness import ROOT

EXAMPLE = os.path.join(ROOT, 'examples', 'gitops', 'inventory')
PLAYBOOKS = os.path.join(ROOT, 'playbooks')


@pytest.fixture
def servers(sim_factory, tmp_path):
    key = 'gitops-' + secrets.token_hex(8)  # one credential for the fleet, as in AWX
    # production is ProGet Basic: its document declares users, groups, tasks and permissions
    sims = {'staging': sim_factory(system_key=key), 'production': sim_factory(system_key=key, edition='basic')}
    inventory = tmp_path / 'inventory'
    shutil.copytree(EXAMPLE, inventory)
    hosts = yaml.safe_load((inventory / 'hosts.yml').read_text())
    for name, sim in sims.items():
        hosts['proget']['hosts'][name]['proget_url'] = sim.url
    (inventory / 'hosts.yml').write_text(yaml.safe_dump(hosts))
    return sims, str(inventory)


def names(sim):
    return sorted(f['name'] for f in sim.api('GET', 'api/management/feeds/list').json())


def test_gitops_example_converges_drifts_reverts_and_exports(servers, play_runner, tmp_path):
    sims, inventory = servers
    run = play_runner(sim=sims['staging'])
    args = ('-i', inventory, '--forks', '2')
    sims['production'].api('POST', 'api/management/feeds/create', json={'name': 'stray', 'feedType': 'npm'},
                           expect=(200, 201))
    sims['production'].api('POST', 'api/management/feeds/create', json={'name': 'Default', 'feedType': 'nuget'},
                           expect=(200, 201))

    first = run(os.path.join(PLAYBOOKS, 'configure.yml'), args=args)
    assert first.recap['staging']['changed'] == 1 and first.recap['production']['changed'] == 1
    common = ['containers', 'installers', 'npm-internal', 'nuget-internal', 'pypi-internal']
    assert names(sims['staging']) == sorted(common + ['nuget-experimental'])
    # production prunes feeds: 'stray' is gone, the protected 'Default' stays
    assert names(sims['production']) == sorted(common + ['Default', 'releases'])
    assert sims['production'].api('GET', 'api/management/feeds/get/releases').json()['variables'] == {
        'owner': 'release-team'}

    for sim in sims.values():
        sim.clear_log()
    second = run(os.path.join(PLAYBOOKS, 'configure.yml'), args=args)
    assert second.recap['staging']['changed'] == 0 and second.recap['production']['changed'] == 0
    assert sims['staging'].writes() == [] and sims['production'].writes() == []

    # a change by hand on production
    sims['production'].api('POST', 'api/management/feeds/update/npm-internal',
                           json={'description': 'edited in the UI', 'retentionRules': []}, expect=200)
    sims['production'].clear_log()
    report_dir = tmp_path / 'drift'
    drift = run(os.path.join(PLAYBOOKS, 'drift.yml'), args=args,
                extra_vars={'proget_drift_dir': str(report_dir)})
    assert sims['production'].writes() == []
    report = json.loads((report_dir / 'production.json').read_text())
    assert report['drift'] is True and report['summary']['update'] == 1
    change = report['changes'][0]
    assert change['name'] == 'npm-internal' and change['action'] == 'update'
    assert change['changes']['description'] == {'before': 'edited in the UI', 'after': 'Internal npm packages'}
    assert change['changes']['retention_rules']['before'] == []
    assert json.loads((report_dir / 'staging.json').read_text())['drift'] is False
    markdown = (report_dir / 'production.md').read_text()
    assert '| feeds | npm-internal | update | description | `"edited in the UI"` | `"Internal npm packages"` |' in markdown
    summary = (report_dir / 'summary.md').read_text()
    assert '| production | 0 | 1 | 0 |' in summary and '| staging | 0 | 0 | 0 |' in summary
    assert drift.rc == 0

    failing = run(os.path.join(PLAYBOOKS, 'drift.yml'), args=args, expect_rc=2,
                  extra_vars={'proget_drift_dir': str(report_dir), 'proget_drift_fail': True})
    assert 'production has drifted' in failing.stdout
    assert failing.recap['staging']['failed'] == 0 and failing.recap['production']['failed'] == 1

    run(os.path.join(PLAYBOOKS, 'configure.yml'), args=args)
    npm = sims['production'].api('GET', 'api/management/feeds/get/npm-internal').json()
    assert npm['description'] == 'Internal npm packages' and npm['retentionRules'][0]['keepVersionsCount'] == 20

    # export production, then apply the export to it: nothing changes
    export_dir = tmp_path / 'export'
    run(os.path.join(PLAYBOOKS, 'export.yml'), args=args, extra_vars={'proget_export_dir': str(export_dir)})
    exported = yaml.safe_load((export_dir / 'production.yml').read_text())
    assert sorted(f['name'] for f in exported['proget_feeds']) == names(sims['production'])
    sims['production'].clear_log()
    apply_export = '''
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: apply
          cac.proget.proget_state:
            feeds: "{{ proget_feeds }}"
    '''
    result = play_runner(sim=sims['production'])(apply_export, args=('-e', '@' + str(export_dir / 'production.yml')))
    assert not result.task('apply')['changed'] and sims['production'].writes() == []
