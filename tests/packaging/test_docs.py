"""The user documentation keeps up with the code: every module, role, state kind and guide is listed."""
import glob
import json
import os
import re

import yaml

from conftest import ROOT

GUIDES = os.path.join(ROOT, 'docs', 'docsite', 'rst')


def modules():
    return sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(ROOT, 'plugins', 'modules', '*.py'))
                  if not p.endswith('__init__.py'))


def test_readme_module_table_lists_every_module_and_role():
    readme = open(os.path.join(ROOT, 'README.md')).read()
    table = {m.group(1) for m in re.finditer(r'^\| `cac\.proget\.([a-z0-9_]+)` \| \S', readme, re.M)}
    assert [m for m in modules() if m not in table] == []
    roles = sorted(os.listdir(os.path.join(ROOT, 'roles')))
    assert [r for r in roles if r not in table] == []
    # other plugin types (lookup, filter, ...): every one that has documentation
    others = sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(ROOT, 'plugins', '*', '*.py'))
                    if os.path.basename(os.path.dirname(p)) not in ('modules', 'module_utils', 'doc_fragments')
                    and not p.endswith('__init__.py') and 'DOCUMENTATION' in open(p).read())
    # plugins documented in a YAML file beside them (filters, tests)
    others += [os.path.basename(p)[:-4] for p in glob.glob(os.path.join(ROOT, 'plugins', '*', '*.yml'))]
    assert [o for o in others if o not in table] == []


def test_every_module_is_in_the_action_group():
    runtime = yaml.safe_load(open(os.path.join(ROOT, 'meta', 'runtime.yml')))
    assert sorted(runtime['action_groups']['proget']) == modules()


def test_every_guide_is_in_extra_docs_and_has_its_label():
    extra = yaml.safe_load(open(os.path.join(ROOT, 'docs', 'docsite', 'extra-docs.yml')))
    listed = [entry for section in extra['sections'] for entry in section['toctree']]
    files = sorted(f[:-4] for f in os.listdir(GUIDES) if f.endswith('.rst'))
    assert sorted(listed) == files
    for name in files:
        first = open(os.path.join(GUIDES, name + '.rst')).readline().strip()
        assert first == '.. _ansible_collections.cac.proget.docsite.%s:' % name


def test_state_document_reference_covers_every_kind_of_the_schema():
    schema = json.load(open(os.path.join(ROOT, 'schemas', 'proget_state.schema.json')))
    guide = open(os.path.join(GUIDES, 'state_document.rst')).read()
    assert [k for k in schema['properties'] if '``%s``' % k not in guide] == []


def test_connection_guide_covers_every_option_and_variable():
    fragment = open(os.path.join(ROOT, 'plugins', 'doc_fragments', 'connection.py')).read()
    doc = yaml.safe_load(fragment.split("DOCUMENTATION = r'''", 1)[1].split("'''", 1)[0])
    guide = open(os.path.join(GUIDES, 'connection.rst')).read()
    for option in doc['options']:
        assert '``%s``' % option in guide and '``PROGET_%s``' % option.upper() in guide
