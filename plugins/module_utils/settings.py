# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Settings: GET /api/settings/list?showAll=True, POST /api/settings/set (proget-api.md 9.2)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.cac.proget.plugins.module_utils.engine import Field, Resource, ValidationError


LIST_PATH = 'api/settings/list'
SET_PATH = 'api/settings/set'
SECRET_MARK = '<secret>'
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
    kind = (value_type or 'Text').lower()
    if kind == 'boolean':
        return value.strip().lower()
    if kind == 'integer' and INT_RE.match(value):
        return str(int(value))
    return value


class SettingResource(Resource):
    """One setting. There is no get-one and no delete: the list is read, ``set`` writes."""

    kind = 'setting'
    plural = 'settings'
    fields = dict(value=Field(type='raw'))
    prunable = False  # ProGet settings cannot be deleted

    def secret_values(self, entry):
        return [entry.get('value')] if is_secret(entry.get('name'), entry.get('secret')) else []

    def export_entry(self, obj):
        if obj.get('value') in (None, ''):
            return None, []
        if is_secret(obj.get('name')):
            return None, ['value']
        return {'name': obj['name'], 'value': obj['value']}, []

    def argument_spec(self):
        return dict(name=dict(type='str', required=True), value=dict(type='raw', required=True),
                    secret=dict(type='bool', default=False))

    def label(self, ident):
        return "setting '%s'" % ident

    def list(self, client):
        return client.get_json(LIST_PATH, params={'showAll': 'True'}) or []

    def get(self, client, ident):
        return self.find(self.list(client), ident)

    def create(self, client, payload):
        return self._set(client, payload['name'], payload['value'])

    def update(self, client, ident, payload, current):
        return self._set(client, current.get('name') or ident, payload['value'])

    def delete(self, client, ident, current):  # pragma: no cover - settings cannot be deleted
        raise ValidationError('%s: ProGet settings cannot be deleted' % self.label(ident))

    def _set(self, client, name, value):
        # ProGet takes the value in the query string; an empty value clears the setting.
        client.request('POST', SET_PATH, params={'name': name, 'value': as_text(value) or ''})
        return None

    def validate(self, params, current):
        value = params.get('value')
        if isinstance(value, (dict, list)):
            raise ValidationError("setting '%s': value must be text, a number or a boolean, got a %s"
                                  % (params['name'], type(value).__name__))
        kind = ((current or {}).get('valueType') or 'Text').lower()
        text = as_text(value)
        if text is not None and kind == 'boolean' and text.lower() not in ('true', 'false'):
            raise ValidationError("setting '%s': value must be true or false (valueType Boolean), got %r"
                                  % (params['name'], text))
        if text is not None and kind == 'integer' and not INT_RE.match(text):
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
        return self.view(obj, params)

    def public(self, obj, params=None):
        """The setting as returned to the user: a secret value is replaced by a marker."""
        if not obj:
            return {}
        out = dict(obj)
        if is_secret(out.get('name'), (params or {}).get('secret')) and out.get('value') not in (None, ''):
            out['value'] = SECRET_MARK
        return out
