# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one reconcile engine.

A kind of ProGet object is declared once, as a :class:`Resource` made of :class:`Field` s. From
that declaration come the module argument spec, the JSON schema of the state document, the
comparison, the partial update payload and the ``--diff`` before/after. :func:`reconcile` is the
whole loop: fetch current -> normalise -> compare managed fields -> write only the difference.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.cac.proget.plugins.module_utils.client import (
    CONNECTION_ARGUMENT_SPEC, ProGetError, quote_name)


WRITE_ONLY_MARK = '<write-only>'
_TYPE_CHECKS = {
    'str': lambda v: isinstance(v, str),
    'int': lambda v: isinstance(v, int) and not isinstance(v, bool),
    'bool': lambda v: isinstance(v, bool),
    'list': lambda v: isinstance(v, list),
    'dict': lambda v: isinstance(v, dict),
}


class ValidationError(Exception):
    """Bad input, found before any request was sent. The message names the option and object."""


_CAMEL = {}


def snake_to_camel(name):
    """use_api_v3 -> useApiV3 (memoised: called for every field of every object)."""
    if name not in _CAMEL:
        head, sep, tail = name.partition('_')
        _CAMEL[name] = head + ''.join(part[:1].upper() + part[1:] for part in tail.split('_')) if tail else head
    return _CAMEL[name]


def empty_to_none(value):
    """Normaliser for strings ProGet clears with null: '' and null mean the same thing."""
    return value if value not in ('', None) else None


def lower(value):
    return value.lower() if isinstance(value, str) else value


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
    keeps the current value (connectors).
    """

    def __init__(self, api=None, type='str', elements=None, choices=None, no_log=False,
                 write_only=False, normalize=None, suboptions=None, required_on_create=False,
                 sub_default=None, description=None, nullable=False, minimum=None, maximum=None,
                 compare_if_shown=False, returned_once=False, clear_as=None):
        self.api = api
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
                out[sub.api or snake_to_camel(key)] = sub.to_api(item[key])
            elif sub.sub_default is not None:
                out[sub.api or snake_to_camel(key)] = sub.sub_default
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
            value = item.get(sub.api or snake_to_camel(key))
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
                    value = item.get(sub.api or snake_to_camel(key))
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
        if self.no_log:
            spec['no_log'] = True
        if self.sub_default is not None:
            spec['default'] = self.sub_default
        if self.suboptions:
            spec['options'] = dict((k, v.argument_spec()) for k, v in self.suboptions.items())
        return spec


class Resource:
    """A kind of ProGet object: its identity, its fields and how to list/get/create/update/delete.

    Subclasses set the class attributes and override the HTTP methods where ProGet's API is not
    the common ``/api/management/<plural>/{list,get,create,update,delete}`` shape.
    """

    kind = None            # singular noun for messages, e.g. 'feed'
    plural = None          # key in the state document and path segment, e.g. 'feeds'
    identity = 'name'      # option that names an object
    identity_api = 'name'  # its ProGet JSON name
    base_path = None       # e.g. 'api/management/feeds'
    fields = {}
    # True for kinds ProGet cannot update (API keys): any difference is applied by deleting the
    # object and creating it again (``replace()``); the action is then ``replace``.
    replace_on_change = False
    # plural -> set of lower-case names that exist (or will, once a state document is applied);
    # set by proget_state so preflight checks need no extra request. None: ask the server.
    known = None
    # Options that steer how fields are written rather than fields (e.g. update_password).
    extra_options = {}
    # Whether proget_state may delete undeclared objects of this kind.
    prunable = True

    def secret_values(self, entry):
        """The secret values of one state-document entry (masked everywhere by proget_state)."""
        return [entry.get(name) for name, field in self.fields.items() if field.no_log and entry.get(name)]

    def forces_write_only(self, params):
        """Whether write-only fields are sent even when the object exists (update_password)."""
        return False

    def forces_replace(self, params):
        """Whether an existing object is re-created even without a difference (rotate)."""
        return False

    def export_entry(self, obj):
        """A live object as a state-document entry, and the names of the values left out."""
        entry = dict((k, v) for k, v in self.view(obj).items() if v is not None)
        return entry, [name for name, field in self.fields.items() if field.write_only or field.no_log]

    # -- declarations ------------------------------------------------------------------------
    def option_name(self, field_name):
        """The module option of a field.

        A field whose name is also a connection option (a connector's ``url``, ``username``,
        ``password``, ``timeout``) is offered by single-object modules as ``<kind>_<field>``
        (``connector_url``) so that it never mixes with the connection to ProGet (module_defaults,
        PROGET_* environment variables). Field names themselves (the state document) are unchanged.
        """
        if field_name in CONNECTION_ARGUMENT_SPEC:
            return '%s_%s' % (self.kind, field_name)
        return field_name

    def argument_spec(self):
        """Options by field name: an entry of the state document."""
        spec = {self.identity: dict(type='str', required=True),
                'state': dict(type='str', default='present', choices=['present', 'absent'])}
        for name, field in self.fields.items():
            spec[name] = field.argument_spec()
        spec.update(self.extra_options)
        return spec

    def module_argument_spec(self):
        """Options of the single-object module (fields renamed by :meth:`option_name`)."""
        return dict((self.option_name(k) if k in self.fields else k, v) for k, v in self.argument_spec().items())

    def params_from_options(self, options):
        """Module parameters -> field-named parameters (see :meth:`option_name`)."""
        params = dict(options)
        for name in self.fields:
            option = self.option_name(name)
            if option != name:
                params[name] = options.get(option)
        return params

    def options_view(self, view):
        """Field-named dict (a diff side) -> module option names."""
        return dict((self.option_name(k) if k in self.fields else k, v) for k, v in view.items())

    def ident_of(self, obj):
        return obj.get(self.identity_api)

    def same_ident(self, a, b):
        return a is not None and b is not None and str(a).lower() == str(b).lower()

    def find(self, objects, ident):
        for obj in objects or []:
            if self.same_ident(self.ident_of(obj), ident):
                return obj
        return None

    def label(self, ident):
        return "%s '%s'" % (self.kind, ident)

    # -- HTTP (override where ProGet differs) ------------------------------------------------
    def list(self, client):
        return client.get_json(self.base_path + '/list') or []

    def get(self, client, ident):
        return client.get_json('%s/get/%s' % (self.base_path, quote_name(ident)), missing_ok=True)

    def create(self, client, payload):
        return client.post_json(self.base_path + '/create', payload)

    def update(self, client, ident, payload, current):
        return client.post_json('%s/update/%s' % (self.base_path, quote_name(ident)), payload)

    def delete(self, client, ident, current):
        client.request('DELETE', '%s/delete/%s' % (self.base_path, quote_name(ident)), missing_ok=True)

    def replace(self, client, ident, payload, current, params):
        """Re-create ``current`` as ``payload`` (kinds with ``replace_on_change``).

        Default order: create the new object first, then delete the old one, so a refused create
        leaves the old object untouched and working. If deleting the old one then fails, the new
        one is deleted again (rollback) and the error says so. Kinds whose new object cannot
        coexist with the old one return True from ``delete_before_create()``.
        """
        if self.delete_before_create(params, current):
            self.delete(client, ident, current)
            try:
                return self.create(client, payload)
            except ProGetError as e:
                raise _annotated(e, 'the old %s was deleted, but creating the new one failed' % self.kind)
        created = self.create(client, payload)
        try:
            self.delete(client, ident, current)
        except ProGetError as e:
            try:
                self.delete(client, ident, created or {})
            except ProGetError as again:
                raise _annotated(e, 'the new %s was created, but deleting the old one failed, and so did '
                                    'deleting the new one again (%s): both exist now'
                                 % (self.kind, again))
            raise _annotated(e, 'the new %s was created, but deleting the old one failed; the new one '
                                'was deleted again, nothing changed' % self.kind)
        return created

    def delete_before_create(self, params, current):
        """Order of ``replace()``: False = create the new object first (the default)."""
        return False

    def replace_payload(self, params, changes, current):
        """The create payload of the object that replaces ``current``: the current values of the
        declared fields (left-out options are not managed, so they are carried over), overlaid with
        what the caller set. Write-only values cannot be carried over (they are never read)."""
        return self.create_payload(params, self.carried_over(params, current))

    def carried_over(self, params, current):
        desired = {}
        for name, field in self.fields.items():
            api = field.api or snake_to_camel(name)
            if not field.write_only and (current or {}).get(api) is not None:
                desired[api] = current[api]
        desired.update(self.desired_api(params))
        return dict((k, v) for k, v in desired.items() if v is not None)

    # -- hooks -------------------------------------------------------------------------------
    def validate(self, params, current):
        """Raise ValidationError for input ProGet would refuse, before any write."""

    def preflight(self, client, params, changes, current):
        """Checks that need the server (e.g. referenced objects exist), before any write."""

    def before_delete(self, client, ident, current, check_mode):
        """Work needed before deleting (e.g. detach references); reads only in check mode.

        Returns a dict added to the outcome as ``extra`` (reported by the module), or None.
        """
        return None

    def warnings(self, client, params):
        """Warnings for the user after a run (e.g. a setting the server edition ignores)."""
        return []

    def create_payload(self, params, desired):
        payload = {self.identity_api: params[self.identity]}
        payload.update(desired)
        return payload

    def update_payload(self, params, changes, current):
        return dict(changes)

    def expected_after(self, current, desired):
        after = copy.deepcopy(current) if current else {}
        after.update(desired)
        return after

    # -- desired state -----------------------------------------------------------------------
    def managed(self, params):
        """Options the caller set (None = not managed, never reset to a default)."""
        return dict((k, params.get(k)) for k in self.fields if params.get(k) is not None)

    def desired_api(self, params):
        return dict((self.fields[k].api or snake_to_camel(k), self.fields[k].to_api(v))
                    for k, v in self.managed(params).items())

    def changes(self, params, current, force_write_only=False):
        """The API payload that would bring ``current`` to the desired state (only differences)."""
        out = {}
        for name, value in self.managed(params).items():
            field = self.fields[name]
            api = field.api or snake_to_camel(name)
            wanted = field.to_api(value)
            if field.write_only:
                shown = current.get(api) if current and field.compare_if_shown else None
                if current is None or force_write_only or (shown is not None and shown != wanted):
                    out[api] = wanted
                continue
            have = current.get(api) if current else None
            if current is None or field.comparable(wanted) != field.comparable(have):
                out[api] = wanted
        return out

    def view(self, obj, params=None):
        """An API object as option-named values: the managed ones, or all fields without params."""
        if obj is None:
            return {}
        names = list(self.managed(params)) if params is not None else list(self.fields)
        out = {self.identity: self.ident_of(obj)}
        for name in names:
            field = self.fields[name]
            if field.write_only:
                continue
            value = field.from_api(obj.get(field.api or snake_to_camel(name)))
            if field.nullable:
                value = empty_to_none(value)
            out[name] = value
        return out

    def diff_view(self, obj, params, written_secrets=()):
        view = self.view(obj, params)
        for name in self.managed(params):
            if self.fields[name].write_only and obj is not None:
                view[name] = '<changed>' if name in written_secrets else WRITE_ONLY_MARK
        return view


def _secret_options(resource, changes):
    return [name for name, field in resource.fields.items()
            if field.write_only and (field.api or snake_to_camel(name)) in changes]


def _annotated(error, what):
    return ProGetError('%s: %s' % (what, error), status=error.status, method=error.method,
                       path=error.path, body=error.body, uncertain=error.uncertain)


def reconcile(client, resource, params, check_mode=False, current=None, fetched=False,
              force_write_only=False, force_replace=False):
    """Bring one object to ``params``; return the outcome dict.

    ``current`` may be given (already listed by the caller, e.g. proget_state) with
    ``fetched=True``; otherwise it is read with one GET. The outcome has ``changed``, ``action``
    (``create``/``update``/``replace``/``delete``/``none``), ``changes`` (API names -> new
    values, secrets masked), ``diff`` (before/after in option names), ``object`` (ProGet's object
    after, secrets removed) and ``secrets`` (option -> value of ``returned_once`` fields the server
    sent back on a create or replace; empty otherwise).

    ``force_replace`` re-creates an existing object even when nothing differs (e.g. rotating an
    API key); kinds with ``replace_on_change`` re-create on any difference.
    """
    ident = params[resource.identity]
    state = params.get('state') or 'present'
    if not fetched:
        try:
            current = resource.get(client, ident)
        except ProGetError as e:
            raise _on_object(resource, ident, 'read', e)
    resource.validate(params, current)
    check_values(resource, params)

    if state == 'absent':
        if current is None:
            return _outcome(resource, 'none', None, None, {}, params)
        try:
            extra = resource.before_delete(client, ident, current, check_mode)
        except ProGetError as e:
            raise _on_object(resource, ident, 'delete', e)
        if not check_mode:
            _write(client, resource, 'delete', ident, None, current)
        outcome = _outcome(resource, 'delete', current, None, {}, params)
        if extra:
            outcome['extra'] = extra
        return outcome

    if current is None:
        missing = [name for name, field in resource.fields.items()
                   if field.required_on_create and params.get(name) is None]
        if missing:
            raise ValidationError('%s does not exist; to create it, set %s'
                                  % (resource.label(ident), ', '.join(resource.option_name(m) for m in missing)))
        changes = resource.changes(params, None)
        resource.preflight(client, params, changes, None)
        payload = resource.create_payload(params, changes)
        after = resource.expected_after(None, dict(payload))
        written = None
        if not check_mode:
            written = _write(client, resource, 'create', ident, payload, None)
            after = written or after
        return _outcome(resource, 'create', None, after, changes, params, written)

    changes = resource.changes(params, current, force_write_only=force_write_only)
    if force_replace or (changes and resource.replace_on_change):
        resource.preflight(client, params, changes, current)
        payload = resource.replace_payload(params, changes, current)
        after = resource.expected_after(None, dict(payload))
        written = None
        if not check_mode:
            try:
                written = resource.replace(client, ident, payload, current, params)
            except ProGetError as e:
                raise _on_object(resource, ident, 'replace', e)
            after = written or after
        return _outcome(resource, 'replace', current, after, changes, params, written)
    if not changes:
        return _outcome(resource, 'none', current, current, {}, params)
    resource.preflight(client, params, changes, current)
    payload = resource.update_payload(params, changes, current)
    after = resource.expected_after(current, changes)
    if not check_mode:
        after = _write(client, resource, 'update', ident, payload, current) or after
    return _outcome(resource, 'update', current, after, changes, params)


def _write(client, resource, action, ident, payload, current):
    """One write; after an uncertain failure re-read before deciding (never a blind repeat)."""
    try:
        return _send(client, resource, action, ident, payload, current)
    except ProGetError as e:
        # A create refused because the object exists: another run created it since we looked
        # (concurrent runs). Re-read as after an uncertain write and converge the object found.
        conflict = action == 'create' and e.status in (400, 409)
        if not e.uncertain and not conflict:
            raise _on_object(resource, ident, action, e)
        first = e
    # The write may or may not have happened: look before doing anything else.
    try:
        now = resource.get(client, ident)
    except ProGetError as e:
        raise _on_object(resource, ident, action, first, then=e)
    if action == 'delete':
        return None if now is None else _send_or_fail(client, resource, 'delete', ident, None, now)
    if now is None:
        if action == 'update' or not first.uncertain:
            raise _on_object(resource, ident, action, first)
        return _send_or_fail(client, resource, 'create', ident, payload, None)
    if not _still_differs(resource, payload, now):
        return now
    return _send_or_fail(client, resource, 'update', ident, payload, now)


def _still_differs(resource, payload, obj):
    for api, value in (payload or {}).items():
        field = _field_by_api(resource, api)
        if field is None or field.write_only:
            continue
        if field.comparable(value) != field.comparable(obj.get(api)):
            return True
    return False


def _field_by_api(resource, api):
    for name, field in resource.fields.items():
        if (field.api or snake_to_camel(name)) == api:
            return field
    return None


def _send(client, resource, action, ident, payload, current):
    if action == 'create':
        return resource.create(client, payload)
    if action == 'update':
        return resource.update(client, ident, payload, current)
    return resource.delete(client, ident, current)


def _send_or_fail(client, resource, action, ident, payload, current):
    try:
        return _send(client, resource, action, ident, payload, current)
    except ProGetError as e:
        raise _on_object(resource, ident, action, e)


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
            raise ValidationError('%s: %s' % (resource.label(params.get(resource.identity)), e))


def _on_object(resource, ident, action, error, then=None):
    message = 'failed to %s %s: %s' % (action, resource.label(ident), error)
    if then is not None:
        message += '; checking whether it happened also failed: %s' % then
    wrapped = ProGetError(message, status=error.status, method=error.method, path=error.path,
                          body=error.body, uncertain=error.uncertain)
    return wrapped


def _outcome(resource, action, before, after, changes, params, written=None):
    secret_options = _secret_options(resource, changes)
    returned = {}
    for name, field in resource.fields.items():
        value = (written or {}).get(field.api or snake_to_camel(name)) if isinstance(written, dict) else None
        if field.returned_once and value:
            returned[name] = value
    masked = {}
    for api, value in changes.items():
        field = _field_by_api(resource, api)
        masked[api] = '********' if field is not None and field.no_log else value
    return dict(
        changed=action != 'none',
        action=action,
        name=params[resource.identity],
        changes=masked,
        diff=dict(before=resource.diff_view(before, params) if before is not None else {},
                  after=resource.diff_view(after, params, secret_options) if after is not None else {}),
        object=strip_secrets(resource, after if action != 'delete' else None),
        secrets=returned,
    )


def strip_secrets(resource, obj):
    """ProGet's object without write-only values (they are never returned, but be sure)."""
    if obj is None:
        return None
    out = dict(obj)
    for name, field in resource.fields.items():
        if field.write_only or field.no_log:
            out.pop(field.api or snake_to_camel(name), None)
    return out
