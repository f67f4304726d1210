# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # The notes every module of ProGet's Security API shares (users, groups, tasks, permissions).
    DOCUMENTATION = r'''
options: {}
notes:
  - ProGet Free has no Security API (ProGet refuses it); the module then fails with a message that names the edition.
    Use ProGet's UI there (Administration > Manage Security), or ProGet Basic or Enterprise.
  - The Security API needs a System API key with Full Control, or a user (O(username) and O(password)) or a personal
    API key with the C(Admin_ConfigureProGet) task attribute (the Administer task). Feed API keys are refused.
'''
