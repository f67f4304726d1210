# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # Modules that change ProGet: full check mode and diff.
    DOCUMENTATION = r'''
options: {}
attributes:
  check_mode:
    support: full
    description: Computes the change and sends no write (the client refuses writes in check mode).
  diff_mode:
    support: full
    description: Shows before/after of the managed options (secrets are marked, never shown).
'''

    # Modules that only read.
    INFO_MODULE = r'''
options: {}
attributes:
  check_mode:
    support: full
    description: Reads only; runs the same in check mode.
  diff_mode:
    support: none
    description: Returns no diff.
'''
