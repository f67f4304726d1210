# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a kind declares: its :class:`Field` s, the normalisers they compare with, and the value
checks made before any write. Nothing here talks to ProGet.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


# How secrets appear where a value cannot be shown: a write-only value not being written, one
# being written (diffs), a written value in ``changes``, and a secret setting's value.
WRITE_ONLY_MARK = '<write-only>'
CHANGED_MARK = '<changed>'
SENT_MARK = '********'
SECRET_MARK = '<secret>'


class ValidationError(Exception):
    """Bad input, found before any request was sent. The message names the option and object."""


_CAMEL = {}


def snake_to_camel(name):
    """use_api_v3 -> useApiV3 (memoised)."""
    if name not in _CAMEL:
        head, sep, tail = name.partition('_')
        _CAMEL[name] = head + ''.join(part[:1].upper() + part[1:] for part in tail.split('_')) if tail else head
    return _CAMEL[name]


def empty_to_none(value):
    """Normaliser for strings ProGet clears with null: '' and null mean the same thing."""
    return value if value not in ('', None) else None


def lower(value):
    return value.lower() if isinstance(value, str) else value


def name_set(value):
    """Normaliser for a list of names compared without order and case."""
    return sorted(set(str(v).lower() for v in value)) if value is not None else None


def bind_fields(fields):
    """Give each field its option name and its ProGet JSON name (``api``, default camelCase),
    once, at declaration; sub-options too. Returns ``{api name: field}``."""
    by_api = {}
    for name, field in fields.items():
        field.name = name
        field.api = field.api or snake_to_camel(name)
        if field.suboptions:
            bind_fields(field.suboptions)
        by_api[field.api] = field
    return by_api


class Field:
    """One managed property of a ProGet object.

    ``api`` is ProGet's JSON name; ``type``/``elements``/``choices`` feed the argument spec and
    schema; ``normalize`` maps an API value to its comparable form; ``suboptions`` describe the
    dicts of a ``list``/``dict`` field (keys are snake_case options mapped to camelCase);
    ``write_only`` fields are never read back (secrets): they are sent on create and only when the
    caller forces them on update; ``compare_if_shown`` makes a write-only field compared after all
    when the server does return a value for it (e.g. an API key's secret with plain-text storage);
    ``returned_once`` marks a secret the server sends back only in the create response (the
    engine hands it to the module as ``outcome['secrets']``, never in the object or the diff);
    ``sub_default`` is the value ProGet assumes for a missing sub-key (e.g. false for a retention
    rule boolean). A ``nullable`` field compares ``''`` and null as the same (no value); ``''`` is
    sent as ``clear_as``: null where ProGet clears a value sent as null (feeds), ``''`` where null
    keeps the current value (connectors). ``refers_to`` names the kind (its plural) whose objects
    the value names: the engine checks they exist before any write (engine.Catalog).
    """

    name = None   # the option name, bound by bind_fields()

    def __init__(self, api=None, type='str', elements=None, choices=None, no_log=None,
                 write_only=False, normalize=None, suboptions=None, required_on_create=False,
                 sub_default=None, description=None, nullable=False, minimum=None, maximum=None,
                 compare_if_shown=False, returned_once=False, clear_as=None, refers_to=None):
        self.api = api
        self.refers_to = refers_to
        self.clear_as = clear_as
        self.compare_if_shown = compare_if_shown
        self.returned_once = returned_once
        self.type = type
        self.elements = elements
        self.choices = choices
        self.no_log = no_log
        self.write_only = write_only
        self.normalize = normalize
        self.suboptions = suboptions
        self.required_on_create = required_on_create
        self.sub_default = sub_default
        self.description = description
        self.nullable = nullable
        self.minimum = minimum
        self.maximum = maximum

    # -- option <-> API ----------------------------------------------------------------------
    def to_api(self, value):
        """Option value (snake_case keys inside) -> ProGet JSON value."""
        if value is None:
            return None
        if self.suboptions:
            if self.type == 'list':
                return [self._sub_to_api(item) for item in value]
            return self._sub_to_api(value)
        if self.nullable and value == '':
            return self.clear_as
        return value

    def _sub_to_api(self, item):
        out = {}
        for key, sub in self.suboptions.items():
            if item.get(key) is not None:
                out[sub.api] = sub.to_api(item[key])
            elif sub.sub_default is not None:
                out[sub.api] = sub.sub_default
        return out

    def from_api(self, value):
        """ProGet JSON value -> option value (for diffs and exports)."""
        if value is None:
            return None
        if self.suboptions:
            if self.type == 'list':
                return [self._sub_from_api(item) for item in value if isinstance(item, dict)]
            return self._sub_from_api(value) if isinstance(value, dict) else value
        return value

    def _sub_from_api(self, item):
        out = {}
        for key, sub in self.suboptions.items():
            value = item.get(sub.api)
            if value is not None and value != sub.sub_default:
                out[key] = sub.from_api(value)
        return out

    def comparable(self, api_value):
        """The form two API values are compared in."""
        if self.suboptions:
            if api_value is None:
                return None
            items = api_value if self.type == 'list' else [api_value]
            normal = []
            for item in items:
                if not isinstance(item, dict):
                    normal.append(item)
                    continue
                row = {}
                for key, sub in self.suboptions.items():
                    value = item.get(sub.api)
                    value = sub.sub_default if value is None else value
                    row[key] = sub.comparable(value)
                normal.append(row)
            return normal if self.type == 'list' else normal[0]
        if self.normalize is not None:
            return self.normalize(api_value)
        if self.nullable:
            return empty_to_none(api_value)
        if self.type == 'dict' and api_value is not None:
            return dict((str(k), v) for k, v in api_value.items())
        return api_value

    # -- argument spec -----------------------------------------------------------------------
    def argument_spec(self):
        spec = dict(type=self.type)
        if self.elements:
            spec['elements'] = self.elements
        if self.choices:
            spec['choices'] = list(self.choices)
        if self.no_log is not None:   # False: says a name like update_secrets holds no secret
            spec['no_log'] = self.no_log
        if self.sub_default is not None:
            spec['default'] = self.sub_default
        if self.suboptions:
            spec['options'] = dict((k, v.argument_spec()) for k, v in self.suboptions.items())
        return spec


INT32_MAX = 2147483647


def _check_value(field, value, where):
    if value is None:
        return
    if field.type == 'int' and isinstance(value, int) and not isinstance(value, bool):
        low = 0 if field.minimum is None else field.minimum
        high = INT32_MAX if field.maximum is None else field.maximum
        if not low <= value <= high:
            raise ValidationError('%s: %d is out of range (%d to %d)' % (where, value, low, high))
    elif isinstance(value, str):
        try:
            value.encode('utf-8')
        except UnicodeError:
            raise ValidationError('%s: the value is not valid UTF-8 text (undecodable bytes in the input)' % where)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if field.suboptions and isinstance(item, dict):
                _check_subvalues(field, item, '%s[%d]' % (where, index))
            elif not isinstance(item, (list, dict)):
                _check_value(Field(type=field.elements or 'str'), item, '%s[%d]' % (where, index))
    elif isinstance(value, dict):
        if field.suboptions:
            _check_subvalues(field, value, where)
        else:
            for key, item in value.items():
                _check_value(Field(type='raw'), key, '%s (key)' % where)
                _check_value(Field(type='raw'), item, '%s.%s' % (where, key))


def _check_subvalues(field, item, where):
    for key, sub in field.suboptions.items():
        _check_value(sub, item.get(key), '%s.%s' % (where, key))


def check_values(resource, params):
    """Refuse values ProGet cannot store, before any write: integers outside a field's
    ``minimum``/``maximum`` (default 0 to 2^31-1, ProGet's Int32 columns) and text that is not
    valid Unicode (undecodable input bytes). Errors name the object and the option path."""
    for name, field in resource.fields.items():
        try:
            _check_value(field, params.get(name), resource.option_name(name))
        except ValidationError as e:
            raise ValidationError('%s: %s' % (resource.label(resource.ident_from(params)), e))
