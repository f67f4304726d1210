"""The Galaxy tarball: only the collection, and it works when installed from the tarball alone."""
import json
import os
import re
import tarfile

import yaml

from conftest import ROOT, run, tool
import harness

NOT_SHIPPED = ('tests/', '.venv', 'build/', 'benchmarks/', '.ci/', '.git/', '.git', '.progetsim', '.pytest_cache',
               'docs/dev/', 'scripts/', 'Makefile', 'changelogs/fragments/', '.ansible-lint')


def test_tarball_has_no_tests_or_build_output(tar_members):
    bad = [m for m in tar_members for prefix in NOT_SHIPPED if m == prefix.rstrip('/') or m.startswith(prefix)]
    assert bad == []
    assert not [m for m in tar_members if m.endswith(('.pyc', '.tar.gz')) or '__pycache__' in m]


def test_tarball_has_the_collection(tar_members):
    for needed in ('MANIFEST.json', 'FILES.json', 'README.md', 'COPYING', 'meta/runtime.yml', 'meta/execution-environment.yml',
                   'requirements.txt', 'bindep.txt', 'CHANGELOG.md', 'changelogs/changelog.yaml',
                   'docs/docsite/extra-docs.yml', 'docs/docsite/links.yml', 'schemas/proget_state.schema.json',
                   'plugins/doc_fragments/connection.py', 'examples/awx/credential_type.yml'):
        assert needed in tar_members
    modules = sorted(f for f in os.listdir(os.path.join(ROOT, 'plugins', 'modules')) if f.endswith('.py'))
    assert modules and all('plugins/modules/' + m in tar_members for m in modules)
    for role in os.listdir(os.path.join(ROOT, 'roles')):
        assert 'roles/%s/meta/main.yml' % role in tar_members
    for guide in os.listdir(os.path.join(ROOT, 'docs', 'docsite', 'rst')):
        assert 'docs/docsite/rst/' + guide in tar_members


def test_manifest(tarball):
    with tarfile.open(tarball) as t:
        manifest = json.load(t.extractfile('MANIFEST.json'))
    info = manifest['collection_info']
    galaxy = yaml.safe_load(open(os.path.join(ROOT, 'galaxy.yml')))
    assert (info['namespace'], info['name'], info['version']) == ('cac', 'proget', galaxy['version'])
    assert info['license'] == ['GPL-3.0-or-later'] and info['documentation'] and info['issues']
    assert os.path.basename(tarball) == 'cac-proget-%s.tar.gz' % galaxy['version']


def test_install_tarball_offline_and_run_the_demo_play(tarball, tmp_path):
    """ansible-galaxy collection install --offline --no-deps into an empty path, then examples/site.yml
    from that path against the sim: first run changes, second does not."""
    dest = tmp_path / 'collections'
    run([tool('ansible-galaxy'), 'collection', 'install', '--offline', '--no-deps', '-p', str(dest), tarball])
    installed = dest / 'ansible_collections' / 'cac' / 'proget'
    assert (installed / 'MANIFEST.json').is_file() and not (installed / 'tests').exists()
    # the examples are shipped: run the copy inside the installed collection
    venv, _ = harness.which_ansible()
    sim = harness.start_sim(data_dir=str(tmp_path / 'sim'))
    try:
        inventory = tmp_path / 'inventory.yml'
        inventory.write_text(yaml.safe_dump({'all': {'hosts': {'proget-demo': {
            'ansible_connection': 'local', 'ansible_python_interpreter': os.path.join(venv, 'bin', 'python'),
            'proget_url': sim.url, 'proget_api_key': sim.api_key}}}}))
        (tmp_path / 'ansible.cfg').write_text('')
        env = {'ANSIBLE_COLLECTIONS_PATH': str(dest), 'ANSIBLE_COLLECTIONS_SCAN_SYS_PATH': 'False',
               'ANSIBLE_NOCOLOR': '1', 'ANSIBLE_RETRY_FILES_ENABLED': 'False',
               'ANSIBLE_CONFIG': str(tmp_path / 'ansible.cfg'), 'ANSIBLE_LOCALHOST_WARNING': 'False'}
        cmd = [os.path.join(venv, 'bin', 'ansible-playbook'), '-i', str(inventory), str(installed / 'examples' / 'site.yml')]
        first = run(cmd, env=env, cwd=str(tmp_path))
        assert re.search(r'proget-demo\s+: ok=\d+\s+changed=[1-9]', first.stdout), first.stdout
        feeds = sorted(f['name'] for f in sim.api('GET', 'api/management/feeds/list', expect=200).json())
        assert 'internal-nuget' in feeds and 'installers' in feeds
        sim.clear_log()
        second = run(cmd, env=env, cwd=str(tmp_path))
        assert re.search(r'proget-demo\s+: ok=\d+\s+changed=0\s+unreachable=0\s+failed=0', second.stdout), second.stdout
        assert sim.writes() == []
        # the modules came from the installed tarball, not from the repository
        doc = run([os.path.join(venv, 'bin', 'ansible-doc'), '-t', 'module', '--json', 'cac.proget.proget_feed'],
                  env=env)
        assert str(installed) in json.loads(doc.stdout)['cac.proget.proget_feed']['doc']['filename']
    finally:
        sim.stop()
