"""The registry of kinds (module_utils/kinds.py) is the one list: every place that names the kinds
derives from it or is checked here, so a kind added to KINDS and forgotten elsewhere fails."""
import ast
import os

import pytest
import yaml

from ansible_collections.cac.proget.plugins.module_utils import state
from ansible_collections.cac.proget.plugins.module_utils.connection import CONNECTION_ARGUMENT_SPEC
from ansible_collections.cac.proget.plugins.module_utils.kinds import KINDS, kind, kinds

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROLE = os.path.join(ROOT, 'roles', 'proget_config')


def read(*parts):
    with open(os.path.join(ROOT, *parts)) as handle:
        return handle.read()


def module_doc(name):
    for node in ast.parse(read('plugins', 'modules', name + '.py')).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], 'id', None) == 'DOCUMENTATION':
            return yaml.safe_load(node.value.value)
    raise AssertionError(name)


PLURALS = [cls.plural for cls in KINDS]


def test_registry_is_in_dependency_order_and_unique():
    assert len(set(PLURALS)) == len(PLURALS) == len(set(cls.name for cls in KINDS))
    for index, cls in enumerate(KINDS):
        for referenced in cls().references:
            assert PLURALS.index(referenced) < index, '%s refers to %s, declared after it' % (cls.plural, referenced)
    assert list(kinds()) == PLURALS and kind('feeds').plural == 'feeds'


@pytest.mark.parametrize('cls', KINDS, ids=PLURALS)
def test_every_place_that_lists_the_kinds_has_this_one(cls):
    plural, name = cls.plural, cls.name
    # its module, in the action group, and the README's module table
    assert os.path.isfile(os.path.join(ROOT, 'plugins', 'modules', 'proget_%s.py' % name))
    assert 'proget_%s' % name in yaml.safe_load(read('meta', 'runtime.yml'))['action_groups']['proget']
    assert '`cac.proget.proget_%s`' % name in read('README.md')
    # proget_state: an option per kind; proget_state_info's export and the schema come from the registry
    assert plural in module_doc('proget_state')['options']
    assert plural in state.schema()['properties']
    # the proget_config role: a default, an argument spec entry, and the task passes it on
    assert 'proget_%s' % plural in yaml.safe_load(read('roles', 'proget_config', 'defaults', 'main.yml'))
    specs = yaml.safe_load(read('roles', 'proget_config', 'meta', 'argument_specs.yml'))
    assert 'proget_%s' % plural in specs['argument_specs']['main']['options']
    task = yaml.safe_load(read('roles', 'proget_config', 'tasks', 'main.yml'))[0]['cac.proget.proget_state']
    assert task[plural] == '{{ proget_%s }}' % plural
    # the state document guide
    assert '``%s``' % plural in read('docs', 'docsite', 'rst', 'state_document.rst')


def test_prune_choices_are_the_prunable_kinds():
    assert module_doc('proget_state')['options']['prune']['choices'] == state.prunable()
    assert state.prunable() == [cls.plural for cls in KINDS if cls.prunable]


@pytest.mark.parametrize('cls', KINDS, ids=PLURALS)
def test_no_module_option_takes_a_connection_option_name(cls):
    assert not set(cls().module_argument_spec()) & set(CONNECTION_ARGUMENT_SPEC)


def test_a_kind_with_a_clashing_option_is_refused():
    from ansible_collections.cac.proget.plugins.module_utils.engine import Resource

    class Bad(Resource):
        name = 'bad'
        extra_options = {'timeout': dict(type='int')}
    with pytest.raises(AssertionError, match='timeout'):
        Bad().module_argument_spec()
