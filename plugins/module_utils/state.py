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

from ansible_collections.cac.proget.plugins.module_utils.assets import ARGUMENT_SPEC as ASSET_SPEC
from ansible_collections.cac.proget.plugins.module_utils.assets import asset_params, ensure_asset
from ansible_collections.cac.proget.plugins.module_utils.client import ProGetError
from ansible_collections.cac.proget.plugins.module_utils.engine import ValidationError, reconcile
from ansible_collections.cac.proget.plugins.module_utils.feeds import FeedResource
from ansible_collections.cac.proget.plugins.module_utils.schema import (
    document_schema, options_schema, validate_document)

# Dependency order: connectors before the feeds that use them; feeds before keys and assets.
# Deletions run in the reverse order.
ORDER = ('connectors', 'feeds', 'licenses', 'api_keys', 'settings', 'assets')


def kinds():
    """plural -> Resource, in dependency order, for the kinds this collection manages."""
    found = {'feeds': FeedResource()}
    return dict((k, found[k]) for k in ORDER if k in found)


def extra_options():
    names = list(kinds())
    assets = {'type': 'array', 'items': options_schema(ASSET_SPEC),
              'description': 'Asset files and folders: the options of proget_asset, one dict each; '
                             'applied after every other kind.'}
    return {
        'assets': assets,
        'prune': {'type': 'array', 'items': {'type': 'string', 'enum': names}, 'uniqueItems': True,
                  'description': 'Kinds whose undeclared objects are deleted.'},
        'prune_protect': {'type': 'array', 'items': {'type': 'string'},
                          'description': 'Names never deleted by prune.'},
    }


def schema():
    return document_schema(kinds(), extra_options())


class StateError(Exception):
    """The document cannot be applied; ``problems`` lists every reason, ``report`` what happened."""

    def __init__(self, message, problems=None, report=None):
        super(StateError, self).__init__(message)
        self.problems = problems or []
        self.report = report or {}


def _params(resource, entry):
    params = dict((name, None) for name in resource.fields)
    params['state'] = 'present'
    params.update(entry)
    return params


def _changed_fields(diff):
    before, after = diff.get('before') or {}, diff.get('after') or {}
    keys = [k for k in after if before.get(k) != after.get(k)] if before and after else []
    return dict((k, {'before': before.get(k), 'after': after.get(k)}) for k in keys)


class Plan:
    """Everything proget_state will do, computed without writing."""

    def __init__(self, client, document, prune=(), prune_protect=()):
        self.client = client
        self.document = document
        self.prune = list(prune or [])
        self.protect = set(str(n).lower() for n in (prune_protect or []))
        self.kinds = kinds()
        self.current = {}
        self.steps = []        # dicts: kind, name, action, changes, params, current, diff
        self.requests_listing = 0

    def validate(self):
        problems = validate_document(schema(), dict(self.document, prune=self.prune,
                                                    prune_protect=sorted(self.protect)))
        for plural, resource in self.kinds.items():
            seen = {}
            for index, entry in enumerate(self.document.get(plural) or []):
                if not isinstance(entry, dict):
                    continue
                ident = entry.get(resource.identity)
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
        for plural, resource in self.kinds.items():
            if self.document.get(plural) or plural in self.prune or (plural == 'feeds' and self.document.get('assets')):
                self.current[plural] = resource.list(self.client)
        declared_names = {}
        for plural, resource in self.kinds.items():
            live = self.current.get(plural, [])
            present = set(str(resource.ident_of(o)).lower() for o in live)
            for entry in self.document.get(plural) or []:
                key = str(entry[resource.identity]).lower()
                if entry.get('state', 'present') == 'absent':
                    present.discard(key)
                else:
                    present.add(key)
            declared_names[plural] = present
        problems = []
        for plural, resource in self.kinds.items():
            resource.known = declared_names
            for index, entry in enumerate(self.document.get(plural) or []):
                params = _params(resource, entry)
                current = resource.find(self.current.get(plural), params[resource.identity])
                try:
                    outcome = reconcile(self.client, resource, params, check_mode=True,
                                        current=current, fetched=True)
                except ValidationError as e:
                    problems.append('%s[%d]: %s' % (plural, index, e))
                    continue
                self._add(plural, resource, params, current, outcome)
            if plural in self.prune:
                self._plan_prune(plural, resource)
        problems.extend(self._plan_assets(declared_names.get('feeds')))
        if problems:
            raise StateError('the state document cannot be applied:\n  ' + '\n  '.join(problems), problems)
        return self

    def _plan_assets(self, feeds):
        """Assets come last; each is planned with proget_asset's own logic in check mode."""
        problems = []
        existing = set(str(f.get('name')).lower() for f in self.current.get('feeds', []))
        for index, entry in enumerate(self.document.get('assets') or []):
            params = asset_params(entry)
            name = '%s/%s' % (params['feed'], str(params['path']).strip('/'))
            feed = str(params['feed']).lower()
            if feeds is not None and feed not in feeds:
                problems.append("assets[%d]: asset directory '%s' does not exist and is not declared"
                                % (index, params['feed']))
                continue
            if 'feeds' in self.current and feed not in existing:
                # Its asset directory is created by this document first: everything is new.
                action = 'none' if params['state'] == 'absent' else 'create'
                diff = dict(before={}, after=dict(path=params['path'], state=params['state']))
            else:
                try:
                    result = ensure_asset(self.client, params, check_mode=True)
                except ValidationError as e:
                    problems.append('assets[%d]: %s' % (index, e))
                    continue
                diff = result['diff']
                action = 'none'
                if result['changed']:
                    action = 'delete' if params['state'] == 'absent' else ('update' if diff['before'] else 'create')
            self.steps.append(dict(kind='assets', name=name, action=action, diff=diff, params=params,
                                   changes=_changed_fields(diff) if action == 'update' else {},
                                   current=None, pruned=False, resource=None))
        return problems

    def _plan_prune(self, plural, resource):
        declared = set(str(e[resource.identity]).lower() for e in self.document.get(plural) or [])
        for obj in self.current.get(plural, []):
            ident = resource.ident_of(obj)
            if str(ident).lower() in declared or str(ident).lower() in self.protect:
                continue
            params = _params(resource, {resource.identity: ident, 'state': 'absent'})
            outcome = reconcile(self.client, resource, params, check_mode=True, current=obj, fetched=True)
            self._add(plural, resource, params, obj, outcome, pruned=True)

    def _add(self, plural, resource, params, current, outcome, pruned=False):
        self.steps.append(dict(kind=plural, name=outcome['name'], action=outcome['action'],
                               changes=_changed_fields(outcome['diff']) if outcome['action'] == 'update' else {},
                               diff=outcome['diff'], params=params, current=current, pruned=pruned,
                               resource=resource))

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
        counts = dict(create=0, update=0, delete=0, unchanged=0)
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
        rank = dict((k, i) for i, k in enumerate(ORDER))  # assets last, their deletions first
        forward = [s for s in self.steps if s['action'] in ('create', 'update')]
        backward = [s for s in self.steps if s['action'] == 'delete']
        forward.sort(key=lambda s: rank[s['kind']])
        backward.sort(key=lambda s: -rank[s['kind']])
        return forward + backward

    def apply(self):
        """Send the writes in dependency order; stop at the first failure and report."""
        applied, pending = [], self.ordered_writes()
        while pending:
            step = pending[0]
            try:
                if step['kind'] == 'assets':
                    ensure_asset(self.client, step['params'], check_mode=False)
                else:
                    reconcile(self.client, step['resource'], step['params'], check_mode=False,
                              current=step['current'], fetched=True)
            except (ProGetError, ValidationError) as e:
                report = dict(applied=[self.public(s, 'applied') for s in applied],
                              failed_object=dict(self.public(step, 'failed'), error=str(e)),
                              not_applied=[self.public(s, 'not applied') for s in pending[1:]])
                raise StateError('%s %s: %s (applied %d of %d changes; %d not applied)'
                                 % (step['kind'], step['name'], e, len(applied), len(applied) + len(pending),
                                    len(pending) - 1), report=report)
            applied.append(pending.pop(0))
        return [self.public(s, 'applied') for s in applied]


def export(client):
    """The live server as a state document (secrets left out) and the list of what was left out."""
    document, omitted = {}, []
    for plural, resource in kinds().items():
        entries = []
        for index, obj in enumerate(sorted(resource.list(client), key=lambda o: str(resource.ident_of(o)).lower())):
            view = dict((k, v) for k, v in resource.view(obj).items() if v is not None)
            for name, field in resource.fields.items():
                if field.write_only or field.no_log:
                    omitted.append('%s[%d].%s' % (plural, index, name))
            entries.append(view)
        document[plural] = entries
    return document, omitted
