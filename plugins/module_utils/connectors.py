# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connectors: /api/management/connectors (proget-api.md section 3)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.cac.proget.plugins.module_utils.api import ManagementApi
from ansible_collections.cac.proget.plugins.module_utils.engine import Resource
from ansible_collections.cac.proget.plugins.module_utils.fields import Field, ValidationError, lower
from ansible_collections.cac.proget.plugins.module_utils.feeds import FEED_TYPES, FeedResource, validate_name


URL_RE = re.compile(r'^https?://[^/\s]+', re.IGNORECASE)


def _url(value):
    """URLs compare without a trailing slash (ProGet keeps what it was given)."""
    return value.rstrip('/') if isinstance(value, str) else value


class ConnectorResource(Resource):
    name = 'connector'
    plural = 'connectors'
    api = ManagementApi('api/management/connectors')
    fields = dict(
        type=Field('feedType', normalize=lower, required_on_create=True),
        url=Field(normalize=_url, required_on_create=True),
        # ProGet keeps a connector property sent as null (docs connectors/update.md), so a user name
        # is cleared by sending '' (compared as no user name).
        username=Field(nullable=True, clear_as=''),
        password=Field(no_log=True, write_only=True),
        timeout=Field(type='int', minimum=0),
        filters=Field(type='list', elements='raw'),
        metadata_cache_enabled=Field(type='bool'),
        metadata_cache_minutes=Field(type='int', minimum=0),
        metadata_cache_count=Field(type='int', minimum=0),
    )

    extra_options = dict(update_password=dict(type='str', default='on_create', choices=['on_create', 'always'],
                                              no_log=False))

    def forces_write_only(self, params):
        return params.get('update_password') == 'always'

    def validate(self, params, current):
        name = params['name']
        validate_name(self.name, name)
        feed_type = params.get('type')
        if feed_type is not None and feed_type.lower() not in FEED_TYPES:
            raise ValidationError("connector '%s': %s %r is not a ProGet feed type; use one of: %s"
                                  % (name, self.option_name('type'), feed_type, ', '.join(FEED_TYPES)))
        url = params.get('url')
        if url is not None and not URL_RE.match(url):
            raise ValidationError("connector '%s': %s %r must be an absolute http:// or https:// URL"
                                  % (name, self.option_name('url'), url))
        for option in ('timeout', 'metadata_cache_minutes', 'metadata_cache_count'):
            value = params.get(option)
            if value is not None and value < 0:
                raise ValidationError("connector '%s': %s must not be negative, got %s"
                                      % (name, self.option_name(option), value))
        for index, item in enumerate(params.get('filters') or []):
            if not isinstance(item, str) or not item.strip():
                raise ValidationError("connector '%s': filters[%d] must be a non-empty string (a package name "
                                      "pattern, '!' to block), got %r; quote it in YAML"
                                      % (name, index, item))

    # Deleting a connector that feeds still use is undocumented (proget-api.md 14.31): detach
    # it from those feeds first (through the feeds' own API), so the result is the same whatever
    # ProGet would do.
    def before_delete(self, client, ident, current, check_mode):
        feeds = FeedResource()
        using = []
        for feed in feeds.list(client):
            names = feed.get('connectors') or []
            if any(self.same_ident(n, ident) for n in names):
                using.append(feed['name'])
                if not check_mode:
                    kept = [n for n in names if not self.same_ident(n, ident)]
                    feeds.update(client, feed['name'], {'connectors': kept}, feed)
        return {'detached_from': using}

    def warnings(self, client, params):
        if (client.edition or '').lower() != 'free':
            return []
        ignored = [option for option in ('filters', 'metadata_cache_enabled', 'metadata_cache_minutes',
                                         'metadata_cache_count') if params.get(option) not in (None, [], False)]
        if not ignored:
            return []
        return ["connector '%s': ProGet Free saves %s but ignores them (paid editions only)"
                % (params['name'], ', '.join(ignored))]
