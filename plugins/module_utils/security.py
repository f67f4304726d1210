# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Users, groups, tasks and permissions: the Security API, /api/security (proget-api.md section 9.3).

Paid editions only (ProGet Free answers 403; the client's message names the edition). Every kind
is listed (``<kind>/list``) and matched by name; there is no get-one endpoint. Writes are
``POST <kind>/add`` and ``POST <kind>/update`` (the name in the body) and ``DELETE
<kind>/delete?<kind>=<name>`` (pgutil sends POST: a 405 is retried with POST). A permission has
only a server id: it is matched on all of its properties, so it is added or deleted, never updated.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cac.proget.plugins.module_utils.client import ProGetError
from ansible_collections.cac.proget.plugins.module_utils.engine import Resource, keep_first
from ansible_collections.cac.proget.plugins.module_utils.fields import Field, ValidationError, lower, name_set

# docs administration-security/#.md "Virtual Privilege Assignments": principals that exist
# without being users of the directory.
VIRTUAL_USERS = ('Anonymous', 'Everyone', 'Authenticated')
# The built-in directory's administrator and its group (docs administration-security/#.md).
ADMIN_USER = 'Admin'
ADMIN_GROUP = 'Administrators'
# docs administration-security/#.md (and tasks/list.md's example output for Manage Projects).
BUILTIN_TASKS = ('Administer', 'Manage Feed', 'Manage Projects', 'Promote Packages', 'Publish Packages',
                 'View & Download Packages')
ADMIN_ATTRIBUTE = 'Admin_ConfigureProGet'
# What ProGet's API does not manage (named in the docs and the drift report).
NOT_MANAGED = ('LDAP/Active Directory and SAML user directories (Administration > Security > User Directories)',
               'feed groups (Administration > Feed Groups); permissions can still name one with feed_group')


def _same(a, b):
    return a is not None and b is not None and str(a).lower() == str(b).lower()


class SecurityApi:
    """``<base>/list``, ``<base>/add``, ``<base>/update``, ``DELETE <base>/delete?<param>=``."""

    def __init__(self, base, delete_param):
        self.base = base
        self.delete_param = delete_param

    def list(self, client, kind):
        return client.get_json(self.base + '/list') or []

    def get(self, client, kind, ident):
        return kind.find(self.list(client, kind), ident)

    def create(self, client, kind, payload):
        return client.post_json(self.base + '/add', payload)

    def update(self, client, kind, ident, payload, current):
        return client.post_json(self.base + '/update', dict(payload, name=current['name']))

    def delete(self, client, kind, ident, current):
        params = {self.delete_param: current['id' if self.delete_param == 'permissionId' else 'name']}
        try:
            client.request('DELETE', self.base + '/delete', params=params, missing_ok=True)
        except ProGetError as e:
            if e.status != 405:   # docs: DELETE; pgutil ProGetClient.cs: POST
                raise
            client.request('POST', self.base + '/delete', params=params, missing_ok=True)


class UserResource(Resource):
    """A user of ProGet's built-in directory. Group membership is declared on the groups."""
    name = 'user'
    plural = 'users'
    api = SecurityApi('api/security/users', 'user')
    implicit = VIRTUAL_USERS
    protected = (ADMIN_USER,)
    fields = dict(
        display_name=Field(),
        email=Field(),
        password=Field(no_log=True, write_only=True),
    )
    extra_options = dict(update_password=dict(type='str', default='on_create', choices=['on_create', 'always'],
                                              no_log=False))

    def forces_write_only(self, params):
        return params.get('update_password') == 'always'


class GroupResource(Resource):
    """A group of the built-in directory: its members. ProGet's update replaces the member list,
    so ``members_mode`` add/remove read the list first and write the merged one."""
    name = 'group'
    plural = 'groups'
    api = SecurityApi('api/security/groups', 'group')
    fields = dict(members=Field('users', type='list', elements='str', normalize=name_set, refers_to='users'))
    protected = (ADMIN_GROUP,)
    extra_options = dict(members_mode=dict(type='str', default='replace', choices=['replace', 'add', 'remove']))

    def validate(self, params, current):
        # The virtual users exist for permissions only (UserResource.implicit): no group holds them.
        if params.get('state') == 'absent' or params.get('members_mode') == 'remove':
            return
        virtual = [m for m in params.get('members') or [] if any(_same(m, v) for v in VIRTUAL_USERS)]
        if virtual:
            raise ValidationError("group '%s': members: %s %s ProGet's virtual principals (%s), which no group can "
                                  'hold; give them a permission instead (cac.proget.proget_permission)' % (
                                      params['name'], ', '.join("'%s'" % m for m in virtual),
                                      'is one of' if len(virtual) == 1 else 'are', ', '.join(VIRTUAL_USERS)))

    def changes(self, params, current, force_write_only=False):
        mode, wanted = params.get('members_mode') or 'replace', params.get('members')
        if wanted is not None and mode != 'replace':
            have = list((current or {}).get('users') or [])
            if mode == 'add':
                wanted = have + [m for m in wanted if not any(_same(m, h) for h in have)]
            else:
                wanted = [h for h in have if not any(_same(m, h) for m in wanted)]
            params = dict(params, members=wanted)
        return super(GroupResource, self).changes(params, current, force_write_only)


class TaskResource(Resource):
    """A task: a named set of task attributes (docs administration-security/creating-tasks.md)."""
    name = 'task'
    plural = 'tasks'
    api = SecurityApi('api/security/tasks', 'task')
    protected = BUILTIN_TASKS   # docs creating-tasks.md: ProGet tells built-in tasks by their name
    fields = dict(
        description=Field(),
        attributes=Field(type='list', elements='str', normalize=name_set, required_on_create=True),
    )

    def __init__(self):
        self._known = None   # the server's task attributes, listed once per run

    def validate(self, params, current):
        if params.get('attributes') == [] and params.get('state') != 'absent':
            raise ValidationError("task '%s': attributes must name at least one task attribute" % params['name'])

    def attributes(self, client):
        if self._known is None:
            self._known = dict((a['name'].lower(), a) for a in client.get_json('api/security/attributes/list') or [])
        return self._known

    def preflight(self, client, params, changes, current):
        wanted = changes.get('attributes')
        if not wanted:
            return
        known = self.attributes(client)
        unknown = [a for a in wanted if str(a).lower() not in known]
        if unknown:
            raise ValidationError("task '%s': attributes %s %s not known to this ProGet; it knows: %s" % (
                params['name'], ', '.join("'%s'" % a for a in unknown), 'is' if len(unknown) == 1 else 'are',
                ', '.join(sorted(a['name'] for a in known.values()))))

    def update_payload(self, params, changes, current):
        # tasks/update requires the attributes (SecurityTask.cs: required): the current ones if unchanged
        return dict(changes, attributes=changes.get('attributes') or current.get('attributes') or [])


class PermissionResource(Resource):
    """A permission or restriction: who (a user or a group) may (or, with ``deny``, may not) do a
    task, on a feed, a feed group or everywhere. All of that is its identity: ProGet keeps only a
    server id, so a permission is found by matching every property, and is added or deleted."""
    name = 'permission'
    plural = 'permissions'
    identity = None
    api = SecurityApi('api/security/permissions', 'permissionId')
    replace_on_change = True
    fields = dict(
        user=Field(normalize=lower, refers_to='users'),
        group=Field(normalize=lower, refers_to='groups'),
        task=Field(normalize=lower, refers_to='tasks'),
        feed=Field(normalize=lower, refers_to='feeds'),
        feed_group=Field(normalize=lower),
        deny=Field(type='bool', sub_default=False),
    )

    def __init__(self):
        self._tasks = None

    def create(self, client, payload):
        # ProGet adds the same permission twice if asked (runs at the same time): one stays
        return keep_first(self, client, super(PermissionResource, self).create(client, payload))

    def argument_spec(self):
        spec = dict((name, field.argument_spec()) for name, field in self.fields.items())
        spec['task']['required'] = True
        spec['state'] = dict(type='str', default='present', choices=['present', 'absent'])
        return spec

    def ident_from(self, params):
        return self.describe(dict((self.fields[k].api, params.get(k)) for k in self.fields))

    def ident_of(self, obj):
        return self.describe(obj)

    def params_of(self, obj):
        return dict((name, obj.get(field.api)) for name, field in self.fields.items())

    @staticmethod
    def describe(obj):
        """One line that names a permission: ``group Developers: Publish Packages on feed nuget``."""
        who = 'user %s' % obj['user'] if obj.get('user') else 'group %s' % obj.get('group')
        where = ('feed %s' % obj['feed'] if obj.get('feed') else
                 'feed group %s' % obj['feedGroup'] if obj.get('feedGroup') else 'all feeds and the server')
        return '%s%s: %s on %s' % ('deny ' if obj.get('deny') else '', who, obj.get('task'), where)

    def label(self, ident):
        return "permission '%s'" % ident

    def validate(self, params, current):
        ident = self.ident_from(params)
        if bool(params.get('user')) == bool(params.get('group')):
            raise ValidationError("permission '%s': set exactly one of user and group" % ident)
        if params.get('feed') and params.get('feed_group'):
            raise ValidationError("permission '%s': set feed or feed_group, not both (neither = every feed and "
                                  "the server)" % ident)
        if not params.get('task'):
            raise ValidationError("permission '%s': task is required" % ident)

    def preflight(self, client, params, changes, current):
        """A task can be scoped to a feed or feed group only when all its attributes can (docs
        administration-security/creating-tasks.md); checked for a task already on the server."""
        if not (params.get('feed') or params.get('feed_group')):
            return
        if self._tasks is None:   # listed once per run
            self._tasks = TaskResource()
            self._tasks.listed_tasks = self._tasks.list(client)
        task = self._tasks.find(self._tasks.listed_tasks, params['task'])
        if task is None:
            return   # declared in the same document: ProGet checks it
        scopable = dict((a['name'].lower(), a.get('feedScoped')) for a in self._tasks.attributes(client).values())
        fixed = [a for a in task.get('attributes') or [] if not scopable.get(str(a).lower(), True)]
        if fixed:
            raise ValidationError("%s: task '%s' cannot be scoped to a feed or feed group: its attributes %s apply "
                                  'to the whole server; grant it without feed and feed_group, or use a task whose '
                                  'attributes are all feed-scoped' % (self.label(self.ident_from(params)),
                                                                      task['name'], ', '.join(fixed)))

    def changes(self, params, current, force_write_only=False):
        if current is not None:
            return {}   # every property is identity: a permission found is the one declared
        return dict((field.api, params.get(name) if name != 'deny' else bool(params.get(name)))
                    for name, field in self.fields.items() if params.get(name) or name == 'deny')

    def create_payload(self, params, desired):
        return dict(desired)

    def view(self, obj, params=None):
        if obj is None:
            return {}
        return dict((name, obj.get(field.api) if name != 'deny' else bool(obj.get('deny')))
                    for name, field in self.fields.items() if obj.get(field.api) is not None or name == 'deny')

    def diff_view(self, obj, params, written_secrets=()):
        return self.view(obj)

    def export_entry(self, obj):
        entry = self.view(obj)
        if not entry.get('deny'):
            entry.pop('deny', None)
        return entry, []


SECURITY_KINDS = ('users', 'groups', 'tasks', 'permissions')


def administrators(users, groups, tasks, permissions):
    """Lower-case names of the existing users that may configure ProGet (a task holding
    Admin_ConfigureProGet, such as Administer, everywhere), from the objects as listed (what proget_state
    checks a plan against). Resolved as ProGet does (docs administration-security/#.md, "Specific
    Algorithm"): of the global permissions and restrictions of such tasks that apply to a user (its
    own, its groups', Everyone's and Authenticated's), the user's own come before the others and a
    restriction before a permission; the first decides. Feed-scoped ones never decide a global right."""
    admin_tasks = set(t['name'].lower() for t in tasks
                      if any(_same(a, ADMIN_ATTRIBUTE) for a in t.get('attributes') or []))
    members = dict((g['name'].lower(), set(u.lower() for u in g.get('users') or [])) for g in groups)
    catch_all = ('everyone', 'authenticated')   # every signed-in user (VIRTUAL_USERS)
    rules = []   # (principal, is a user, deny)
    for p in permissions:
        if p.get('feed') or p.get('feedGroup') or str(p.get('task')).lower() not in admin_tasks:
            continue
        rules.append((str(p.get('user') or p.get('group')).lower(), bool(p.get('user')), bool(p.get('deny'))))
    out = set()
    for name in set(u['name'].lower() for u in users):
        applying = [(0 if is_user and who == name else 1, 0 if deny else 1) for who, is_user, deny in rules
                    if (is_user and who == name) or who in catch_all or (not is_user and name in members.get(who, ()))]
        if applying and min(applying)[1] == 1:
            out.add(name)
    return out
