# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Feeds: /api/management/feeds (proget-api.md section 2)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.cac.proget.plugins.module_utils import storage
from ansible_collections.cac.proget.plugins.module_utils.api import ManagementApi
from ansible_collections.cac.proget.plugins.module_utils.client import ProGetError
from ansible_collections.cac.proget.plugins.module_utils.engine import Resource
from ansible_collections.cac.proget.plugins.module_utils.fields import Field, ValidationError, lower, name_set


FEED_TYPES = (
    'apk', 'asset', 'bower', 'cargo', 'chocolatey', 'composer', 'conan', 'conda', 'cran', 'debian',
    'docker', 'helm', 'maven', 'npm', 'nuget', 'powershell', 'pub', 'pypi', 'rpm', 'romp',
    'rubygems', 'terraform', 'universal', 'vsix',
)
# ProGet lets a feed change type only inside one of these families (proget-api.md 2.2).
TYPE_FAMILIES = (frozenset(('nuget', 'chocolatey', 'powershell')), frozenset(('universal', 'romp')))

NAME_RE = re.compile(r'^[A-Za-z0-9._~-]+$')
VARIABLE_RE = re.compile(r'^[A-Za-z]([A-Za-z0-9 _-]{0,48}[A-Za-z0-9])?$')


def _names(value):
    return [str(v).lower() for v in value] if value is not None else None


VARIABLES_ALT = 'variableDictionary'


NAME_MAX = 100   # ProGet's feed and connector name columns


def validate_name(kind, name, option='name'):
    if name and len(name) > NAME_MAX:
        raise ValidationError('%s %r...: %s must be at most %d characters (got %d)'
                              % (kind, name[:20], option, NAME_MAX, len(name)))
    if not name or not NAME_RE.match(name):
        raise ValidationError("%s %r: %s must be non-empty and use only letters, digits, '.', '_', '~' and '-' "
                              '(ProGet refuses names that need URL escaping)' % (kind, name, option))


def _write_storage(client, feed, config):
    """POST a feed's storage. After an uncertain failure (a 5xx, a lost connection) look at the
    storage itself before anything else: the engine's re-read (the Feeds API) does not show it, so
    it would send the storage again without knowing (up to three times for a storage page's 500,
    which docs feeds/storage-*.md also give for a key without the permission). Written as wanted:
    done; otherwise ProGet's error, as certain (not sent again; a new run converges)."""
    try:
        return storage.write(client, feed, config)
    except ProGetError as e:
        if not e.uncertain:
            raise
        try:
            now = storage.read(client, feed)
        except ProGetError:
            now = None
        if now is not None and storage.change(dict(type=config['id'], properties=config['properties']),
                                              now, False) is None:
            return now
        raise ProGetError(str(e), status=e.status, method=e.method, path=e.path, body=e.body, uncertain=False)


RETENTION_RULE = dict(
    delete_prerelease_versions=Field(type='bool', sub_default=False),
    delete_cached=Field(type='bool', sub_default=False),
    keep_versions_count=Field(type='int'),
    keep_used_within_days=Field(type='int'),
    trigger_download_count=Field(type='int'),
    keep_package_ids=Field(type='list', elements='str'),
    delete_package_ids=Field(type='list', elements='str'),
    keep_versions=Field(type='list', elements='str'),
    delete_versions=Field(type='list', elements='str'),
    # a C# long in ProGet (pgutil RetentionRule.cs): quotas above 2 TB are valid
    size_trigger_kb=Field(type='int', maximum=2 ** 63 - 1),
    size_exclusive=Field(type='bool', sub_default=False),
    keep_consumed_within_days=Field(type='int'),
    keep_if_actively_consumed=Field(type='bool', sub_default=False),
    keep_package_usage_removed_days=Field(type='int'),
)


class FeedResource(Resource):
    name = 'feed'
    plural = 'feeds'
    api = ManagementApi('api/management/feeds')
    fields = dict(
        type=Field('feedType', normalize=lower, required_on_create=True),
        description=Field(nullable=True),
        active=Field(type='bool'),
        alternate_names=Field(type='list', elements='str', normalize=name_set),
        cache_connectors=Field(type='bool'),
        drop_path=Field(nullable=True),
        connectors=Field(type='list', elements='str', normalize=_names, refers_to='connectors'),
        retention_rules=Field(type='list', elements='dict', suboptions=RETENTION_RULE),
        retention_enabled=Field('retentionRulesEnabled', type='bool'),
        variables=Field(type='dict'),
        symbol_server_enabled=Field(type='bool'),
        strip_symbols=Field(type='bool'),
        strip_source=Field(type='bool'),
        strip_signature=Field(type='bool'),
        use_api_v3=Field('useApiV3', type='bool'),
        vulnerabilities_enabled=Field(type='bool'),
        licenses_enabled=Field(type='bool'),
        package_statistics_enabled=Field(type='bool'),
        restrict_package_statistics=Field(type='bool'),
        usage_records_enabled=Field(type='bool'),
        deployment_records_enabled=Field(type='bool'),
        use_with_projects=Field(type='bool'),
        storage=storage.FIELD,
    )

    # The docs' feed JSON says ``variables``; pgutil's ProGetFeed.cs says ``VariableDictionary``
    # (JSON ``variableDictionary``). Read either; write both (a server ignores the name it does not
    # know, System.Text.Json's default), so the same document works with either reading.
    def from_server(self, obj):
        if isinstance(obj, dict) and obj.get('variables') is None and obj.get(VARIABLES_ALT) is not None:
            obj = dict(obj, variables=obj[VARIABLES_ALT])
        return obj

    def to_server(self, payload):
        if payload.get('variables') is not None:
            payload = dict(payload, **{VARIABLES_ALT: payload['variables']})
        return payload

    # -- storage: /api/storage?feed= (module_utils/storage.py), read only when managed ------------
    def complete(self, client, obj, params):
        if obj is not None and 'storage' not in obj and (params is None or params.get('storage') is not None):
            obj = dict(obj, storage=storage.read(client, obj['name']))
        return obj

    def changes(self, params, current, force_write_only=False):
        wanted = params.get('storage')
        out = super(FeedResource, self).changes(dict(params, storage=None), current, force_write_only)
        if wanted is not None:
            config = storage.change(wanted, (current or {}).get('storage'),
                                    current is None or wanted.get('update_secrets') == 'always')
            if config is not None:
                out['storage'] = config
        return out

    def preflight(self, client, params, changes, current):
        if changes.get('storage'):
            storage.check(client, params['name'], changes['storage'])

    def create(self, client, payload):
        payload = dict(payload)
        config = payload.pop('storage', None)
        created = super(FeedResource, self).create(client, payload)
        if config is not None:
            created = dict(created or payload, storage=_write_storage(client, payload['name'], config))
        return created

    def update(self, client, ident, payload, current):
        payload = dict(payload)
        config = payload.pop('storage', None)
        updated = super(FeedResource, self).update(client, ident, payload, current) if payload else current
        if config is not None:
            updated = dict(updated or current, storage=_write_storage(client, current['name'], config))
        return updated

    def expected_after(self, current, desired):
        after = super(FeedResource, self).expected_after(current, desired)
        if after.get('storage') is not None:
            after['storage'] = storage.shown(after['storage'])
        return after

    def diff_view(self, obj, params, written_secrets=()):
        out = super(FeedResource, self).diff_view(obj, params, written_secrets)
        if 'storage' in out:
            out['storage'] = storage.diff_view((obj or {}).get('storage'), params.get('storage'),
                                               'storage' in written_secrets)
        return out

    def written_secrets(self, params, changes):
        written = super(FeedResource, self).written_secrets(params, changes)
        return written + ['storage'] if changes.get('storage') and storage.secrets_of(params.get('storage')) else written

    def secret_values(self, entry):
        return super(FeedResource, self).secret_values(entry) + storage.secrets_of(entry.get('storage'))

    def masked_changes(self, changes):
        out = super(FeedResource, self).masked_changes(changes)
        if out.get('storage'):
            out['storage'] = storage.masked(out['storage'])
        return out

    def public(self, obj, params=None):
        out = super(FeedResource, self).public(obj, params)
        if out and out.get('packageStore'):   # the persisted XML holds the store's secrets (docs feeds/#.md)
            out['packageStore'] = storage.scrub_xml(out['packageStore'])
        return out

    def export_entry(self, obj):
        entry, left_out = super(FeedResource, self).export_entry(obj)
        if entry.get('storage'):
            kind = entry['storage'].get('type')
            left_out = left_out + ['storage.properties.%s' % n for n in storage.SECRET_PROPERTIES
                                   if (kind, n) in (('s3', 'SecretAccessKey'), ('azure', 'ConnectionString'))]
        return entry, left_out

    def validate(self, params, current):
        name = params['name']
        validate_name(self.name, name)
        feed_type = params.get('type')
        if feed_type is not None:
            if feed_type.lower() not in FEED_TYPES:
                raise ValidationError("feed '%s': type %r is not a ProGet feed type; use one of: %s"
                                      % (name, feed_type, ', '.join(FEED_TYPES)))
            have = lower((current or {}).get('feedType'))
            want = feed_type.lower()
            if have and have != want and not any(have in f and want in f for f in TYPE_FAMILIES):
                raise ValidationError("feed '%s': type cannot change from %s to %s (ProGet allows changes only "
                                      'among nuget/chocolatey/powershell and universal/romp); delete the feed and '
                                      'create it again' % (name, have, want))
        for var in (params.get('variables') or {}):
            if not VARIABLE_RE.match(str(var)):
                raise ValidationError("feed '%s': variables: name %r is invalid (at most 50 letters, digits, spaces, "
                                      "'_' or '-', starting with a letter, not ending with '-', '_' or a space)"
                                      % (name, var))
        for index, rule in enumerate(params.get('retention_rules') or []):
            if not any(v not in (None, False, []) for v in rule.values()):
                raise ValidationError("feed '%s': retention_rules[%d] sets no criterion" % (name, index))
