#!/usr/bin/env python3
"""Write schemas/proget_state.schema.json from the module_utils definitions (make schema)."""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'build', 'collections'))

from ansible_collections.cac.proget.plugins.module_utils.state import schema  # noqa: E402

TARGET = os.path.join(ROOT, 'schemas', 'proget_state.schema.json')


def render():
    return json.dumps(schema(), indent=2, sort_keys=False) + '\n'


if __name__ == '__main__':
    with open(TARGET, 'w') as f:
        f.write(render())
    print('wrote %s' % os.path.relpath(TARGET, ROOT))
