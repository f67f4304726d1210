# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one reconcile engine.

A kind of ProGet object is declared once, as a :class:`Resource`: its :class:`Field` s
(module_utils/fields.py), its API shape (module_utils/api.py) and a few hooks. From that come the
module argument spec, the JSON schema of the state document, the comparison, the partial update
payload and the ``--diff`` before/after. :func:`reconcile` is the whole loop: fetch current ->
normalise -> compare managed fields -> check references -> write only the difference.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import time

from ansible_collections.cac.proget.plugins.module_utils.client import ProGetError
from ansible_collections.cac.proget.plugins.module_utils.connection import CONNECTION_ARGUMENT_SPEC
from ansible_collections.cac.proget.plugins.module_utils.fields import (
    CHANGED_MARK, SENT_MARK, WRITE_ONLY_MARK, ValidationError, bind_fields, check_values, empty_to_none)
from ansible_collections.cac.proget.plugins.module_utils.fields import (  # noqa: F401 pylint: disable=unused-import
    Field, snake_to_camel)  # for code that declares a kind with the engine alone
from ansible_collections.cac.proget.plugins.module_utils.masking import register


class Resource:
    """A kind of ProGet object.

    Declarations (class attributes): ``name`` (identifier: the result key, the option prefix, the
    module ``proget_<name>``), ``noun`` (in messages), ``plural`` (the state document's key),
    ``identity``/``identity_api`` (the option and JSON name that name an object), ``api`` (the API
    shape), ``fields``, ``extra_options`` (options that steer writes, e.g. update_password) and
    the policies ``replace_on_change`` (ProGet cannot update it: any difference re-creates it),
    ``prunable``, ``listed`` (proget_state lists it), ``exported`` (proget_state_info exports it).

    More declarations: ``protected`` (built-in names never deleted nor pruned), ``implicit``
    (names that exist without being listed, e.g. ProGet's virtual users).

    Hooks (override where a kind needs them): ``validate``, ``preflight``, ``before_delete``,
    ``warnings``, ``from_server``/``to_server``, ``complete`` (what another request adds to an
    object), ``find``, ``ident_from``/``ident_of``/``params_of`` (an identity made of several
    properties), ``create_payload``/``update_payload``, ``forces_write_only``/``forces_replace``,
    ``secret_values``, ``masked_changes``, ``public``, ``export_entry``. Everything else is derived
    from the declarations.
    """

    name = None
    noun = None
    plural = None
    identity = 'name'
    identity_api = 'name'
    api = None
    fields = {}
    by_api = {}
    extra_options = {}
    replace_on_change = False
    prunable = True
    listed = True
    exported = True
    implicit = ()   # names that exist without being listed (ProGet's virtual users)
    protected = ()  # built-in objects that are never deleted (nor pruned)

    def __init_subclass__(cls, **kwargs):
        super(Resource, cls).__init_subclass__(**kwargs)
        if 'fields' in cls.__dict__:
            cls.by_api = bind_fields(cls.fields)

    # -- declarations ------------------------------------------------------------------------
    def option_name(self, field_name):
        """The module option of a field.

        A field whose name is also a connection option (a connector's ``url``, ``username``,
        ``password``, ``timeout``) is offered by single-object modules as ``<name>_<field>``
        (``connector_url``) so that it never mixes with the connection to ProGet (module_defaults,
        PROGET_* environment variables). Field names themselves (the state document) are unchanged.
        """
        if field_name in CONNECTION_ARGUMENT_SPEC:
            return '%s_%s' % (self.name, field_name)
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
        """Options of the single-object module (fields renamed by :meth:`option_name`). An option
        that would still replace a connection option is a bug of the kind's declaration."""
        spec = dict((self.option_name(k) if k in self.fields else k, v) for k, v in self.argument_spec().items())
        clash = sorted(set(spec) & set(CONNECTION_ARGUMENT_SPEC))
        if clash:
            raise AssertionError('%s: options %s are connection options' % (self.name, ', '.join(clash)))
        return spec

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

    def ident_from(self, params):
        """The identity an entry (module parameters) names."""
        return params.get(self.identity)

    def params_of(self, obj):
        """The entry naming a live object (what prune deletes)."""
        return {self.identity: self.ident_of(obj)}

    def same_ident(self, a, b):
        return a is not None and b is not None and str(a).lower() == str(b).lower()

    def find(self, objects, ident):
        for obj in objects or []:
            if self.same_ident(self.ident_of(obj), ident):
                return obj
        return None

    def label(self, ident):
        return "%s '%s'" % (self.noun or self.name, ident)

    @property
    def references(self):
        """The kinds (plurals) this kind's fields name objects of."""
        return tuple(sorted(set(f.refers_to for f in self.fields.values() if f.refers_to)))

    # -- HTTP, through the kind's API shape ----------------------------------------------------
    def list(self, client):
        return [self.from_server(obj) for obj in self.api.list(client, self)]

    def get(self, client, ident):
        return self.from_server(self.api.get(client, self, ident))

    def create(self, client, payload):
        return self.from_server(self.api.create(client, self, self.to_server(payload)))

    def update(self, client, ident, payload, current):
        return self.from_server(self.api.update(client, self, ident, self.to_server(payload), current))

    def delete(self, client, ident, current):
        self.api.delete(client, self, ident, current)

    def replace(self, client, ident, payload, current, params):
        """Re-create ``current`` as ``payload`` (kinds with ``replace_on_change``).

        Default order: create the new object first, then delete the old one, so a refused create
        leaves the old object untouched and working. If deleting the old one then fails, the new
        one is deleted again (rollback) and the error says so. Kinds whose new object cannot
        coexist with the old one return True from ``delete_before_create()``.
        """
        noun = self.noun or self.name
        if self.delete_before_create(params, current):
            self.delete(client, ident, current)
            try:
                return self.create(client, payload)
            except ProGetError as e:
                raise _annotated(e, 'the old %s was deleted, but creating the new one failed' % noun)
        created = self.create(client, payload)
        try:
            self.delete(client, ident, current)
        except ProGetError as e:
            try:
                self.delete(client, ident, created or {})
            except ProGetError as again:
                raise _annotated(e, 'the new %s was created, but deleting the old one failed, and so did '
                                    'deleting the new one again (%s): both exist now' % (noun, again))
            raise _annotated(e, 'the new %s was created, but deleting the old one failed; the new one '
                                'was deleted again, nothing changed' % noun)
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
        for field in self.fields.values():
            if not field.write_only and (current or {}).get(field.api) is not None:
                desired[field.api] = current[field.api]
        desired.update(self.desired_api(params))
        return dict((k, v) for k, v in desired.items() if v is not None)

    # -- hooks -------------------------------------------------------------------------------
    def is_protected(self, ident):
        return any(self.same_ident(ident, name) for name in self.protected)

    def complete(self, client, obj, params):
        """Add to an object what another request returns (e.g. a feed's storage), when ``params``
        manage it (``params`` None: everything, for an export)."""
        return obj

    def validate(self, params, current):
        """Raise ValidationError for input ProGet would refuse, before any write."""

    def preflight(self, client, params, changes, current):
        """Checks that need the server, before any write (references are checked by the engine)."""

    def before_delete(self, client, ident, current, check_mode):
        """Work needed before deleting (e.g. detach references); reads only in check mode.

        Returns a dict added to the outcome as ``extra`` (reported by the module), or None.
        """
        return None

    def warnings(self, client, params):
        """Warnings for the user after a run (e.g. a setting the server edition ignores)."""
        return []

    def from_server(self, obj):
        """An object as ProGet returned it -> the form the fields read (e.g. another JSON name)."""
        return obj

    def to_server(self, payload):
        """A write's payload -> what is sent."""
        return payload

    def forces_write_only(self, params):
        """Whether write-only fields are sent even when the object exists (update_password)."""
        return False

    def forces_replace(self, params):
        """Whether an existing object is re-created even without a difference (rotate)."""
        return False

    def secret_values(self, entry):
        """The secret values of one entry: masked everywhere (invocation, results, errors)."""
        return [entry.get(name) for name, field in self.fields.items() if field.no_log and entry.get(name)]

    def masked_changes(self, changes):
        """``changes`` as reported: the values of secret fields replaced by SENT_MARK."""
        return dict((api, SENT_MARK if getattr(self.by_api.get(api), 'no_log', False) else value)
                    for api, value in changes.items())

    def written_secrets(self, params, changes):
        """Options whose secret value a write sends (shown as CHANGED_MARK in the diff)."""
        return [name for name, field in self.fields.items() if field.write_only and field.api in changes]

    def public(self, obj, params=None):
        """The object as returned to the user: write-only and secret values removed."""
        return strip_secrets(self, obj)

    def export_entry(self, obj):
        """A live object as a state-document entry, and the names of the values left out."""
        entry = dict((k, v) for k, v in self.view(obj).items() if v is not None)
        return entry, [name for name, field in self.fields.items() if field.write_only or field.no_log]

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

    # -- proget_state: one entry of the document -------------------------------------------------
    def plan(self, client, params, current, catalog):
        """The outcome of one declared entry, computed without writing."""
        return reconcile(client, self, params, check_mode=True, current=current, fetched=True, catalog=catalog)

    def apply(self, client, params, current, catalog):
        """Write one planned entry; the outcome."""
        return reconcile(client, self, params, current=current, fetched=True, catalog=catalog)

    # -- desired state -----------------------------------------------------------------------
    def managed(self, params):
        """Options the caller set (None = not managed, never reset to a default)."""
        return dict((k, params.get(k)) for k in self.fields if params.get(k) is not None)

    def desired_api(self, params):
        return dict((self.fields[k].api, self.fields[k].to_api(v)) for k, v in self.managed(params).items())

    def changes(self, params, current, force_write_only=False):
        """The API payload that would bring ``current`` to the desired state (only differences)."""
        out = {}
        for name, value in self.managed(params).items():
            field = self.fields[name]
            wanted = field.to_api(value)
            if field.write_only:
                shown = current.get(field.api) if current and field.compare_if_shown else None
                if current is None or force_write_only or (shown is not None and shown != wanted):
                    out[field.api] = wanted
                continue
            have = current.get(field.api) if current else None
            if current is None or field.comparable(wanted) != field.comparable(have):
                out[field.api] = wanted
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
            value = field.from_api(obj.get(field.api))
            if field.nullable:
                value = empty_to_none(value)
            out[name] = value
        return out

    def diff_view(self, obj, params, written_secrets=()):
        view = self.view(obj, params)
        for name in self.managed(params):
            if self.fields[name].write_only and obj is not None:
                view[name] = CHANGED_MARK if name in written_secrets else WRITE_ONLY_MARK
        return view


class Catalog:
    """The names of each kind that exist, or will once a state document is applied: what fields
    that refer to another kind (``Field(refers_to='connectors')``) are checked against, before any
    write. proget_state fills it from the document; otherwise each kind is listed once, when
    first needed. Passed explicitly; no kind keeps it."""

    def __init__(self, client=None, names=None, existing=None):
        self.client = client
        self.names = dict(names or {})
        self.existing = existing or {}  # plural -> names on the server now (proget_state)

    def kind(self, plural):
        from ansible_collections.cac.proget.plugins.module_utils.kinds import kind
        return kind(plural)

    def has(self, plural, name):
        if any(str(name).lower() == n.lower() for n in self.kind(plural).implicit):
            return True
        if plural not in self.names:
            kind = self.kind(plural)
            self.names[plural] = set(str(kind.ident_of(o)).lower() for o in kind.list(self.client))
        return str(name).lower() in self.names[plural]

    def exists(self, plural, name):
        """Whether the object is on the server now (not only declared)."""
        if plural in self.existing:
            return str(name).lower() in self.existing[plural]
        return self.has(plural, name)

    def check(self, resource, ident, changes):
        """ValidationError naming every referenced object that does not exist."""
        for field in resource.fields.values():
            if not field.refers_to or changes.get(field.api) in (None, '', []):
                continue
            value = changes[field.api]
            missing = [n for n in (value if isinstance(value, list) else [value]) if not self.has(field.refers_to, n)]
            if not missing:
                continue
            several = isinstance(value, list)
            raise ValidationError('%s: %s %s %s in ProGet; create %s first (cac.proget.proget_%s)' % (
                resource.label(ident), resource.option_name(field.name),
                ', '.join("'%s'" % m for m in missing), 'do not exist' if several else 'does not exist',
                'them' if several else 'it', self.kind(field.refers_to).name))


def _annotated(error, what):
    return ProGetError('%s: %s' % (what, error), status=error.status, method=error.method,
                       path=error.path, body=error.body, uncertain=error.uncertain)


def reconcile(client, resource, params, check_mode=False, current=None, fetched=False,
              force_write_only=None, force_replace=None, catalog=None):
    """Bring one object to ``params``; return the outcome dict.

    ``current`` may be given (already listed by the caller, e.g. proget_state) with
    ``fetched=True``; otherwise it is read with one GET. The outcome has ``changed``, ``action``
    (``create``/``update``/``replace``/``delete``/``none``), ``changes`` (API names -> new
    values, secrets masked), ``diff`` (before/after in option names), ``object`` (ProGet's object
    after, secrets removed) and ``secrets`` (option -> value of ``returned_once`` fields the server
    sent back on a create or replace; empty otherwise).

    ``force_replace`` re-creates an existing object even when nothing differs (e.g. rotating an
    API key); kinds with ``replace_on_change`` re-create on any difference. Both default to what
    the kind says of ``params`` (``forces_write_only``, ``forces_replace``). ``catalog`` (a
    :class:`Catalog`) is what references are checked against (default: the server, lazily).
    """
    if force_write_only is None:
        force_write_only = resource.forces_write_only(params)
    if force_replace is None:
        force_replace = resource.forces_replace(params)
    catalog = catalog if catalog is not None else Catalog(client)
    ident = resource.ident_from(params)
    state = params.get('state') or 'present'
    if not fetched:
        try:
            current = resource.get(client, ident)
        except ProGetError as e:
            raise _on_object(resource, ident, 'read', e)
    if current is not None:
        try:
            current = resource.complete(client, current, params)
        except ProGetError as e:
            raise _on_object(resource, ident, 'read', e)
    if state == 'absent' and resource.is_protected(ident):
        raise ValidationError('%s is built into ProGet and is never deleted' % resource.label(ident))
    resource.validate(params, current)
    if resource.identity and isinstance(ident, str) and not ident.strip():
        raise ValidationError('%s: %s must not be empty' % (resource.label(ident), resource.identity))
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
        catalog.check(resource, ident, changes)
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
        catalog.check(resource, ident, changes)
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
    catalog.check(resource, ident, changes)
    resource.preflight(client, params, changes, current)
    payload = resource.update_payload(params, changes, current)
    after = resource.expected_after(current, changes)
    if not check_mode:
        after = _write(client, resource, 'update', ident, payload, current) or after
    return _outcome(resource, 'update', current, after, changes, params)


UNCERTAIN_RESENDS = 6


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
    # The write may or may not have happened: look before doing anything else. What is still
    # missing is sent again; if that is uncertain too, look again: once in any case, then up to
    # UNCERTAIN_RESENDS times while it all stays within the client's timeout since the first
    # attempt (with parallel writes, faults no longer alternate with successes in a regular pattern).
    started = time.monotonic()
    for attempt in range(UNCERTAIN_RESENDS):
        try:
            now = resource.get(client, ident)
        except ProGetError as e:
            raise _on_object(resource, ident, action, first, then=e)
        if action == 'delete':
            if now is None:
                return None
            step = ('delete', None, now)
        elif now is None:
            if action == 'update' or not first.uncertain:
                raise _on_object(resource, ident, action, first)
            step = ('create', payload, None)
        else:
            rest = _still_differing(resource, payload, now)
            if not rest:
                return now
            if resource.replace_on_change:  # cannot be updated: the object found is not ours to change
                raise _on_object(resource, ident, action, first)
            step = ('update', rest, now)
        try:
            return _send(client, resource, step[0], ident, step[1], step[2])
        except ProGetError as e:
            if not e.uncertain or attempt == UNCERTAIN_RESENDS - 1 or (
                    attempt and time.monotonic() - started > (getattr(client, 'timeout', None) or 30)):
                raise _on_object(resource, ident, step[0], e)
            first = e
    raise AssertionError('unreachable')  # pragma: no cover


def _still_differing(resource, payload, obj):
    """What of ``payload`` ``obj`` does not have yet; write-only values (never shown) go with it
    when anything else differs, since the write evidently did not happen."""
    out, secret = {}, {}
    for api, value in (payload or {}).items():
        field = resource.by_api.get(api)
        if field is not None and field.write_only:
            secret[api] = value
        elif field is not None and field.comparable(value) != field.comparable(obj.get(api)):
            out[api] = value
    return dict(out, **secret) if out else {}


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


def _on_object(resource, ident, action, error, then=None):
    message = 'failed to %s %s: %s' % (action, resource.label(ident), error)
    if then is not None:
        message += '; checking whether it happened also failed: %s' % then
    wrapped = ProGetError(message, status=error.status, method=error.method, path=error.path,
                          body=error.body, uncertain=error.uncertain)
    return wrapped


def _outcome(resource, action, before, after, changes, params, written=None):
    returned = {}
    for name, field in resource.fields.items():
        value = written.get(field.api) if isinstance(written, dict) else None
        if field.returned_once and value:
            register(value)  # ansible-core 2.22+: masked in all output, kept in the registered variable
            returned[name] = value
    return dict(
        changed=action != 'none',
        action=action,
        name=resource.ident_from(params),
        changes=resource.masked_changes(changes),
        diff=dict(before=resource.diff_view(before, params) if before is not None else {},
                  after=resource.diff_view(after, params, resource.written_secrets(params, changes))
                  if after is not None else {}),
        object=resource.public(after if action != 'delete' else None, params),
        secrets=returned,
    )


def strip_secrets(resource, obj):
    """ProGet's object without write-only values (they are never returned, but be sure)."""
    if obj is None:
        return None
    out = dict(obj)
    for field in resource.fields.values():
        if field.write_only or field.no_log:
            out.pop(field.api, None)
    return out


def keep_first(resource, client, created, exclude=()):
    """After creating an object whose identity ProGet does not keep unique (an API key's display name, a
    permission): if another run created one with the same identity at the same time, the one created first
    (the lowest id) stays and this run deletes its own, so that the runs agree without talking to each other
    and never leave two. Returns the object that stays (``created``, or the other run's). ``exclude``: ids
    that are not another run's (the key a replace re-creates)."""
    mine = (created or {}).get('id')
    if mine is None:
        return created
    ident = resource.ident_of(created)
    same = [o for o in resource.list(client) if resource.same_ident(resource.ident_of(o), ident)
            and o.get('id') is not None and o.get('id') != mine and o.get('id') not in exclude]
    first = min(same, key=lambda o: o['id']) if same else None
    if first is None or first['id'] > mine:
        return created   # ours is the first: the runs that created the others delete theirs
    resource.delete(client, ident, created)
    return first
