# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""API keys: /api/api-keys (proget-api.md section 4).

ProGet lists, creates and deletes keys; it cannot update one. A key is found by its display name
(the module's ``name``); any difference is applied by re-creating the key
(``Resource.replace_on_change``). The secret is write-only: with hashed storage ProGet never shows
it again, with plain-text storage the list shows it, and only then is a chosen ``key`` compared.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import re
import threading

from ansible_collections.cac.proget.plugins.module_utils.api import ListedApi
from ansible_collections.cac.proget.plugins.module_utils.engine import Resource, keep_first
from ansible_collections.cac.proget.plugins.module_utils.fields import (
    Field, ValidationError, empty_to_none, lower, name_set)
from ansible_collections.cac.proget.plugins.module_utils.masking import register


KEY_TYPES = ('system', 'feed', 'personal')
SYSTEM_APIS = ('feeds', 'sca', 'sbom-upload', 'full-control')
PACKAGE_PERMISSIONS = ('view', 'add', 'promote', 'delete')
LOGGING = ('none', 'request', 'response', 'both')
_PASCAL = {'system': 'System', 'feed': 'Feed', 'personal': 'Personal', 'other': 'Other',
           'none': 'None', 'request': 'Request', 'response': 'Response', 'both': 'Both'}
# fields of each key type; the others must be null (ProGet refuses them)
_TYPE_FIELDS = {'system': ('system_apis',), 'feed': ('feed', 'feed_group', 'package_permissions'),
                'personal': ('user',)}
_SCOPED = ('system_apis', 'feed', 'feed_group', 'package_permissions', 'user')
_DATE_RE = re.compile(r'^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$')


def parse_expiration(value):
    """ISO 8601 date or date-time -> naive UTC ``datetime``; ValueError if it is not one."""
    text = str(value).strip()
    if not _DATE_RE.match(text):
        raise ValueError(text)
    text = text.replace(' ', 'T')
    if text.endswith('Z') or text.endswith('z'):
        text = text[:-1] + '+00:00'
    zone = re.search(r'([+-])(\d{2}):?(\d{2})$', text) if 'T' in text else None
    offset = datetime.timedelta(0)
    if zone:
        offset = datetime.timedelta(hours=int(zone.group(2)), minutes=int(zone.group(3)))
        if zone.group(1) == '-':
            offset = -offset
        text = text[:zone.start()]
    if 'T' not in text:
        text += 'T00:00:00'
    if text.count(':') == 1:
        text += ':00'
    fraction = ''
    if '.' in text:
        text, fraction = text.split('.', 1)
    parsed = datetime.datetime.strptime(text, '%Y-%m-%dT%H:%M:%S')
    if fraction:
        parsed = parsed.replace(microsecond=int((fraction + '000000')[:6]))
    return parsed - offset


def normalize_expiration(value):
    """Comparable form: ``YYYY-MM-DDTHH:MM:SS`` in UTC (to the second), None for no expiry."""
    value = empty_to_none(value)
    if value is None:
        return None
    try:
        return parse_expiration(value).replace(microsecond=0).isoformat()
    except ValueError:
        return str(value)


# pgutil sends full control as the three APIs it stands for (ApiKeys/Create/SystemCommand.cs);
# ApiKeyInfo.cs also allows ["full-control"]: both are the same key.
FULL_CONTROL = ['feeds', 'sbom-upload', 'sca']


def _system_apis(value):
    apis = name_set(value)
    return ['full-control'] if apis is not None and (apis == FULL_CONTROL or 'full-control' in apis) else apis


def _pascal(value):
    return _PASCAL.get(str(value).lower(), value) if value is not None else None


class ApiKeyApi(ListedApi):
    """``api/api-keys``: list, create, delete by id; no update (docs apikeys/*.md)."""

    def create(self, client, kind, payload):
        """The reply is an ApiKeyInfo (pgutil) or the key's text (docs apikeys/create.md); with the
        text, the new key is the newest one of its display name in the list."""
        response = client.request('POST', self.base + '/create', json_body=payload)
        try:
            created = response.json()
        except ValueError:
            created = None
        if isinstance(created, dict):
            # ansible-core 2.22+: masked in every output from now on, failures included
            register(created.get('key'))
            client.add_secret(created.get('key'))
            return created
        text = (response.text or '').strip()
        if text[:1] in ('{', '[', '<'):   # not a key: an answer cut off or garbled on the way
            text = ''
        if text:
            register(text)
            client.add_secret(text)
        found = [k for k in self.list(client, kind) if kind.same_ident(kind.ident_of(k), payload['displayName'])]
        # plain-text key storage shows the secret: the key with it is ours (another run may have created one
        # with this name at the same time); otherwise the newest one
        mine = [k for k in found if text and k.get('key') == text]
        created = dict((mine or sorted(found, key=lambda k: k.get('id') or 0)[-1:] or [payload])[0])
        if text:
            created['key'] = text
        return created

    def update(self, client, kind, ident, payload, current):  # pragma: no cover - never called
        raise AssertionError('API keys are replaced, never updated')


class ApiKeyResource(Resource):
    name = 'api_key'
    noun = 'API key'
    plural = 'api_keys'
    identity = 'name'
    identity_api = 'displayName'
    api = ApiKeyApi('api/api-keys')
    replace_on_change = True
    fields = dict(
        type=Field(choices=KEY_TYPES, normalize=lower, required_on_create=True),
        system_apis=Field(type='list', elements='str', normalize=_system_apis),
        feed=Field(normalize=lower, refers_to='feeds'),
        feed_group=Field(normalize=lower),
        package_permissions=Field(type='list', elements='str', normalize=name_set),
        user=Field(normalize=lower),
        description=Field(nullable=True),
        expiration=Field(nullable=True, normalize=normalize_expiration),
        logging=Field(choices=LOGGING, normalize=lower),
        key=Field(no_log=True, write_only=True, compare_if_shown=True, returned_once=True),
    )

    _replacing = threading.local()   # the id of the key a replace() re-creates, in this thread

    def argument_spec(self):
        spec = super(ApiKeyResource, self).argument_spec()
        spec['rotate'] = dict(type='bool', default=False)
        return spec

    # -- one key per name, also when runs overlap ----------------------------------------------
    def create(self, client, payload):
        """Create a key; if another run created a key of the same name at the same time (ProGet does not
        keep display names unique), the one created first stays and this run deletes its own
        (``engine.keep_first``); the secret of the key that stays is its creator's, not returned here."""
        created = super(ApiKeyResource, self).create(client, payload)
        kept = keep_first(self, client, created, exclude=(getattr(self._replacing, 'id', None),))
        return created if kept is created else dict((k, v) for k, v in kept.items() if k != 'key')

    def replace(self, client, ident, payload, current, params):
        self._replacing.id = (current or {}).get('id')
        try:
            return super(ApiKeyResource, self).replace(client, ident, payload, current, params)
        finally:
            self._replacing.id = None

    def find(self, objects, ident):
        found = [k for k in objects or [] if self.same_ident(k.get('displayName'), ident)]
        if len(found) > 1:
            raise ValidationError("%s: %d API keys have this display name (ids %s); ProGet does not keep display "
                                  'names unique, so the module cannot tell which one to manage. Delete the extra '
                                  'keys in ProGet (Administration > API Keys) or give them other names'
                                  % (self.label(ident), len(found), ', '.join(str(k.get('id')) for k in found)))
        return found[0] if found else None

    def delete_before_create(self, params, current):
        # A chosen secret must be unique on the server: the old key (which may hold the same
        # secret) has to go first. Otherwise the new key is created first, so a refused create
        # leaves the old key working. Display names are not unique in ProGet, so both keys can
        # exist for the moment between the two requests.
        return params.get('key') is not None

    # -- payloads ----------------------------------------------------------------------------
    def create_payload(self, params, desired):
        payload = {'displayName': params['name']}
        payload.update(desired)
        # Logging is a required member of ApiKeyInfo.cs (pgutil always sends it): None by default.
        payload.setdefault('logging', 'none')
        for api in ('type', 'logging'):
            if payload.get(api) is not None:
                payload[api] = _pascal(payload[api])
        if payload.get('expiration') is not None:
            payload['expiration'] = normalize_expiration(payload['expiration'])
        for api in ('systemApis', 'packagePermissions'):
            if payload.get(api) is not None:
                payload[api] = [str(v).lower() for v in payload[api]]
        return dict((k, v) for k, v in payload.items() if v not in (None, ''))

    def replace_payload(self, params, changes, current):
        """The current key's properties, with what the caller set; fields of another type dropped."""
        desired = self.carried_over(params, current)
        key_type = str(desired.get('type') or '').lower()
        keep = _TYPE_FIELDS.get(key_type, ())
        for name in _SCOPED:
            if name not in keep:
                desired.pop(self.fields[name].api, None)
        if key_type == 'feed':
            if params.get('feed') is not None:
                desired.pop('feedGroup', None)
            elif params.get('feed_group') is not None:
                desired.pop('feed', None)
        desired = dict((k, v) for k, v in desired.items() if v is not None)
        return self.create_payload(params, desired)

    def export_entry(self, obj):
        # ProGet spells the choices in PascalCase (System, None); the options take them lower-case
        entry, left_out = super(ApiKeyResource, self).export_entry(obj)
        for name in ('type', 'logging'):
            if isinstance(entry.get(name), str):
                entry[name] = entry[name].lower()
        return entry, left_out

    def diff_view(self, obj, params, written_secrets=()):
        # The id shows a re-creation in the diff (it changes; null = not created yet).
        out = super(ApiKeyResource, self).diff_view(obj, params, written_secrets)
        if obj is not None:
            out['id'] = obj.get('id')
        return out

    # -- validation (before any write) -------------------------------------------------------
    def forces_replace(self, params):
        return bool(params.get('rotate'))

    def validate(self, params, current):
        name = params['name']
        label = self.label(name)
        if not name or not name.strip():
            raise ValidationError('%s: name must not be empty' % label)
        if params.get('state') == 'absent':
            return
        key_type = (params.get('type') or (current or {}).get('type') or '').lower()
        given = [o for o in _SCOPED if params.get(o) not in (None, [])]
        wrong = [o for o in given if key_type in _TYPE_FIELDS and o not in _TYPE_FIELDS[key_type]]
        if wrong:
            raise ValidationError('%s: %s cannot be set on a %s key (%s keys take only %s)'
                                  % (label, ', '.join(wrong), key_type, key_type,
                                     ', '.join(_TYPE_FIELDS[key_type])))
        changing_type = current is None or str(current.get('type') or '').lower() != key_type
        if key_type == 'feed':
            if params.get('feed') is not None and params.get('feed_group') is not None:
                raise ValidationError('%s: set feed or feed_group, not both (a feed key is scoped to one feed or '
                                      'to one feed group)' % label)
            if changing_type and params.get('feed') is None and params.get('feed_group') is None:
                raise ValidationError('%s: a feed key needs feed or feed_group (the feed or feed group it may '
                                      'use)' % label)
            if changing_type and not params.get('package_permissions'):
                raise ValidationError('%s: a feed key needs package_permissions (any of %s)'
                                      % (label, ', '.join(PACKAGE_PERMISSIONS)))
        elif key_type == 'system':
            if changing_type and not params.get('system_apis'):
                raise ValidationError('%s: a system key needs system_apis (any of %s)'
                                      % (label, ', '.join(SYSTEM_APIS)))
        elif key_type == 'personal':
            if changing_type and not params.get('user'):
                raise ValidationError('%s: a personal key needs user (the ProGet user whose permissions it '
                                      'has)' % label)
        for option, allowed in (('system_apis', SYSTEM_APIS), ('package_permissions', PACKAGE_PERMISSIONS)):
            unknown = [v for v in params.get(option) or [] if str(v).lower() not in allowed]
            if unknown:
                raise ValidationError('%s: %s: unknown permission %s; use any of %s'
                                      % (label, option, ', '.join("'%s'" % u for u in unknown), ', '.join(allowed)))
        if params.get('package_permissions') == [] and key_type == 'feed':
            raise ValidationError('%s: package_permissions must name at least one permission' % label)
        if params.get('system_apis') == [] and key_type == 'system':
            raise ValidationError('%s: system_apis must name at least one API' % label)
        expiration = params.get('expiration')
        if expiration not in (None, ''):
            try:
                parse_expiration(expiration)
            except ValueError:
                raise ValidationError("%s: expiration %r is not a date; use an ISO 8601 date or date-time such as "
                                      "2027-01-31 or 2027-01-31T18:00:00Z (UTC when no zone is given), or '' for "
                                      'a key that never expires' % (label, expiration))
        key = params.get('key')
        if key is not None and (len(key) < 4 or any(c.isspace() for c in key)):
            raise ValidationError('%s: key must be at least 4 characters without spaces' % label)
