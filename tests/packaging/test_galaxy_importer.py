"""galaxy-importer: the checks Galaxy and Automation Hub (certification) run on an uploaded tarball.

galaxy-importer (PyPI, pinned in tests/requirements/tools.txt) runs here on the tarball of
`ansible-galaxy collection build`, offline, with the configuration below:

* always: MANIFEST.json and FILES.json (checksums, no file outside the manifest), galaxy.yml
  metadata (namespace, name, version, license, tags, dependencies), a README for the collection
  and for every role, meta/runtime.yml `requires_ansible`, meta/execution-environment.yml and the
  files it names, and a warning for every tests/sanity/ignore-*.txt file;
* RUN_ANSIBLE_DOC: ansible-doc of every plugin (each module, lookup and filter must render);
* RUN_ANSIBLE_LINT + OFFLINE_ANSIBLE_LINT: `ansible-lint --profile production` over the whole
  extracted collection (roles, playbooks, examples), without network;
* CHECK_CHANGELOG: a changelog (CHANGELOG.md/.rst or changelogs/changelog.yaml);
* CHECK_REQUIRED_TAGS: at least one tag of the certification list (galaxy.yml has `tools`).

Not run here: RUN_ANSIBLE_TEST (galaxy-importer runs `ansible-test sanity --docker`, a container;
`make sanity` runs ansible-test sanity on the same tarball with every supported ansible-core,
locally), RUN_FLAKE8 (off on Galaxy too; it would also parse the YAML docs of the filters as
Python), REQUIRE_V1_OR_GREATER (a certified release needs version 1.0.0 or later; galaxy.yml says
0.x until then).

Any WARNING or ERROR line of galaxy-importer (an ansible-lint finding, a missing changelog, an
ignore file...) fails the test: certification reviews them.
"""
import json
import os

import yaml

from conftest import ROOT, TOOLS, run, tool

CONFIG = '''[galaxy-importer]
LOG_LEVEL_MAIN = INFO
RUN_ANSIBLE_DOC = True
RUN_ANSIBLE_LINT = True
OFFLINE_ANSIBLE_LINT = True
CHECK_CHANGELOG = True
CHECK_REQUIRED_TAGS = True
RUN_ANSIBLE_TEST = False
ANSIBLE_TEST_LOCAL_IMAGE = False
RUN_FLAKE8 = False
REQUIRE_V1_OR_GREATER = False
ANSIBLE_LOCAL_TMP = {tmp}
TMP_ROOT_DIR = {tmp}
'''


def import_tarball(tarball, workdir):
    """Run galaxy-importer on the tarball; (exit code, output lines, importer_result.json or None)."""
    tmp = workdir / 'tmp'
    tmp.mkdir()
    config = workdir / 'galaxy-importer.cfg'
    config.write_text(CONFIG.format(tmp=tmp))
    # galaxy-importer finds ansible-doc and ansible-lint on PATH: the tools venv's. Only this
    # configuration counts: no GALAXY_IMPORTER_* override from the caller's environment.
    env = dict((k, v) for k, v in os.environ.items()
               if not k.startswith(('GALAXY_IMPORTER_', 'ANSIBLE_COLLECTIONS_PATH')))
    env.update(GALAXY_IMPORTER_CONFIG=str(config), PATH=TOOLS + os.pathsep + env.get('PATH', ''),
               HOME=str(workdir), NO_COLOR='1')
    p = run([tool('python'), '-m', 'galaxy_importer.main', tarball], env=env, cwd=str(workdir), expect=None)
    result_file = workdir / 'importer_result.json'
    result = json.loads(result_file.read_text()) if result_file.exists() else None
    return p.returncode, (p.stdout + p.stderr).splitlines(), result


def test_galaxy_importer_accepts_the_tarball_without_a_warning(tarball, tmp_path):
    rc, lines, result = import_tarball(tarball, tmp_path)
    output = '\n'.join(lines)
    assert rc == 0 and 'Importer processing completed successfully' in lines, output
    assert [line for line in lines if line.startswith(('WARNING', 'ERROR', 'CRITICAL'))] == [], output
    # the checks really ran
    assert 'Getting doc strings via ansible-doc' in lines and '...ansible-lint run complete' in lines, output

    runtime = yaml.safe_load(open(os.path.join(ROOT, 'meta', 'runtime.yml')))
    assert result['requires_ansible'] == runtime['requires_ansible'] == '>=2.16.0'
    galaxy = yaml.safe_load(open(os.path.join(ROOT, 'galaxy.yml')))
    assert result['metadata']['dependencies'] == {} == galaxy['dependencies']
    assert result['metadata']['version'] == galaxy['version']

    docs = dict(((c['content_type'], c['content_name']), c) for c in result['docs_blob']['contents'])
    for kind, folder in (('module', 'modules'), ('lookup', 'lookup')):
        names = sorted(f[:-3] for f in os.listdir(os.path.join(ROOT, 'plugins', folder)) if f.endswith('.py'))
        assert names
        for name in names:
            assert docs[(kind, name)]['doc_strings'], '%s %s: ansible-doc found no documentation' % (kind, name)
    for role in sorted(os.listdir(os.path.join(ROOT, 'roles'))):
        assert docs[('role', role)]['readme_file'] == 'README.md', role
    assert result['docs_blob']['collection_readme']['name'] == 'README.md'
