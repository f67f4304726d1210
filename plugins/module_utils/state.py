# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The whole server as one document: plan, apply, export (proget_state, proget_state_info).

The same Resources and the same ``reconcile()`` as the single-object modules; what this adds is
ordering (dependencies), one list request per kind, validation of everything before any write,
pruning, and a report of what was applied and what was not.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cac.proget.plugins.module_utils.client import ProGetError
import threading
import time

from ansible_collections.cac.proget.plugins.module_utils.engine import Catalog, Resource, ValidationError
from ansible_collections.cac.proget.plugins.module_utils.kinds import kinds
from ansible_collections.cac.proget.plugins.module_utils.masking import unknown_secrets
from ansible_collections.cac.proget.plugins.module_utils.parallel import DONE, FAILED, NOT_STARTED, run_bounded
from ansible_collections.cac.proget.plugins.module_utils.schema import document_schema, validate_document
from ansible_collections.cac.proget.plugins.module_utils.security import NOT_MANAGED, SECURITY_KINDS, administrators


# The prune guard (Plan.check_prune_limits): what one run may delete through prune, per kind.
# Everyday changes delete a few objects; a mis-rendered document (a variable file not loaded, a
# template that rendered an empty list) deletes many, or most of a kind.
PRUNE_MAX = 10
PRUNE_MAX_PERCENT = 50
PRUNE_NAMES_SHOWN = 25


def prunable():
    return [plural for plural, resource in kinds().items() if resource.prunable]


def extra_options():
    return {
        'prune': {'type': 'array', 'items': {'type': 'string', 'enum': prunable()}, 'uniqueItems': True,
                  'description': 'Kinds whose undeclared objects are deleted.'},
        'prune_protect': {'type': 'array', 'items': {'type': 'string'},
                          'description': 'Names never deleted by prune.'},
        'prune_max': {'type': 'integer', 'minimum': 0, 'default': PRUNE_MAX,
                      'description': 'At most this many objects of one kind deleted by prune in one run.'},
        'prune_max_percent': {'type': 'integer', 'minimum': 0, 'maximum': 100, 'default': PRUNE_MAX_PERCENT,
                              'description': 'At most this share (percent) of the objects of one kind deleted by '
                                             'prune in one run (a single deletion is always allowed by it).'},
        'prune_allow_empty': {'type': 'array', 'items': {'type': 'string', 'enum': prunable()}, 'uniqueItems': True,
                              'description': 'Pruned kinds whose list may be empty (all their objects deleted).'},
    }


def schema():
    return document_schema(kinds(), extra_options())


def secret_values(document):
    """Every secret value a document holds (connector passwords, secret settings, key secrets), and the
    values under options the kinds do not know whose names look secret (a misspelled ``pasword``, a
    storage property ``SecretAcessKey``): the run fails on those, but Ansible could not know to hide them."""
    out = []
    for plural, resource in kinds().items():
        entries = document.get(plural) if isinstance(document, dict) else None
        if not isinstance(entries, list):
            out.extend(unknown_secrets(entries))
            continue
        known = resource.argument_spec()
        for entry in entries:
            if isinstance(entry, dict):
                try:
                    out.extend(resource.secret_values(entry))
                except (AttributeError, TypeError, ValueError):   # a value of the wrong type: schema errors
                    out.extend(unknown_secrets(entry))
                out.extend(unknown_secrets(entry, known))
            else:
                out.extend(unknown_secrets(entry))
    return out


class StateError(Exception):
    """The document cannot be applied; ``problems`` lists every reason, ``report`` what happened."""

    def __init__(self, message, problems=None, report=None):
        super(StateError, self).__init__(message)
        self.problems = problems or []
        self.report = report or {}


def _params(resource, entry):
    params = dict((name, None) for name in resource.fields)
    params['state'] = 'present'
    params.update((name, spec.get('default')) for name, spec in resource.extra_options.items())
    params.update(entry)
    return params


def _given(value, default):
    """An option as given to Plan (None: the default; a tuple: a list), for the schema to check."""
    return default if value is None else list(value) if isinstance(value, tuple) else value


def _changed_fields(diff):
    before, after = diff.get('before') or {}, diff.get('after') or {}
    keys = [k for k in after if before.get(k) != after.get(k)] if before and after else []
    return dict((k, {'before': before.get(k), 'after': after.get(k)}) for k in keys)


class Plan:
    """Everything proget_state will do, computed without writing."""

    def __init__(self, client, document, prune=(), prune_protect=(), prune_max=PRUNE_MAX,
                 prune_max_percent=PRUNE_MAX_PERCENT, prune_allow_empty=()):
        self.client = client
        self.document = document
        # the options as given (validate() checks them against the schema), and as used
        self.options = dict(prune=_given(prune, []), prune_protect=_given(prune_protect, []),
                            prune_max=_given(prune_max, PRUNE_MAX),
                            prune_max_percent=_given(prune_max_percent, PRUNE_MAX_PERCENT),
                            prune_allow_empty=_given(prune_allow_empty, []))
        self.prune = list(prune) if isinstance(prune, (list, tuple)) else []
        self.protect = set(str(n).lower() for n in prune_protect) if isinstance(prune_protect, (list, tuple)) else set()
        # the prune guard (check_prune_limits, check_empty_prunes)
        self.prune_max = self.options['prune_max']
        self.prune_max_percent = self.options['prune_max_percent']
        self.prune_allow_empty = list(prune_allow_empty) if isinstance(prune_allow_empty, (list, tuple)) else []
        self.kinds = kinds()
        self.current = {}
        self.steps = []        # dicts: kind, name, action, changes, params, current, diff
        self.secrets = {}      # kind -> name -> secret generated by ProGet (new API keys)
        self.requests_listing = 0

    def validate(self):
        problems = validate_document(schema(), dict(self.document, **self.options))
        problems.extend(self.check_empty_prunes())
        for plural, resource in self.kinds.items():
            seen = {}
            entries = self.document.get(plural)
            for index, entry in enumerate(entries if isinstance(entries, list) else []):
                if not isinstance(entry, dict):
                    continue
                ident = resource.ident_from(entry)
                key = str(ident).lower()
                if key in seen:
                    problems.append('%s[%d].%s: %r is declared twice (also %s[%d])'
                                    % (plural, index, resource.identity, ident, plural, seen[key]))
                seen[key] = index
        if problems:
            raise StateError('the state document is invalid:\n  ' + '\n  '.join(problems), problems)

    def build(self):
        """List every kind once, then plan each object; raises StateError before any write."""
        self.validate()
        # A document that touches security lists all four security kinds: the plan is checked
        # against the administrators it leaves (check_administrators).
        touched = [p for p in self.kinds if self.document.get(p) or p in self.prune]
        security = any(p in SECURITY_KINDS for p in touched)
        for plural, resource in self.kinds.items():
            if resource.listed and (plural in touched or (security and plural in SECURITY_KINDS)):
                self.current[plural] = resource.list(self.client)
        self._settle_duplicates()
        # What exists once the document is applied: references are checked against it; a kind
        # the document does not name is listed when a reference to it is first checked.
        existing, declared = {}, {}
        for plural, live in self.current.items():
            resource = self.kinds[plural]
            existing[plural] = set(str(resource.ident_of(o)).lower() for o in live)
            declared[plural] = set(existing[plural])
            for entry in self.document.get(plural) or []:
                key = str(resource.ident_from(entry)).lower()
                (declared[plural].discard if entry.get('state', 'present') == 'absent' else declared[plural].add)(key)
        catalog = Catalog(self.client, names=declared, existing=existing)
        problems = []
        for plural, resource in self.kinds.items():
            for index, entry in enumerate(self.document.get(plural) or []):
                params = _params(resource, entry)
                current = None
                if resource.listed:
                    ident = resource.ident_from(params)
                    matches = self.matching(plural, ident)
                    if len(matches) > 1:
                        problems.append('%s[%d]: %s: %d objects on the server have this name (ids %s); delete the '
                                        'extra ones or rename them' % (plural, index, resource.label(ident),
                                                                       len(matches), ', '.join(
                                                                           str(o.get('id')) for o in matches)))
                        continue
                    current = matches[0] if matches else None
                try:
                    outcome = resource.plan(self.client, params, current, catalog)
                except ValidationError as e:
                    problems.append('%s[%d]: %s' % (plural, index, e))
                    continue
                self._add(plural, resource, params, current, outcome)
            if plural in self.prune:
                self._plan_prune(plural, resource, catalog)
        problems.extend(self.check_pruned_references())
        problems.extend(self.check_prune_limits())
        if security:
            problems.extend(self.check_administrators())
        if problems:
            raise StateError('the state document cannot be applied:\n  ' + '\n  '.join(problems), problems)
        self.catalog = catalog
        return self

    def _plan_prune(self, plural, resource, catalog):
        declared = set(str(resource.ident_from(e)).lower() for e in self.document.get(plural) or [])
        in_use = self.client.session.headers.get('X-ApiKey') if hasattr(self.client, 'session') else None
        for obj in self.current.get(plural, []):
            ident = resource.ident_of(obj)
            if str(ident).lower() in declared or str(ident).lower() in self.protect or resource.is_protected(ident):
                continue
            if plural == 'api_keys' and in_use and obj.get('key') == in_use:
                continue   # the key this run uses (shown with plain-text key storage): never pruned
            params = _params(resource, dict(resource.params_of(obj), state='absent'))
            self._add(plural, resource, params, obj, resource.plan(self.client, params, obj, catalog), pruned=True)

    def _settle_duplicates(self, waits=(0.5, 1, 2)):
        """Objects of one identity may be another run's create caught before that run deleted its copy
        (engine.keep_first: API keys, permissions); such a kind is listed again after a pause before its
        objects are called duplicates."""
        for plural in list(self.current):
            resource = self.kinds[plural]
            for wait in waits:
                keys = [str(resource.ident_of(o)).lower() for o in self.current[plural]]
                if len(keys) == len(set(keys)):
                    break
                time.sleep(wait)
                self.current[plural] = resource.list(self.client)

    def check_empty_prunes(self):
        """The prune guard, before any request: a pruned kind whose list declares no object (empty,
        left out, or only ``state: absent`` entries) would delete every object of that kind; that is
        what a mis-rendered document looks like, so it is refused unless the kind is named in
        ``prune_allow_empty``."""
        problems = []
        for plural in self.prune:
            if not isinstance(plural, str) or plural not in self.kinds or plural in self.prune_allow_empty:
                continue
            entries = self.document.get(plural)
            if isinstance(entries, list) and any(isinstance(e, dict) and e.get('state', 'present') != 'absent'
                                                 for e in entries):
                continue
            problems.append('%s: prune is on for %s but the document declares none of them, so every one on the '
                            'server (but those in prune_protect and the built-in ones) would be deleted; nothing was '
                            'changed. If that is intended, add %s to prune_allow_empty' % (plural, plural, plural))
        return problems

    def check_prune_limits(self):
        """The prune guard, before any write: per kind, prune may delete at most ``prune_max`` objects and at
        most ``prune_max_percent`` percent of the objects of that kind on the server (a single deletion is
        always allowed by the percentage); more is refused, naming what would be deleted."""
        problems = []
        for plural in self.prune:
            names = [s['name'] for s in self.steps if s['kind'] == plural and s['pruned'] and s['action'] == 'delete']
            existing = len(self.current.get(plural) or [])
            if not names:
                continue
            percent = 100.0 * len(names) / existing if existing else 100.0
            over = []
            if len(names) > self.prune_max:
                over.append('prune_max (%d)' % self.prune_max)
            if len(names) > 1 and percent > self.prune_max_percent:
                over.append('prune_max_percent (%d%%)' % self.prune_max_percent)
            if not over:
                continue
            shown = ', '.join("'%s'" % n for n in names[:PRUNE_NAMES_SHOWN])
            if len(names) > PRUNE_NAMES_SHOWN:
                shown += ' and %d more (see plan)' % (len(names) - PRUNE_NAMES_SHOWN)
            problems.append('%s: prune would delete %d of the %d %s on the server (%d%%), more than %s: %s. Nothing was '
                            'changed. If this is intended, raise the limit for this run (prune_max: %d, '
                            'prune_max_percent: %d); otherwise declare them or name them in prune_protect'
                            % (plural, len(names), existing, plural.replace('_', ' '), round(percent), ' and '.join(over), shown,
                               max(len(names), self.prune_max), max(int(-(-percent // 1)), self.prune_max_percent)))
        return problems

    def _add(self, plural, resource, params, current, outcome, pruned=False):
        self.steps.append(dict(kind=plural, name=outcome['name'], action=outcome['action'],
                               changes=_changed_fields(outcome['diff'])
                               if outcome['action'] in ('update', 'replace') else {},
                               diff=outcome['diff'], params=params, current=current, pruned=pruned,
                               resource=resource, after=outcome.get('object')))

    def after(self, plural):
        """The objects of a listed kind once the plan is applied (as the plan expects them)."""
        resource = self.kinds[plural]
        objects = dict((str(resource.ident_of(o)).lower(), o) for o in self.current.get(plural) or [])
        for step in self.steps:
            if step['kind'] == plural and step['action'] != 'none':
                key = str(step['name']).lower()
                if step['action'] == 'delete':
                    objects.pop(key, None)
                else:
                    objects[key] = step['after'] or {}
        return list(objects.values())

    def not_managed(self):
        """What the document's security cannot declare, because ProGet has no API for it: the user
        directories other than the built-in one, and feed groups (named here by permissions)."""
        if not any(p in self.current for p in SECURITY_KINDS):
            return []
        groups = sorted(set(o.get('feedGroup') for o in self.after('permissions') + (self.current.get('permissions') or [])
                            if o.get('feedGroup')))
        return list(NOT_MANAGED) + ["feed group '%s' (named by permissions; it must exist in ProGet)" % g for g in groups]

    def check_pruned_references(self):
        """What prune deletes must not be named by an object the document declares (changed or not):
        it would be created or kept only to lose that reference when prune deletes it."""
        pruned = {}
        for step in self.steps:
            if step['pruned']:
                pruned.setdefault(step['kind'], set()).add(str(step['name']).lower())
        problems = []
        for step in self.steps if pruned else ():
            resource, params = step['resource'], step['params']
            if step['pruned'] or params.get('state') == 'absent' or not any(
                    f.refers_to in pruned for f in resource.fields.values()):
                continue
            declared = resource.changes(params, None)   # every value the entry sets, as sent to ProGet
            for field in resource.fields.values():
                value = declared.get(field.api)
                if field.refers_to not in pruned or value in (None, '', []):
                    continue
                gone = [v for v in (value if isinstance(value, list) else [value])
                        if str(v).lower() in pruned[field.refers_to]]
                if gone:
                    them = 'them' if len(gone) > 1 else 'it'
                    problems.append('%s: %s %s: prune deletes %s (%s does not declare %s); declare %s, or name %s in '
                                    'prune_protect' % (resource.label(step['name']), field.name,
                                                       ', '.join("'%s'" % v for v in gone), them, field.refers_to,
                                                       them, them, them))
        return problems

    def check_administrators(self):
        """Refuse a plan that leaves ProGet without an administrator, or takes the administer
        rights of the user whose credentials this run uses (when it connects as a user)."""
        before = administrators(*(self.current.get(p) or [] for p in SECURITY_KINDS))
        after = administrators(*(self.after(p) for p in SECURITY_KINDS))
        problems = []
        if before and not after:
            problems.append('security: this plan leaves ProGet without an administrator (today: %s); keep a global '
                            'permission of a task with Admin_ConfigureProGet (e.g. Administer) for an existing user or '
                            'a group with members, and no restriction that takes it away'
                            % ', '.join(sorted(before)))
        me = (self.client.user or '').lower()
        if me and me in before and me not in after:
            problems.append("security: this plan removes the administer rights of user '%s', whose credentials "
                            'this run uses; apply that change as another administrator' % self.client.user)
        return problems

    # -- reporting ---------------------------------------------------------------------------
    def public(self, step, status=None):
        out = dict(kind=step['kind'], name=step['name'], action=step['action'])
        if step['changes']:
            out['changes'] = step['changes']
        if step['pruned']:
            out['pruned'] = True
        if status:
            out['status'] = status
        return out

    def summary(self):
        counts = dict(create=0, update=0, replace=0, delete=0, unchanged=0)
        for step in self.steps:
            counts['unchanged' if step['action'] == 'none' else step['action']] += 1
        return counts

    def diffs(self):
        out = []
        for step in self.steps:
            if step['action'] == 'none':
                continue
            label = '%s %s (%s)' % (step['kind'], step['name'], step['action'])
            out.append(dict(before_header=label, after_header=label,
                            before=step['diff']['before'], after=step['diff']['after']))
        return out

    # -- applying ----------------------------------------------------------------------------
    def ordered_writes(self):
        rank = dict((k, i) for i, k in enumerate(self.kinds))  # assets last, their deletions first
        forward = [s for s in self.steps if s['action'] in ('create', 'update', 'replace')]
        backward = [s for s in self.steps if s['action'] == 'delete']
        forward.sort(key=lambda s: rank[s['kind']])
        backward.sort(key=lambda s: -rank[s['kind']])
        return forward + backward

    def matching(self, plural, ident):
        """The listed objects of a kind with this identity (``Resource.same_ident``: case-insensitive),
        through an index built once per kind: a document of N objects is matched in O(N), not O(N²)."""
        index = self.__dict__.setdefault('_index', {})
        if plural not in index:
            resource, by_ident = self.kinds[plural], {}
            for obj in self.current.get(plural) or []:
                key = resource.ident_of(obj)
                if key is not None:
                    by_ident.setdefault(str(key).lower(), []).append(obj)
            index[plural] = by_ident
        return list(index[plural].get(str(ident).lower(), [])) if ident is not None else []

    def levels(self):
        """The writes of :meth:`ordered_writes` cut into levels: the writes of one kind (creates and
        updates in registry order, then deletions in reverse order) form one level, whose writes do
        not depend on each other and may be sent at the same time (``parallel_writes``). A write that
        must not overlap others is a level of its own: the deletion of an object whose kind does work
        on other objects first (a connector is detached from the feeds that use it, feed by feed),
        and asset entries (their paths may overlap; a directory sync uploads in parallel itself)."""
        levels, last = [], None
        for step in self.ordered_writes():
            key = (step['kind'], step['action'] == 'delete')
            if _runs_alone(step):
                levels.append([step])
                last = None
                continue
            if key != last:
                levels.append([])
                last = key
            levels[-1].append(step)
        return levels

    def apply(self, parallel_writes=1):
        """Send the writes in dependency order, level by level, up to ``parallel_writes`` of one level
        at a time (each worker thread with its own client session); the next level starts when the
        whole level is written. Stop at the first failure (no new write starts; those already sent
        finish) and report what was applied, what failed and what was not applied."""
        self.parallel_writes = parallel_writes
        self._lock = threading.Lock()
        levels = self.levels()
        total = sum(len(level) for level in levels)
        applied = []
        for number, level in enumerate(levels):
            outcomes = run_bounded([_Write(self, step) for step in level], self.client, parallel_writes)
            failed = []
            for step, (status, value) in zip(level, outcomes):
                if status == DONE:
                    applied.append(step)
                elif status == FAILED:
                    if not isinstance(value, (ProGetError, ValidationError)):
                        raise value
                    failed.append((step, value))
            if not failed:
                continue
            pending = [s for s, outcome in zip(level, outcomes) if outcome[0] == NOT_STARTED]
            pending.extend(s for later in levels[number + 1:] for s in later)
            step, error = failed[0]
            report = dict(applied=[self.public(s, 'applied') for s in applied],
                          failed_object=dict(self.public(step, 'failed'), error=str(error)),
                          not_applied=[self.public(s, 'not applied') for s in pending])
            message = '%s %s: %s (applied %d of %d changes; %d not applied)' % (
                step['kind'], step['name'], error, len(applied), total, len(pending))
            if len(failed) > 1:
                report['failed_objects'] = [dict(self.public(s, 'failed'), error=str(e)) for s, e in failed]
                message += '; %d more writes sent at the same time failed too: %s' % (
                    len(failed) - 1, '; '.join('%s %s: %s' % (s['kind'], s['name'], e) for s, e in failed[1:]))
            raise StateError(message, report=report)
        return [self.public(s, 'applied') for s in applied]

    def _write(self, step, client):
        params = step['params']
        if 'parallel_writes' in step['resource'].argument_spec() and params.get('parallel_writes') is None:
            params = dict(params, parallel_writes=self.parallel_writes)   # an asset directory sync
        outcome = step['resource'].apply(client, params, step['current'], self.catalog)
        for option, secret in (outcome.get('secrets') or {}).items():
            if step['params'].get(option) is None:
                with self._lock:
                    self.secrets.setdefault(step['kind'], {})[step['name']] = secret
        return outcome


class _Write:
    """One planned write as a job of :func:`parallel.run_bounded`: ``job(client)``."""

    def __init__(self, plan, step):
        self.plan = plan
        self.step = step

    def __call__(self, client):
        return self.plan._write(self.step, client)   # pylint: disable=protected-access


def _runs_alone(step):
    """Whether a write must not overlap other writes of its level (see :meth:`Plan.levels`)."""
    if step['kind'] == 'assets':
        return True
    resource = step['resource']
    return step['action'] == 'delete' and type(resource).before_delete is not Resource.before_delete


def export(client):
    """The live server as a state document (secrets left out) and the list of what was left out."""
    document, omitted = {}, []
    for plural, resource in kinds().items():
        if not resource.exported:
            continue
        try:
            live = resource.list(client)
        except ProGetError as e:
            if plural in SECURITY_KINDS and e.status == 403 and client.edition == 'free':
                continue   # ProGet Free has no Security API: nothing of it to export
            raise
        entries = []
        for obj in sorted(live, key=lambda o: str(resource.ident_of(o)).lower()):
            obj = resource.complete(client, obj, None)
            entry, left_out = resource.export_entry(obj)
            label = '%s[%s]' % (plural, resource.ident_of(obj))
            omitted.extend('%s.%s' % (label, name) for name in left_out)
            if entry is not None:
                entries.append(entry)
        document[plural] = entries
    return document, omitted
