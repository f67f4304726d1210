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
# what the tarball has of tests/: ansible-test's configuration (python_requires), which sanity
# on the tarball and certification read from the collection
SHIPPED_TESTS = ('tests', 'tests/config.yml')


def test_tarball_has_no_tests_or_build_output(tar_members):
    bad = [m for m in tar_members for prefix in NOT_SHIPPED
           if (m == prefix.rstrip('/') or m.startswith(prefix)) and m not in SHIPPED_TESTS]
    assert bad == []
    assert not [m for m in tar_members if m.endswith(('.pyc', '.tar.gz')) or '__pycache__' in m]


def test_tarball_has_the_ansible_test_config_and_build_ignore_lists_every_test_suite(tar_members):
    """galaxy.yml cannot ignore `tests` as a whole (tests/config.yml must ship): it lists each
    entry of tests/; a new suite or file there must be added to build_ignore."""
    assert [m for m in tar_members if m == 'tests' or m.startswith('tests/')] == list(SHIPPED_TESTS)
    ignored = set(yaml.safe_load(open(os.path.join(ROOT, 'galaxy.yml')))['build_ignore'])
    entries = sorted(e for e in os.listdir(os.path.join(ROOT, 'tests')) if e not in ('config.yml', '__pycache__'))
    assert [e for e in entries if 'tests/' + e not in ignored] == []
    config = yaml.safe_load(open(os.path.join(ROOT, 'tests', 'config.yml')))
    assert config == {'modules': {'python_requires': '>=3.8'}}


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
    # the modules need no other collection; the proget_server role's own needs are not forced on
    # module users (roles/proget_server/meta/requirements.yml, checked by the role)
    assert info['dependencies'] == {}
    assert info['license'] == ['GPL-3.0-or-later'] and info['documentation'] and info['issues']
    assert os.path.basename(tarball) == 'cac-proget-%s.tar.gz' % galaxy['version']


def test_install_tarball_offline_and_run_the_demo_play(tarball, tmp_path):
    """ansible-galaxy collection install --offline --no-deps into an empty path, then examples/site.yml
    from that path against the sim: first run changes, second does not."""
    dest = tmp_path / 'collections'
    run([tool('ansible-galaxy'), 'collection', 'install', '--offline', '--no-deps', '-p', str(dest), tarball])
    installed = dest / 'ansible_collections' / 'cac' / 'proget'
    assert (installed / 'MANIFEST.json').is_file()
    assert sorted(str(p.relative_to(installed)) for p in (installed / 'tests').rglob('*')) == ['tests/config.yml']
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


ROLE_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: install ProGet
      ansible.builtin.include_role:
        name: cac.proget.proget_server
      vars:
        proget_server_platform: "{{ platform }}"
'''


def test_installs_without_other_collections_and_proget_server_names_what_it_needs(tarball, tmp_path):
    """No dependencies: `ansible-galaxy collection install` of the tarball (dependencies resolved,
    offline) installs cac.proget alone. The proget_server role then fails before it changes
    anything, naming the collection its platform needs and how to install it."""
    dest = tmp_path / 'collections'
    run([tool('ansible-galaxy'), 'collection', 'install', '--offline', '-p', str(dest), tarball])
    assert sorted(os.listdir(str(dest / 'ansible_collections'))) == ['cac']
    venv, _ = harness.which_ansible()
    play = tmp_path / 'role.yml'
    play.write_text(ROLE_PLAY)
    (tmp_path / 'ansible.cfg').write_text('')
    # only the installed tarball: not the `ansible` package a venv may have (it has both collections)
    env = {'ANSIBLE_COLLECTIONS_PATH': str(dest), 'ANSIBLE_COLLECTIONS_SCAN_SYS_PATH': 'False',
           'ANSIBLE_NOCOLOR': '1', 'ANSIBLE_RETRY_FILES_ENABLED': 'False', 'ANSIBLE_CONFIG': str(tmp_path / 'ansible.cfg'),
           'ANSIBLE_LOCALHOST_WARNING': 'False', 'ANSIBLE_PYTHON_INTERPRETER': os.path.join(venv, 'bin', 'python')}
    requirements = yaml.safe_load(open(os.path.join(ROOT, 'roles', 'proget_server', 'meta', 'requirements.yml')))
    wanted = dict((c['name'], c['version']) for c in requirements['collections'])
    assert sorted(wanted) == ['ansible.windows', 'community.docker']
    for platform, needed in (('linux', 'community.docker'), ('windows', 'ansible.windows')):
        p = run([os.path.join(venv, 'bin', 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', str(play),
                 '-e', 'platform=' + platform], env=env, cwd=str(tmp_path), expect=2)
        out = ' '.join(p.stdout.split())
        assert 'needs the collection %s %s or later' % (needed, wanted[needed].lstrip('>=')) in out, p.stdout
        assert 'it is not installed' in out, p.stdout
        assert "ansible-galaxy collection install '%s:%s'" % (needed, wanted[needed]) in out, p.stdout
        assert str(dest / 'ansible_collections' / 'cac' / 'proget' / 'roles' / 'proget_server' / 'meta'
                   / 'requirements.yml') in out, p.stdout
        assert re.search(r'localhost\s+: ok=\d+\s+changed=0\s+unreachable=0\s+failed=1', p.stdout), p.stdout
    # the role's own record of what it needs (vars/main.yml) agrees with meta/requirements.yml
    role_vars = yaml.safe_load(open(os.path.join(ROOT, 'roles', 'proget_server', 'vars', 'main.yml')))
    assert dict((c['name'], '>=' + c['version']) for c in role_vars['_proget_server_collections'].values()) == wanted
    readme = open(os.path.join(ROOT, 'roles', 'proget_server', 'README.md')).read()
    assert 'meta/requirements.yml' in readme and all(name in readme for name in wanted)
