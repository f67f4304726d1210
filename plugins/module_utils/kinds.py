# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The registry: every kind the collection manages, in dependency order.

Connectors before the feeds that use them; feeds before the permissions, keys and asset files that
name them; users before the groups that hold them, both before permissions.
proget_state applies writes in this order and deletions in the reverse one. Everything that lists
the kinds (proget_state and its export, the schema, the proget_config role, the docs) derives from
this tuple or is checked against it by tests/unit/test_kinds.py: adding a kind is one line here.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cac.proget.plugins.module_utils.api_keys import ApiKeyResource
from ansible_collections.cac.proget.plugins.module_utils.assets import AssetKind
from ansible_collections.cac.proget.plugins.module_utils.connectors import ConnectorResource
from ansible_collections.cac.proget.plugins.module_utils.feeds import FeedResource
from ansible_collections.cac.proget.plugins.module_utils.licenses import LicenseResource
from ansible_collections.cac.proget.plugins.module_utils.security import (
    GroupResource, PermissionResource, TaskResource, UserResource)
from ansible_collections.cac.proget.plugins.module_utils.settings import SettingResource

KINDS = (ConnectorResource, FeedResource, UserResource, GroupResource, TaskResource, PermissionResource,
         LicenseResource, ApiKeyResource, SettingResource, AssetKind)


def kinds():
    """plural -> a new instance of each kind, in dependency order."""
    return dict((cls.plural, cls()) for cls in KINDS)


def kind(plural):
    for cls in KINDS:
        if cls.plural == plural:
            return cls()
    raise KeyError(plural)
