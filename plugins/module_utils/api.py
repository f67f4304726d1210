# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shapes of ProGet's APIs: how a kind's objects are listed, read, created, updated, deleted.

A kind names its shape (``api = ManagementApi('api/management/feeds')``) instead of writing HTTP
calls; kinds whose API has something of its own (license files, the API key create reply,
settings) subclass a shape in their own module. Every method takes the client and the kind
(for its identity), and holds no state of a run.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cac.proget.plugins.module_utils.client import quote_name


class ManagementApi:
    """``<base>/list``, ``get/<name>``, ``create``, ``update/<name>`` (partial), ``DELETE delete/<name>``:
    the feed management API (docs feeds/*.md, connectors/*.md; pgutil ProGetClient.cs)."""

    def __init__(self, base):
        self.base = base

    def list(self, client, kind):
        return client.get_json(self.base + '/list') or []

    def get(self, client, kind, ident):
        return client.get_json('%s/get/%s' % (self.base, quote_name(ident)), missing_ok=True)

    def create(self, client, kind, payload):
        return client.post_json(self.base + '/create', payload)

    def update(self, client, kind, ident, payload, current):
        return client.post_json('%s/update/%s' % (self.base, quote_name(ident)), payload)

    def delete(self, client, kind, ident, current):
        client.request('DELETE', '%s/delete/%s' % (self.base, quote_name(ident)), missing_ok=True)


class ListedApi:
    """No get-one endpoint: ``<base>/list`` and a match on the identity; ``POST <base>/<create>``;
    ``POST <base>/update`` with the server id; ``POST <base>/delete?<delete_by>`` (licenses, API
    keys: docs licenses/*.md, apikeys/*.md)."""

    def __init__(self, base, create='create', delete_by=('id',)):
        self.base = base
        self.create_verb = create
        self.delete_by = delete_by

    def list(self, client, kind):
        return client.get_json(self.base + '/list') or []

    def get(self, client, kind, ident):
        return kind.find(self.list(client, kind), ident)

    def create(self, client, kind, payload):
        return client.post_json('%s/%s' % (self.base, self.create_verb), payload)

    def update(self, client, kind, ident, payload, current):
        return client.post_json(self.base + '/update', dict(payload, id=current['id']))

    def delete(self, client, kind, ident, current):
        client.request('POST', self.base + '/delete', params=dict((k, current[k]) for k in self.delete_by),
                       missing_ok=True)


class NoApi:
    """For kinds applied by their own logic (asset files): nothing to list."""

    def list(self, client, kind):
        return []
