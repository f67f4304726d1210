# -*- coding: utf-8 -*-
# Benchmark-only callback (benchmarks/ is not part of the built collection).
# GNU General Public License v3.0+
"""Write the wall time of every task (start to last result) as JSON lines to $CAC_TIMING_FILE."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: task_timing
type: aggregate
short_description: per-task wall time (benchmarks)
description: Appends C({"task", "seconds", "items"}) per task to the file in C(CAC_TIMING_FILE).
"""

import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'task_timing'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super(CallbackModule, self).__init__()
        self._current = None

    def _flush(self):
        if self._current:
            name, start, last, items = self._current
            with open(os.environ['CAC_TIMING_FILE'], 'a') as f:
                f.write(json.dumps({'task': name, 'seconds': last - start, 'items': items}) + '\n')
        self._current = None

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._flush()
        now = time.time()
        self._current = [task.get_name(), now, now, 0]

    def _result(self, result):
        if self._current:
            self._current[2] = time.time()

    def v2_runner_item_on_ok(self, result):
        if self._current:
            self._current[3] += 1
        self._result(result)

    v2_runner_on_ok = v2_runner_on_failed = _result

    def v2_playbook_on_stats(self, stats):
        self._flush()
