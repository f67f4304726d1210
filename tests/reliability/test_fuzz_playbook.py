"""A small sample of the property-based cases (tests/unit/fuzzing.py) through ansible-playbook: generated
documents and proget_state options, inside the schema and one step outside it, each as a task at -vvv.
Ansible's own option checks come first here (types, unknown options); the module's after them. Every task
either applies or fails naming the option or path of the bad value; no output holds a traceback. (The
full properties, with many more cases, run in-process: tests/unit/test_properties.py.)
"""
import os
import sys

import pytest
import yaml

hypothesis = pytest.importorskip('hypothesis')   # tests/requirements/core-2.22.txt
from hypothesis import given, settings  # noqa: E402

from harness import ROOT  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, 'build', 'collections'))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'unit'))
import fuzzing  # noqa: E402

SAMPLE = 12
# (Ansible's own messages may name Python types, e.g. "is of type NoneType": those are not searched for)
FORBIDDEN = ('Traceback (most recent call last)', 'JSONDecodeError', 'Expecting value', 'KeyError',
             'AttributeError', 'TypeError:', 'object is not iterable', 'object has no attribute')


def sample(strategy, count):
    found = []

    @settings(max_examples=count, derandomize=True, database=None, deadline=None)
    @given(strategy)
    def collect(value):
        found.append(value)
    collect()
    return found[:count]


def test_generated_documents_through_ansible_playbook(sim, run_play):
    sim.config(edition='enterprise')
    inside = sample(fuzzing.documents(), SAMPLE) + sample(fuzzing.plausible_documents(), SAMPLE)
    outside = sample(fuzzing.outside(), SAMPLE)
    tasks = []
    for index, doc in enumerate(inside):
        tasks.append({'name': 'inside %d' % index, 'cac.proget.proget_state': doc, 'ignore_errors': True})
    for index, (doc, _) in enumerate(outside):
        tasks.append({'name': 'outside %d' % index, 'cac.proget.proget_state': doc, 'ignore_errors': True})
    play = yaml.safe_dump([{'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}], width=10 ** 9)
    result = run_play(play, verbosity=3)
    output = result.stdout + result.stderr
    bad = [f for f in FORBIDDEN if f in output]
    assert not bad, '%s in the output:\n%s' % (bad, output[max(0, output.find(bad[0]) - 3000):][:6000])
    applied = refused = 0
    for index, doc in enumerate(inside):
        task = result.task('inside %d' % index)
        if task['failed']:
            refused += 1
            assert fuzzing.WHERE_TEXT.search(task['msg']), (task['msg'], doc)
        else:
            applied += 1
    for index, (doc, path) in enumerate(outside):
        task = result.task('outside %d' % index)
        assert task['failed'], (path, doc)
        first = path[0]
        where = fuzzing.path_text(path)
        assert where in task['msg'] or first in task['msg'], (where, task['msg'])
    print('\nFIGURES fuzz_playbook: %d generated documents through ansible-playbook at -vvv: %d applied, %d '
          'refused naming where, %d outside the schema refused naming the path' % (
              len(inside) + len(outside), applied, refused, len(outside)))
