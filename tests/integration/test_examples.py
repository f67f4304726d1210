"""Every module's EXAMPLES run, as written, against the sim.

The EXAMPLES block of each module is parsed, `url:` values are pointed at the sim and the
examples run as one play. `SETUP` prepares what an example expects to exist (for example the
connector a feed example attaches); `VARS` gives the variables examples use. A module without an
entry in `SETUP` starts from an empty server.
"""
import ast
import glob
import os

import pytest
import yaml

from harness import ROOT

MODULES = sorted(glob.glob(os.path.join(ROOT, 'plugins', 'modules', 'proget_*.py')))


def _connector(sim, name, feed_type='nuget', url='https://api.nuget.org/v3/index.json'):
    sim.api('POST', 'api/management/connectors/create',
            json={'name': name, 'feedType': feed_type, 'url': url}, expect=(200, 201))


def _feed(sim, name, feed_type):
    sim.api('POST', 'api/management/feeds/create', json={'name': name, 'feedType': feed_type}, expect=(200, 201))


# module name -> function(sim) that creates what its EXAMPLES expect
SETUP = {
    'proget_feed': lambda sim: (_connector(sim, 'nuget.org'), _feed(sim, 'legacy-nuget', 'nuget'),
                                _feed(sim, 'old-feed', 'npm')),
    'proget_feed_info': lambda sim: _feed(sim, 'internal-nuget', 'nuget'),
}

# variables the EXAMPLES use
VARS = {'proget_api_key': 'examples-key'}


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
    sim = sim_factory(system_key=VARS['proget_api_key'])
    if module in SETUP:
        SETUP[module](sim)
    tasks = point_at(examples_of(path), sim.url)
    play = [{'hosts': 'localhost', 'gather_facts': False, 'vars': VARS, 'tasks': tasks}]
    result = play_runner(sim=sim)(yaml.safe_dump(play, sort_keys=False))
    assert result.rc == 0
    assert result.results, 'no task ran'
