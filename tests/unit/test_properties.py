"""Property-based tests (hypothesis; strategies in fuzzing.py): state documents generated from the JSON
schema of proget_state, inside it and one step outside it, planned and applied by the real Plan against an
in-process sim.

* Inside the schema: the plan either fails before any write with problems that each name where (a path
  such as ``feeds[2].retention_rules[0]``, the object, or ``security``), or the run applies and a second
  plan of the same document changes nothing.
* One step outside: the plan fails before any request, and one problem names the path of the bad value.
* Never an exception other than StateError (no traceback).

``make test`` runs the ``ci`` profile (fixed seed): EXAMPLES examples in all; ``make fuzz-long`` runs
many more with a random seed (HYPOTHESIS_PROFILE=long, CAC_FUZZ_SCALE). The counts are printed
(FIGURES properties) and written to build/properties-figures.json.
"""
import json
import os
import re
import sys
import tempfile

import pytest

hypothesis = pytest.importorskip('hypothesis')   # tests/requirements/core-2.19.txt, core-2.22.txt
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fuzzing  # noqa: E402
from fuzzing import examples, path_text  # noqa: E402

from ansible_collections.cac.proget.plugins.module_utils.client import ProGetClient  # noqa: E402
from ansible_collections.cac.proget.plugins.module_utils.state import Plan, StateError  # noqa: E402
from progetsim.inprocess import SimAdapter, writes  # noqa: E402
from progetsim.server import Sim  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KEY = 'fuzz-system-key'
OPTIONS = ('prune', 'prune_protect', 'prune_max', 'prune_max_percent', 'prune_allow_empty')
# where a problem says it is: a document path, an object's label, or the whole security setup
WHERE = re.compile(r"^([a-z_]+(\[\d+\])?([.\[][^:]*)?:|security:|[A-Za-z][A-Za-z ]* '[^']*'[: ])")
FORCING = ('rotate', 'force', 'update_password', 'update_secrets')
COUNTS = {}


@pytest.fixture(scope='module')
def sim_client():
    data = tempfile.mkdtemp(prefix='fuzz-sim-')
    sim = Sim(data, system_key=KEY, log_bodies=False, config={'edition': 'enterprise'})
    client = ProGetClient('http://sim.invalid', api_key=KEY, backoff=0, retries=0)
    adapter = SimAdapter(sim)
    client.session.mount('http://', adapter)
    yield sim, client
    client.session.close()
    sim.store.close()
    _write_figures()


def _write_figures():
    os.makedirs(os.path.join(ROOT, 'build'), exist_ok=True)
    path = os.path.join(ROOT, 'build', 'properties-figures.json')
    with open(path, 'w') as f:
        json.dump(COUNTS, f, indent=2, sort_keys=True)
    print('\nFIGURES properties: %s (%d cases)' % (json.dumps(COUNTS, sort_keys=True), sum(
        sum(v.values()) for v in COUNTS.values())))


def count(test, outcome):
    COUNTS.setdefault(test, {}).setdefault(outcome, 0)
    COUNTS[test][outcome] += 1


def fresh(sim):
    sim.reset()
    sim.clear_log()


def plan(client, doc):
    document = dict((k, v) for k, v in doc.items() if k not in OPTIONS)
    options = dict((k, v) for k, v in doc.items() if k in OPTIONS)
    return Plan(client, document, options.pop('prune', ()), options.pop('prune_protect', ()),
                prune_max=options.get('prune_max'), prune_max_percent=options.get('prune_max_percent'),
                prune_allow_empty=options.get('prune_allow_empty'))


def steady(doc):
    """The document without the options that write on every run on purpose (rotate a key, re-send a
    password, re-upload a file): what a second run must leave alone."""
    out = {}
    for kind, value in doc.items():
        if isinstance(value, list):
            value = [dict((k, v) for k, v in e.items() if k not in FORCING and not (k == 'storage' and isinstance(
                v, dict) and v.get('update_secrets') == 'always')) if isinstance(e, dict) else e for e in value]
        out[kind] = value
    return out


def assert_located(problems, doc):
    assert problems, 'a StateError without problems'
    for problem in problems:
        assert WHERE.match(problem), 'a problem that does not say where: %r\n%r' % (problem, doc)
        assert 'Traceback' not in problem, problem


@settings(max_examples=examples(700))
@given(doc=fuzzing.documents())
def test_inside_the_schema_fails_before_writing_or_converges(sim_client, doc):
    check_inside(sim_client, doc, 'inside')


@settings(max_examples=examples(500))
@given(doc=fuzzing.plausible_documents())
def test_plausible_documents_fail_before_writing_or_converge(sim_client, doc):
    """The same property, on documents whose entries are mostly right, so that most of them apply."""
    check_inside(sim_client, doc, 'plausible')


def check_inside(sim_client, doc, name):
    sim, client = sim_client
    fresh(sim)
    doc = steady(doc)
    first = plan(client, doc)
    try:
        first.build()
    except StateError as e:
        assert writes(sim) == [], 'refused plan wrote'
        assert_located(e.problems, doc)
        count(name, 'refused before writing')
        return
    try:
        first.apply()
    except StateError as e:
        count(name, 'failed while applying')
        raise AssertionError('a plan that was accepted failed while applying: %s\n%r' % (e, doc))
    sim.clear_log()
    second = plan(client, doc).build()
    changed = [(s['kind'], s['name'], s['action'], s['changes']) for s in second.steps if s['action'] != 'none']
    assert changed == [], 'not converged after one run: %r\n%r' % (changed, doc)
    assert writes(sim) == []
    count(name, 'converged')


@settings(max_examples=examples(800))
@given(case=fuzzing.outside())
def test_one_step_outside_the_schema_names_the_path_before_any_request(sim_client, case):
    sim, client = sim_client
    doc, path = case
    fresh(sim)
    with pytest.raises(StateError) as e:
        plan(client, doc).build()
    assert sim.read_log() == [], 'a request was sent for an invalid document'
    where = path_text(path)
    assert any(p.startswith(where + ':') or p.startswith(where + '.') or p.startswith(where + '[')
               for p in e.value.problems), 'no problem names %s:\n%s' % (where, '\n'.join(e.value.problems))
    assert_located(e.value.problems, doc)
    count('outside', 'refused naming the path')


@settings(max_examples=examples(300))
@given(options=st.fixed_dictionaries({}, optional={
    'prune': st.lists(st.one_of(st.just('feeds'), st.just('feeds'), st.sampled_from(
        fuzzing.SCHEMA['properties']['prune']['items']['enum'] + ['nope', 7])), max_size=3),
    'prune_protect': st.lists(st.one_of(fuzzing.TEXT, st.integers()), max_size=2),
    'prune_max': st.one_of(st.integers(-3, 30), st.none()),
    'prune_max_percent': st.one_of(st.integers(-3, 130), st.none()),
    'prune_allow_empty': st.lists(st.sampled_from(['feeds', 'feeds', 'users', 'licenses', 'nope']), max_size=2)}),
    existing=st.integers(0, 15), declared=st.integers(0, 6))
def test_prune_options_refuse_or_stay_within_the_limits(sim_client, options, existing, declared):
    """The prune options, inside and outside their ranges: refused naming the option, or the plan deletes
    no more than the limits allow (and a refused plan writes nothing)."""
    sim, client = sim_client
    fresh(sim)
    for i in range(existing):
        client.post_json('api/management/feeds/create', {'name': 'f%02d' % i, 'feedType': 'npm'})
    doc = dict(options, feeds=[{'name': 'f%02d' % i, 'type': 'npm'} for i in range(declared)])
    sim.clear_log()
    try:
        built = plan(client, doc).build()
    except StateError as e:
        assert writes(sim) == []
        assert_located(e.problems, doc)
        count('prune options', 'refused')
        return
    pruned = [s for s in built.steps if s['pruned']]
    limit = options.get('prune_max')
    limit = 10 if limit is None else limit
    percent = options.get('prune_max_percent')
    percent = 50 if percent is None else percent
    assert len(pruned) <= limit
    assert len(pruned) <= 1 or len(pruned) * 100 <= percent * existing
    if 'feeds' in (options.get('prune') or []) and declared == 0:
        assert 'feeds' in options.get('prune_allow_empty', [])
    count('prune options', 'planned within the limits')
