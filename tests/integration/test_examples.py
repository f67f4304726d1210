"""Every module's EXAMPLES run, as written, against the sim.

The EXAMPLES block of each module is parsed, `url:` values are pointed at the sim and the
examples run as one play. `SETUP` prepares what an example expects to exist (for example the
connector a feed example attaches); `VARS` gives the variables examples use. A module without an
entry in `SETUP` starts from an empty server.

Also here (this file runs on every ansible-core of the matrix): null for the optional strings of
the proget_config role and of the modules works as empty does, on every core.
"""
import ast
import glob
import os
import tempfile

import pytest
import yaml

from harness import ROOT
from progetsim.packagefiles import deb, nupkg, sdist, upack, wheel

MODULES = sorted(glob.glob(os.path.join(ROOT, 'plugins', 'modules', 'proget_*.py'))
                 + glob.glob(os.path.join(ROOT, 'plugins', 'lookup', 'proget_*.py')))


def _connector(sim, name, feed_type='nuget', url='https://nuget.example.com/v3/index.json'):
    sim.api('POST', 'api/management/connectors/create',
            json={'name': name, 'feedType': feed_type, 'url': url}, expect=(200, 201))


def _feed(sim, name, feed_type, connectors=None):
    body = {'name': name, 'feedType': feed_type}
    if connectors:
        body['connectors'] = connectors
    sim.api('POST', 'api/management/feeds/create', json=body, expect=(200, 201))


def _packages(sim):
    """Asset directory `installers`, universal feed `tools`, NuGet feed `internal-nuget` and PyPI feed
    `internal-pypi` (a version with a wheel and an sdist), with packages."""
    _feed(sim, 'installers', 'asset')
    _feed(sim, 'tools', 'universal')
    _feed(sim, 'internal-nuget', 'nuget')
    _feed(sim, 'internal-pypi', 'pypi')
    sim.api('POST', 'endpoints/installers/content/app/app-1.2.0.tar.gz', data=b'app', expect=201)
    for v in ('1.0.0', '1.1.0-rc.1'):
        sim.api('POST', 'upack/tools/upload', data=upack('deploy-tool', v, 'acme'), expect=200)
    sim.api('PUT', 'api/packages/internal-nuget/upload', data=nupkg('Acme.Core', '2.0.1'), expect=200)
    for name, data in (wheel('acme_tools', '1.4.0'), sdist('acme_tools', '1.4.0')):
        sim.api('PUT', 'api/packages/internal-pypi/upload/' + name, data=data, expect=200)


DIST = os.path.join(tempfile.gettempdir(), 'cac-proget-examples-dist')


def _release_feeds(sim):
    """proget_package / proget_package_promotion: the feeds their EXAMPLES name, corp/app 1.3.0 and
    1.4.0 already published, and the package files of the EXAMPLES in DIST (copied next to the play)."""
    for name, kind in (('internal-universal', 'universal'), ('pypi-internal', 'pypi'),
                       ('debian-internal', 'debian'), ('unapproved-universal', 'universal'),
                       ('approved-universal', 'universal')):
        _feed(sim, name, kind)
    for feed, version in (('internal-universal', '1.3.0'), ('unapproved-universal', '1.4.0')):
        sim.api('PUT', 'api/packages/%s/upload' % feed, data=upack('app', version, 'corp'), expect=200)
    os.makedirs(DIST, exist_ok=True)
    files = dict([wheel('acme', '1.4.0'), sdist('acme', '1.4.0')])
    files['corp-app-1.4.0.upack'] = upack('app', '1.4.0', 'corp')
    files['acme-tool_1.4.0_amd64.deb'] = deb('acme-tool', '1.4.0')[1]
    for name, data in files.items():
        with open(os.path.join(DIST, name), 'wb') as handle:
            handle.write(data)


def _api_key(sim, name):
    sim.api('POST', 'api/api-keys/create', expect=200,
            json={'type': 'System', 'systemApis': ['feeds'], 'displayName': name, 'logging': 'None'})


def _license(sim, code):
    sim.api('POST', 'api/licenses/add', json={'code': code, 'title': code}, expect=200)


def _license_file(sim):
    with open(VARS['license_file'], 'w') as handle:
        handle.write('ACME End User License Agreement\n')


# module name -> tasks run before its EXAMPLES (local files the examples read)
PRE_TASKS = {
    'proget_package': [{'ansible.builtin.copy': {'src': DIST + '/', 'dest': '{{ playbook_dir }}/dist/'}}],
    'proget_asset': [
        {'ansible.builtin.file': {'path': '{{ playbook_dir }}/files/docs/guide', 'state': 'directory'}},
        {'ansible.builtin.copy': {'dest': '{{ playbook_dir }}/files/app-1.2.0.tar.gz', 'content': 'app'}},
        {'ansible.builtin.copy': {'dest': '{{ playbook_dir }}/files/docs/guide/index.md', 'content': '# docs'}},
        {'ansible.builtin.file': {'path': '{{ playbook_dir }}/files/site/css', 'state': 'directory'}},
        {'ansible.builtin.copy': {'dest': '{{ playbook_dir }}/files/site/index.html', 'content': '<p>site</p>'}},
        {'ansible.builtin.copy': {'dest': '{{ playbook_dir }}/files/site/css/site.css', 'content': 'p {}'}},
        {'cac.proget.proget_asset': {'url': 'http://placeholder', 'api_key': '{{ proget_api_key }}',
                                     'feed': 'installers', 'path': 'app/old/x.txt', 'content': 'old'}},
    ],
}

# module name -> function(sim) that creates what its EXAMPLES expect
SETUP = {
    'proget_package': _release_feeds,
    'proget_package_promotion': _release_feeds,
    'proget_asset': lambda sim: _feed(sim, 'installers', 'asset'),
    'proget_asset_info': _packages,
    'proget_download': _packages,
    'proget_package_info': _packages,
    'proget_versions': _packages,
    'proget_api_key': lambda sim: (_feed(sim, 'internal-nuget', 'nuget'), _api_key(sim, 'old-ci')),
    'proget_api_key_info': lambda sim: _api_key(sim, 'build-server'),
    'proget_license': lambda sim: (_license_file(sim), _license(sim, 'OLD-LICENSE')),
    'proget_license_info': lambda sim: _license(sim, 'MIT'),
    'proget_feed': lambda sim: (_connector(sim, 'nuget.org'), _feed(sim, 'legacy-nuget', 'nuget'),
                                _feed(sim, 'old-feed', 'npm')),
    'proget_feed_info': lambda sim: _feed(sim, 'internal-nuget', 'nuget'),
    'proget_connector': lambda sim: (_connector(sim, 'old-connector', 'npm', 'https://npm.example.com'),
                                     _feed(sim, 'uses-old', 'npm', ['old-connector'])),
    'proget_connector_info': lambda sim: (_connector(sim, 'nuget.org'),
                                          _feed(sim, 'internal-nuget', 'nuget', ['nuget.org'])),
}


def _connector_examples_done(sim):
    names = sorted(c['name'] for c in sim.api('GET', 'api/management/connectors/list').json())
    assert names == ['nuget.org', 'partner-npm']
    assert sim.api('GET', 'api/management/feeds/get/uses-old').json()['connectors'] == []
    assert sim.api('GET', 'api/management/feeds/get/npm-internal').json()['connectors'] == ['partner-npm']


def _settings_examples_done(sim):
    values = dict((x['name'], x['value']) for x in sim.api('GET', 'api/settings/list?showAll=True').json())
    assert values['Web.BaseUrl'] == 'https://proget.example.com/' and values['FeedRetentionDryRun'] == 'True'
    assert values['Licensing.Key'] == 'EXAMPLE-LICENSE-KEY'


# module name -> function(sim) asserting what the EXAMPLES did (where it is easy to state)
AFTER = {
    'proget_connector': _connector_examples_done,
    'proget_setting': _settings_examples_done,
    'proget_native_api': lambda sim: sim.api('GET', 'api/management/feeds/get/native-nuget', expect=200),
}

# modules whose EXAMPLES need a paid edition (ProGet Free has no Security API)
PAID = set('proget_%s%s' % (kind, info) for kind in ('user', 'group', 'task', 'permission') for info in ('', '_info'))
PAID |= {'proget_feed', 'proget_package', 'proget_package_promotion'}   # S3 storage, promotion

# variables the EXAMPLES use
VARS = {'proget_api_key': 'examples-key', 'partner_npm_token': 'examples-token',
        'proget_license_key': 'EXAMPLE-LICENSE-KEY', 'deploy_key_secret': 'examples-deploy-secret',
        'vault_alice_password': 'examples-alice-password',
        'proget_feeds': [{'name': 'example-nuget', 'type': 'nuget'}], 'proget_api_keys': [], 'vault_s3_secret_access_key': 'examples-s3-secret',
        'license_file': os.path.join(tempfile.gettempdir(), 'cac-proget-examples-ACME-EULA.txt')}


def examples_of(path):
    tree = ast.parse(open(path).read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], 'id', None) == 'EXAMPLES':
            return yaml.safe_load(node.value.value)
    raise AssertionError('%s has no EXAMPLES' % path)


def point_at(tasks, url):
    """Replace every `url:` under a cac.proget module (or module_defaults) with the sim's URL."""
    if isinstance(tasks, list):
        return [point_at(t, url) for t in tasks]
    if isinstance(tasks, dict):
        out = {}
        for key, value in tasks.items():
            if key == 'url' and isinstance(value, str) and value.startswith('http'):
                out[key] = url
            else:
                out[key] = point_at(value, url)
        return out
    return tasks


@pytest.mark.parametrize('path', MODULES, ids=[os.path.basename(m)[:-3] for m in MODULES])
def test_examples_run(path, sim_factory, play_runner):
    module = os.path.basename(path)[:-3]
    sim = sim_factory(system_key=VARS['proget_api_key'], edition='basic' if module in PAID else 'free')
    if module in SETUP:
        SETUP[module](sim)
    tasks = point_at(PRE_TASKS.get(module, []) + examples_of(path), sim.url)
    play = [{'hosts': 'localhost', 'gather_facts': False, 'vars': VARS, 'tasks': tasks}]
    result = play_runner(sim=sim)(yaml.safe_dump(play, sort_keys=False))
    assert result.rc == 0
    assert result.results, 'no task ran'
    if module in AFTER:
        AFTER[module](sim)


NULLS_PLAY = '''
- hosts: localhost
  gather_facts: false
  vars:
    proget_url: "{{ lookup('ansible.builtin.env', 'PROGET_URL') }}"
    proget_api_key: null
    proget_username: null
    proget_password: null
    proget_ca_path: null
    proget_feeds: [{name: from-role, type: npm}]
  roles:
    - role: cac.proget.proget_config
  tasks:
    - name: asset info of the root, path given as null
      cac.proget.proget_asset_info: {feed: files, path: "{{ none }}"}
      register: root
'''


def test_null_optional_strings_work_on_every_core(sim, run_play):
    """The optional strings of the proget_config role and of the modules accept null as they accept
    empty or omitted, with every ansible-core: 2.16-2.18 refuse null for a `str` option that has a
    default, 2.19+ turn it into '' (so such options declare no default)."""
    sim.api('POST', 'api/management/feeds/create', json={'name': 'files', 'feedType': 'asset'}, expect=200)
    sim.api('POST', 'endpoints/files/content/top.txt', data=b'top', expect=201)
    result = run_play(NULLS_PLAY)
    assert result.task('cac.proget.proget_config : Apply the state document')['changed']
    assert sim.api('GET', 'api/management/feeds/get/from-role', expect=200).json()['feedType'] == 'npm'
    root = result.task('asset info of the root, path given as null')['result']
    assert [i['path'] for i in root['entries']] == ['top.txt'] and root['exists']
