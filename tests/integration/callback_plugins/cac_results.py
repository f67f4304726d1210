# -*- coding: utf-8 -*-
# Test-only callback plugin (not part of the collection; tests/ is excluded from the build).
# Copyright: cac.proget developers; GNU General Public License v3.0+
"""Aggregate callback: append every task result as one JSON line to $CAC_RESULTS_FILE."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: cac_results
type: aggregate
short_description: write every task result as JSON lines (test harness)
description:
  - Appends one JSON object per task result (and per loop item) to the file named by
    the environment variable C(CAC_RESULTS_FILE). Used by tests/integration/harness.py.
requirements:
  - enable with C(ANSIBLE_CALLBACKS_ENABLED=cac_results)
"""

import json
import os

from ansible.plugins.callback import CallbackBase

try:
    from ansible.parsing.ajson import AnsibleJSONEncoder
except ImportError:  # pragma: no cover
    AnsibleJSONEncoder = json.JSONEncoder


class _Encoder(AnsibleJSONEncoder):
    def default(self, o):  # pylint: disable=method-hidden
        try:
            return super(_Encoder, self).default(o)
        except TypeError:
            if isinstance(o, (set, frozenset, tuple)):
                return list(o)
            return str(o)


def _plain(value):
    """Strip ansible-internal keys (_ansible_*) recursively-shallowly."""
    if isinstance(value, dict):
        return dict((k, v) for k, v in value.items() if not str(k).startswith('_ansible'))
    return value


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'cac_results'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self._path = os.environ.get('CAC_RESULTS_FILE')
        self._play = None

    def v2_playbook_on_play_start(self, play):
        self._play = play.get_name()

    def _write(self, status, result, item=False):
        if not self._path:
            return
        task = getattr(result, 'task', None) or result._task
        host = getattr(result, 'host', None) or result._host
        res = getattr(result, '_result', None)
        if res is None:
            res = result.result
        res = _plain(dict(res))
        if 'results' in res and isinstance(res['results'], list):
            res['results'] = [_plain(r) for r in res['results']]
        entry = {
            'play': self._play,
            'task': task.get_name(),
            'action': task.action,
            'host': host.get_name(),
            'status': status,
            'item': item,
            'changed': bool(res.get('changed', False)),
            'failed': status == 'failed' or bool(res.get('failed', False)),
            'skipped': status == 'skipped' or bool(res.get('skipped', False)),
            'unreachable': status == 'unreachable',
            'ignore_errors': bool(getattr(task, 'ignore_errors', False)),
            'msg': res.get('msg'),
            'diff': res.get('diff'),
            'result': res,
        }
        line = json.dumps(entry, cls=_Encoder, sort_keys=True)
        with open(self._path, 'a') as f:
            f.write(line + '\n')

    def v2_runner_on_ok(self, result, **kwargs):
        self._write('ok', result)

    def v2_runner_on_failed(self, result, ignore_errors=False, **kwargs):
        self._write('failed', result)

    def v2_runner_on_skipped(self, result, **kwargs):
        self._write('skipped', result)

    def v2_runner_on_unreachable(self, result, **kwargs):
        self._write('unreachable', result)

    def v2_runner_item_on_ok(self, result, **kwargs):
        self._write('ok', result, item=True)

    def v2_runner_item_on_failed(self, result, **kwargs):
        self._write('failed', result, item=True)

    def v2_runner_item_on_skipped(self, result, **kwargs):
        self._write('skipped', result, item=True)
