# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Settings: GET /api/settings/list?showAll=True, POST /api/settings/set (proget-api.md 9.2)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.cac.proget.plugins.module_utils.engine import Resource
from ansible_collections.cac.proget.plugins.module_utils.fields import CHANGED_MARK, SECRET_MARK, Field, ValidationError

# Settings whose value is a secret whatever the user says (names compared case-insensitively).
SECRET_SETTINGS = ('licensing.key',)
SECRET_NAME_RE = re.compile(r'(password|secret|token|apikey|api_key|connectionstring)', re.IGNORECASE)
INT_RE = re.compile(r'^\s*[-+]?\d+\s*$')


def is_secret(name, marked=False):
    return bool(marked) or str(name).lower() in SECRET_SETTINGS or bool(SECRET_NAME_RE.search(str(name)))


def as_text(value):
    """A setting value as ProGet stores it: text; booleans in .NET spelling, None for ''/null."""
    if value is None:
        return None
    if isinstance(value, bool):
        return 'True' if value else 'False'
    value = value if isinstance(value, str) else str(value)
    return value if value != '' else None


def comparable(value, value_type):
    """Normalise by ProGet's valueType: Boolean ignores case, Integer ignores leading zeros/spaces."""
    value = as_text(value)
    if value is None:
        return None
    value_type = (value_type or 'Text').lower()
    if value_type == 'boolean':
        return value.strip().lower()
    if value_type == 'integer' and INT_RE.match(value):
        return str(int(value))
    return value


class SettingsApi:
    """``GET api/settings/list?showAll=True`` and ``POST api/settings/set?name=&value=``: no get-one and
    no delete (pgutil ProGetClient.cs; the docs have no settings page). A write answers nothing, so
    the setting is read back as ProGet normalised it."""

    def list(self, client, kind):
        return client.get_json('api/settings/list', params={'showAll': 'True'}) or []

    def get(self, client, kind, ident):
        return kind.find(self.list(client, kind), ident)

    def create(self, client, kind, payload):
        return self._set(client, kind, payload['name'], payload['value'])

    def update(self, client, kind, ident, payload, current):
        return self._set(client, kind, current.get('name') or ident, payload['value'])

    def delete(self, client, kind, ident, current):  # pragma: no cover - settings cannot be deleted
        raise ValidationError('%s: ProGet settings cannot be deleted' % kind.label(ident))

    def _set(self, client, kind, name, value):
        # ProGet takes the value in the query string; an empty value clears the setting.
        client.request('POST', 'api/settings/set', params={'name': name, 'value': as_text(value) or ''})
        return self.get(client, kind, name)


class SettingResource(Resource):
    """One setting, compared by its value type; a secret one is never shown."""

    name = 'setting'
    plural = 'settings'
    api = SettingsApi()
    fields = dict(value=Field(type='raw'))
    prunable = False  # ProGet settings cannot be deleted

    def secret_values(self, entry):
        return [as_text(entry.get('value'))] if is_secret(entry.get('name'), entry.get('secret')) else []

    def written_secrets(self, params, changes):
        return ['value'] if 'value' in changes and self.secret_values(params) else []

    def export_entry(self, obj):
        if obj.get('value') in (None, ''):
            return None, []
        if is_secret(obj.get('name')):
            return None, ['value']
        return {'name': obj['name'], 'value': obj['value']}, []

    def argument_spec(self):
        return dict(name=dict(type='str', required=True), value=dict(type='raw', required=True),
                    secret=dict(type='bool', default=False))

    def validate(self, params, current):
        value = params.get('value')
        if isinstance(value, (dict, list)):
            raise ValidationError("setting '%s': value must be text, a number or a boolean, got a %s"
                                  % (params['name'], type(value).__name__))
        value_type = ((current or {}).get('valueType') or 'Text').lower()
        text = as_text(value)
        if text is not None and value_type == 'boolean' and text.lower() not in ('true', 'false'):
            raise ValidationError("setting '%s': value must be true or false (valueType Boolean), got %r"
                                  % (params['name'], text))
        if text is not None and value_type == 'integer' and not INT_RE.match(text):
            raise ValidationError("setting '%s': value must be an integer (valueType Integer), got %r"
                                  % (params['name'], text))

    def changes(self, params, current, force_write_only=False):
        value = as_text(params.get('value'))
        if current is not None and comparable(value, current.get('valueType')) == \
                comparable(current.get('value'), current.get('valueType')):
            return {}
        return {'value': value}

    def expected_after(self, current, desired):
        after = dict(current or {})
        after.update(desired)
        return after

    def view(self, obj, params=None):
        if not obj:
            return {}
        value = obj.get('value')
        if is_secret(obj.get('name') or (params or {}).get('name'), (params or {}).get('secret')):
            value = SECRET_MARK if value not in (None, '') else None
        return {'name': obj.get('name'), 'value': value}

    def diff_view(self, obj, params, written_secrets=()):
        view = self.view(obj, params)
        if obj and written_secrets:
            view['value'] = CHANGED_MARK
        return view

    def public(self, obj, params=None):
        """The setting as returned to the user: a secret value is replaced by a marker."""
        if not obj:
            return {}
        out = dict(obj)
        if is_secret(out.get('name'), (params or {}).get('secret')) and out.get('value') not in (None, ''):
            out['value'] = SECRET_MARK
        return out
