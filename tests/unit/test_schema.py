"""The shipped JSON Schema file equals the one generated from the Fields, and errors carry paths."""
import json
import os

from ansible_collections.cac.proget.plugins.module_utils.schema import validate_document
from ansible_collections.cac.proget.plugins.module_utils.state import schema

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_schema_file_matches_the_code():
    with open(os.path.join(ROOT, 'schemas', 'proget_state.schema.json')) as f:
        shipped = json.load(f)
    assert shipped == json.loads(json.dumps(schema())), 'run `make schema` and commit the file'


def test_every_bad_value_is_reported_with_its_path():
    document = {
        'feeds': [
            {'name': 'ok', 'type': 'nuget'},
            {'name': 'a', 'retention_rules': [{'keep_versions_count': 'ten', 'bogus': 1}]},
            {'type': 'npm', 'active': 'yes'},
        ],
        'unknown_kind': [],
        'prune': ['nothing'],
    }
    problems = validate_document(schema(), document)
    assert "feeds[1].retention_rules[0].keep_versions_count: 'ten' is not of type 'integer'" in problems
    assert any(p.startswith('feeds[1].retention_rules[0].bogus: unknown option') for p in problems)
    assert "feeds[2].active: 'yes' is not of type 'boolean'" in problems
    assert 'feeds[2].name: is required' in problems
    assert any(p.startswith('unknown_kind: unknown option') for p in problems)
    assert any(p.startswith('prune[0]:') for p in problems)
    assert len(problems) == 6


def test_a_valid_document_has_no_problem():
    assert validate_document(schema(), {'feeds': [{'name': 'a', 'type': 'npm', 'retention_rules': []}],
                                        'prune': ['feeds'], 'prune_protect': ['x']}) == []
