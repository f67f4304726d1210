"""Unit tests of the security kinds (module_utils/security.py) and of what proget_state's Plan does
with them (module_utils/state.py): the administrator guards, not_managed, administrators(),
GroupResource's members_mode, a permission's identity, the DELETE -> POST fallback.

The real ProGetClient against the in-process sim (fixture ``proget``, tests/unit/conftest.py); what
was written comes from the sim's request log.
"""
import pytest
from progetsim.inprocess import SimAdapter, writes

from ansible_collections.cac.proget.plugins.module_utils.client import ProGetClient, ProGetError
from ansible_collections.cac.proget.plugins.module_utils.engine import ValidationError, reconcile
from ansible_collections.cac.proget.plugins.module_utils.security import (
    ADMIN_GROUP, ADMIN_USER, BUILTIN_TASKS, GroupResource, PermissionResource, TaskResource, UserResource,
    administrators)
from ansible_collections.cac.proget.plugins.module_utils.state import Plan, StateError

S = 'api/security/'
ADMIN_PERMISSION = {'group': ADMIN_GROUP, 'task': 'Administer'}


@pytest.fixture
def basic(proget):
    """The ``proget`` client on a sim of ProGet Basic (the Security API works), request log empty."""
    proget.sim.config['edition'] = 'basic'
    return proget


def as_user(proget, name, password):
    """A second client on the same in-process sim that connects as a user (username/password)."""
    client = ProGetClient('http://sim.invalid', username=name, password=password, backoff=0)
    adapter = SimAdapter(proget.sim)
    client.session.mount('http://', adapter)
    client.session.mount('https://', adapter)
    client.sim = proget.sim
    return client


def add_user(client, name, password=None, **extra):
    body = dict(extra, name=name)
    if password is not None:
        body['password'] = password
    return client.post_json(S + 'users/add', body)


def add_permission(client, **permission):
    return client.post_json(S + 'permissions/add', dict({'deny': False}, **permission))


def permissions(client):
    return client.get_json(S + 'permissions/list')


# The prune guard (tests/unit/test_prune_guard.py) is turned off here: these tests prune small kinds on purpose.
NO_GUARD = dict(prune_max_percent=100, prune_allow_empty=['users', 'groups', 'tasks', 'permissions'])


def build(client, document, prune=(), prune_protect=()):
    """A built Plan; the sim received no write while building it."""
    client.sim.clear_log()
    plan = Plan(client, document, prune, prune_protect, **NO_GUARD).build()
    assert writes(client.sim) == []
    return plan


def refused(client, document, prune=()):
    """The StateError of a plan that cannot be built; asserts nothing was written."""
    client.sim.clear_log()
    with pytest.raises(StateError) as info:
        Plan(client, document, prune, **NO_GUARD).build()
    assert writes(client.sim) == []
    return info.value


def steps(plan):
    return sorted((s['kind'], s['name'], s['action']) for s in plan.steps)


# -- the administrator guards -------------------------------------------------------------------
def test_plan_refuses_to_leave_no_administrator(basic):
    before = permissions(basic)
    error = refused(basic, {'permissions': [dict(ADMIN_PERMISSION, state='absent')]})
    assert len(error.problems) == 1
    problem = error.problems[0]
    assert 'leaves ProGet without an administrator' in problem and 'today: admin' in problem
    assert 'Admin_ConfigureProGet' in problem
    assert permissions(basic) == before


def test_plan_refuses_pruning_permissions_to_no_administrator(basic):
    add_user(basic, 'alice')
    error = refused(basic, {'permissions': [{'user': 'alice', 'task': 'View & Download Packages'}]},
                    prune=['permissions'])
    assert any('without an administrator' in p for p in error.problems)


def test_plan_refuses_emptying_the_administrators_group(basic):
    error = refused(basic, {'groups': [{'name': ADMIN_GROUP, 'members': []}]})
    assert any('without an administrator' in p for p in error.problems)
    # removing the one member with members_mode remove: the same
    error = refused(basic, {'groups': [{'name': ADMIN_GROUP, 'members': ['ADMIN'], 'members_mode': 'remove'}]})
    assert any('without an administrator' in p for p in error.problems)


def test_plan_that_keeps_another_administrator_is_accepted(basic):
    add_user(basic, 'root-2')
    document = {'permissions': [{'user': 'root-2', 'task': 'Administer'}, dict(ADMIN_PERMISSION, state='absent')]}
    plan = build(basic, document)
    assert steps(plan) == [('permissions', 'group Administrators: Administer on all feeds and the server', 'delete'),
                           ('permissions', 'user root-2: Administer on all feeds and the server', 'create')]
    plan.apply()
    assert administrators(*(basic.get_json(S + k + '/list') for k in ('users', 'groups', 'tasks', 'permissions'))) \
        == {'root-2'}


def test_a_deny_or_a_feed_scope_is_no_replacement_administrator(basic):
    add_user(basic, 'bob')
    basic.post_json('api/management/feeds/create', {'name': 'nf', 'feedType': 'nuget'})
    document = {'permissions': [{'user': 'bob', 'task': 'Manage Feed', 'feed': 'nf'},
                                {'user': 'bob', 'task': 'Administer', 'deny': True},
                                dict(ADMIN_PERMISSION, state='absent')]}
    error = refused(basic, document)
    assert any('without an administrator' in p for p in error.problems)


def test_plan_refuses_a_restriction_that_leaves_no_administrator(basic):
    error = refused(basic, {'permissions': [dict(ADMIN_PERMISSION, deny=True)]})
    assert any('without an administrator' in p for p in error.problems)
    # on one feed only: accepted
    basic.post_json('api/management/feeds/create', {'name': 'nf', 'feedType': 'nuget'})
    build(basic, {'permissions': [dict(ADMIN_PERMISSION, task='Manage Feed', deny=True, feed='nf')]})


def test_plan_refuses_a_restriction_of_the_connecting_user(basic):
    add_user(basic, 'ops', 'ops-Passw0rd')
    basic.post_json(S + 'groups/update', {'name': ADMIN_GROUP, 'users': ['Admin', 'ops']})
    ops = as_user(basic, 'ops', 'ops-Passw0rd')
    error = refused(ops, {'permissions': [{'user': 'ops', 'task': 'Administer', 'deny': True}]})
    assert error.problems == ["security: this plan removes the administer rights of user 'ops', whose credentials "
                              "this run uses; apply that change as another administrator"]
    # taking ops out of the Administrators group: the same
    error = refused(ops, {'groups': [{'name': ADMIN_GROUP, 'members': ['ops'], 'members_mode': 'remove'}]})
    assert "user 'ops'" in error.problems[0]
    # and deleting the task its rights come from (a custom one)
    basic.post_json(S + 'tasks/add', {'name': 'Root', 'attributes': ['Admin_ConfigureProGet']})
    add_permission(basic, user='ops', task='Root')
    basic.post_json(S + 'groups/update', {'name': ADMIN_GROUP, 'users': ['Admin']})
    error = refused(ops, {'tasks': [{'name': 'Root', 'state': 'absent'}]})
    assert "user 'ops'" in error.problems[0]


def test_plan_refuses_to_remove_the_connecting_users_admin_rights(basic):
    add_user(basic, 'ops', 'ops-Passw0rd')
    add_permission(basic, user='ops', task='Administer')
    ops = as_user(basic, 'ops', 'ops-Passw0rd')
    assert ops.user == 'ops'
    document = {'permissions': [{'user': 'OPS', 'task': 'Administer', 'state': 'absent'}]}
    error = refused(ops, document)
    assert error.problems == ["security: this plan removes the administer rights of user 'ops', whose credentials "
                              "this run uses; apply that change as another administrator"]
    # deleting the user itself: the same
    error = refused(ops, {'users': [{'name': 'ops', 'state': 'absent'}]})
    assert any("user 'ops'" in p for p in error.problems)
    # the same plan through a System key (no connecting user): accepted, Admin stays administrator
    assert basic.user is None
    plan = build(basic, document)
    assert [s['action'] for s in plan.steps] == ['delete']
    plan.apply()
    assert not any(p.get('user') == 'ops' for p in permissions(basic))


def test_plan_as_a_user_may_change_other_administrators(basic):
    add_user(basic, 'ops', 'ops-Passw0rd')
    add_user(basic, 'eve')
    add_permission(basic, user='ops', task='Administer')
    add_permission(basic, user='eve', task='Administer')
    ops = as_user(basic, 'ops', 'ops-Passw0rd')
    plan = build(ops, {'permissions': [{'user': 'eve', 'task': 'Administer', 'state': 'absent'}]})
    assert [s['action'] for s in plan.steps] == ['delete']


def test_plan_not_touching_security_lists_no_security_kind(basic):
    plan = build(basic, {'feeds': [{'name': 'f1', 'type': 'npm'}]})
    assert sorted(plan.current) == ['feeds']
    assert plan.not_managed() == []
    assert not any(e['path'].startswith('/api/security') for e in basic.sim.read_log())


def test_plan_touching_one_security_kind_lists_all_four(basic):
    plan = build(basic, {'users': [{'name': 'alice'}]})
    assert {'users', 'groups', 'tasks', 'permissions'} <= set(plan.current)
    assert plan.current['groups'][0]['name'] == ADMIN_GROUP


# -- prune never deletes built-in objects -------------------------------------------------------------
def test_prune_keeps_protected_and_prune_protect(basic):
    for name in ('stray', 'kept'):
        add_user(basic, name)
    basic.post_json(S + 'groups/add', {'name': 'stray-group', 'users': ['stray']})
    basic.post_json(S + 'tasks/add', {'name': 'Stray Task', 'attributes': ['Feeds_ViewFeed']})
    plan = build(basic, {'users': [{'name': 'alice'}], 'permissions': [ADMIN_PERMISSION]},
                 prune=['users', 'groups', 'tasks', 'permissions'], prune_protect=['KEPT'])
    assert steps(plan) == [
        ('groups', 'stray-group', 'delete'),
        ('permissions', 'group Administrators: Administer on all feeds and the server', 'none'),
        ('tasks', 'Stray Task', 'delete'),
        ('users', 'alice', 'create'),
        ('users', 'stray', 'delete'),
    ]
    plan.apply()
    assert sorted(u['name'] for u in basic.get_json(S + 'users/list')) == ['Admin', 'alice', 'kept']
    assert [g['name'] for g in basic.get_json(S + 'groups/list')] == [ADMIN_GROUP]
    assert sorted(t['name'] for t in basic.get_json(S + 'tasks/list')) == sorted(BUILTIN_TASKS)


def test_prune_refuses_to_delete_what_the_document_names(basic):
    """A declared object that names one the plan prunes would lose it (ProGet drops the permissions
    and memberships of a deleted user): refused before any write, created or unchanged alike."""
    add_user(basic, 'stray')
    add_user(basic, 'member')
    basic.post_json(S + 'groups/add', {'name': 'devs', 'users': ['member']})
    add_permission(basic, user='member', task='View & Download Packages')
    document = {'users': [{'name': 'alice'}],
                'groups': [{'name': 'devs', 'members': ['member']}],                            # unchanged
                'permissions': [ADMIN_PERMISSION, {'user': 'stray', 'task': 'Publish Packages'},  # new
                                {'user': 'member', 'task': 'View & Download Packages'}]}          # unchanged
    error = refused(basic, document, prune=['users'])
    assert error.problems == [
        "group 'devs': members 'member': prune deletes it (users does not declare it); declare it, or name it in "
        "prune_protect",
        "permission 'user stray: Publish Packages on all feeds and the server': user 'stray': prune deletes it (users "
        "does not declare it); declare it, or name it in prune_protect",
        "permission 'user member: View & Download Packages on all feeds and the server': user 'member': prune deletes "
        "it (users does not declare it); declare it, or name it in prune_protect"]
    # declared, protected, or removed with members_mode remove: fine
    build(basic, document, prune=['users'], prune_protect=['stray', 'member'])
    plan = build(basic, dict(document, users=[{'name': 'stray'}, {'name': 'member'}]), prune=['users'])
    assert [s['action'] for s in plan.steps if s['kind'] == 'users'] == ['none', 'none']
    plan = build(basic, {'groups': [{'name': 'devs', 'members': ['member'], 'members_mode': 'remove'}]},
                 prune=['users'])
    assert sorted((s['kind'], s['name'], s['action']) for s in plan.steps) == [
        ('groups', 'devs', 'update'), ('users', 'member', 'delete'), ('users', 'stray', 'delete')]


# -- not_managed ------------------------------------------------------------------------------------
def test_not_managed_names_the_feed_groups_permissions_use(basic):
    plan = build(basic, {'groups': [{'name': 'devs'}],
                         'permissions': [{'group': 'devs', 'task': 'View & Download Packages', 'feed_group': 'fg1'}]})
    out = plan.not_managed()
    assert any('LDAP/Active Directory' in line for line in out)
    assert any(line.startswith('feed groups') for line in out)
    assert "feed group 'fg1' (named by permissions; it must exist in ProGet)" in out
    # one already on the server is named too (once), also when the document does not name it
    plan.apply()
    plan = build(basic, {'users': [{'name': 'alice'}]})
    assert [line for line in plan.not_managed() if 'fg1' in line] == [
        "feed group 'fg1' (named by permissions; it must exist in ProGet)"]


# -- administrators() ---------------------------------------------------------------------------------
TASKS = [{'name': 'Administer', 'attributes': ['Admin_ConfigureProGet', 'Feeds_ViewFeed']},
         {'name': 'Root', 'attributes': ['admin_configureproget']},
         {'name': 'Manage Feed', 'attributes': ['Admin_ManageFeed']}]
USERS = [{'name': 'Admin'}, {'name': 'Alice'}, {'name': 'bob'}]
GROUPS = [{'name': 'Administrators', 'users': ['Admin']}, {'name': 'Empty', 'users': []},
          {'name': 'Ops', 'users': ['alice', 'ghost']}]


def perm(**kw):
    return dict({'deny': False}, **kw)


@pytest.mark.parametrize('permission, expected', [
    (perm(group='Administrators', task='Administer'), {'admin'}),
    (perm(group='administrators', task='administer'), {'admin'}),          # names ignore case
    (perm(user='bob', task='Root'), {'bob'}),                              # a custom task with the attribute
    (perm(user='bob', task='Manage Feed'), set()),                         # a task without it
    (perm(user='bob', task='Administer', deny=True), set()),              # a restriction
    (perm(user='bob', task='Administer', feed='nf'), set()),               # feed-scoped
    (perm(user='bob', task='Administer', feedGroup='fg'), set()),          # feed-group-scoped
    (perm(group='Empty', task='Administer'), set()),                       # a group with no members
    (perm(group='Nobody', task='Administer'), set()),                      # a group that does not exist
    (perm(user='deleted', task='Administer'), set()),                      # a user that does not exist
    (perm(user='Anonymous', task='Administer'), set()),                    # a virtual user is no one
    (perm(group='Ops', task='Administer'), {'alice'}),                     # members that exist only
    (perm(user='bob', task='Unknown Task'), set()),
])
def test_administrators(permission, expected):
    assert administrators(USERS, GROUPS, TASKS, [permission]) == expected


@pytest.mark.parametrize('extra, expected', [
    # a restriction of the same rank (both group, global) comes first: no administrator left
    ([perm(group='Administrators', task='Administer', deny=True)], set()),
    # of another task that holds the attribute: the same
    ([perm(group='Administrators', task='Root', deny=True)], set()),
    # the user's own restriction comes before its group's permission
    ([perm(user='admin', task='Administer', deny=True)], set()),
    # the user's own permission comes before its group's restriction
    ([perm(user='Admin', task='Root'), perm(group='Administrators', task='Administer', deny=True)], {'admin'}),
    # a restriction on a feed, or of a task without the attribute, takes nothing global away
    ([perm(group='Administrators', task='Administer', deny=True, feed='nf')], {'admin'}),
    ([perm(group='Administrators', task='Manage Feed', deny=True)], {'admin'}),
    # Everyone and Authenticated: every user; a user's own restriction still comes first
    ([perm(user='Everyone', task='Administer')], {'admin', 'alice', 'bob'}),
    ([perm(group='Authenticated', task='Root'), perm(user='bob', task='Root', deny=True)], {'admin', 'alice'}),
    ([perm(user='Everyone', task='Administer', deny=True)], set()),
    # a restriction for Anonymous concerns requests without credentials only
    ([perm(user='Anonymous', task='Administer', deny=True)], {'admin'}),
])
def test_administrators_resolve_restrictions(extra, expected):
    ps = [perm(group='Administrators', task='Administer')] + extra
    assert administrators(USERS, GROUPS, TASKS, ps) == expected


@pytest.mark.parametrize('extra', [
    [],
    [perm(group='Administrators', task='Administer', deny=True)],
    [perm(user='Admin', task='Administer', deny=True), perm(user='alice', task='Root')],
    [perm(user='Admin', task='Root'), perm(group='Administrators', task='Administer', deny=True)],
    [perm(group='Administrators', task='Manage Feed', deny=True, feed='nf')],
    [perm(user='Everyone', task='Administer'), perm(user='bob', task='Root', deny=True)],
    [perm(user='Authenticated', task='Root'), perm(group='Ops', task='Administer', deny=True)],
    [perm(group='Ops', task='Administer'), perm(group='Empty', task='Administer')],
])
def test_administrators_agree_with_the_server(basic, extra):
    """administrators() names exactly the users the server lets use the Security API."""
    basic.post_json('api/management/feeds/create', {'name': 'nf', 'feedType': 'nuget'})
    basic.post_json(S + 'users/update', {'name': 'Admin', 'password': 'pw-Admin'})
    for name in ('alice', 'bob'):
        add_user(basic, name, 'pw-' + name)
    basic.post_json(S + 'groups/add', {'name': 'Ops', 'users': ['alice']})
    basic.post_json(S + 'groups/add', {'name': 'Empty'})
    basic.post_json(S + 'tasks/add', {'name': 'Root', 'attributes': ['Admin_ConfigureProGet']})
    for p in extra:
        add_permission(basic, **p)
    expected = administrators(*(basic.get_json(S + k + '/list') for k in ('users', 'groups', 'tasks', 'permissions')))
    allowed = set()
    for name in ('Admin', 'alice', 'bob'):
        try:
            as_user(basic, name, 'pw-' + name).get_json(S + 'users/list')
            allowed.add(name.lower())
        except ProGetError as e:
            assert e.status == 403
    assert expected == allowed


def test_administrators_union_and_deny_elsewhere():
    ps = [perm(group='Administrators', task='Administer'), perm(user='bob', task='Root'),
          perm(user='alice', task='Administer', deny=True)]
    # a restriction does not take away what another permission gives (only resolution would):
    # administrators() counts the grants
    assert administrators(USERS, GROUPS, TASKS, ps) == {'admin', 'bob'}
    assert administrators(USERS, GROUPS, [], ps) == set()
    assert administrators([], GROUPS, TASKS, ps) == set()


# -- GroupResource.changes and members_mode --------------------------------------------------------
CURRENT_GROUP = {'name': 'devs', 'users': ['Alice', 'bob']}


def group_params(members, mode=None):
    params = {'name': 'devs', 'state': 'present', 'members': members}
    if mode:
        params['members_mode'] = mode
    return params


@pytest.mark.parametrize('members, mode, expected', [
    (['alice', 'carol'], 'replace', {'users': ['alice', 'carol']}),
    (['BOB', 'alice'], 'replace', {}),                             # same names, other case and order
    (['bob', 'alice'], None, {}),                                  # replace is the default
    ([], 'replace', {'users': []}),
    (['carol', 'ALICE'], 'add', {'users': ['Alice', 'bob', 'carol']}),
    (['alice'], 'add', {}),
    ([], 'add', {}),
    (['ALICE'], 'remove', {'users': ['bob']}),
    (['carol'], 'remove', {}),
    (['alice', 'bob'], 'remove', {'users': []}),
])
def test_group_changes_members_mode(members, mode, expected):
    assert GroupResource().changes(group_params(members, mode), dict(CURRENT_GROUP)) == expected


def test_group_changes_on_create_and_without_members():
    group = GroupResource()
    assert group.changes(group_params(['a', 'b'], 'add'), None) == {'users': ['a', 'b']}
    assert group.changes(group_params(['a'], 'remove'), None) == {'users': []}
    assert group.changes(group_params(None, 'add'), dict(CURRENT_GROUP)) == {}


def test_group_members_mode_add_and_remove_write_the_merged_list(basic):
    for name in ('alice', 'bob', 'carol'):
        add_user(basic, name)
    basic.post_json(S + 'groups/add', {'name': 'devs', 'users': ['alice', 'bob']})
    group = GroupResource()
    basic.sim.clear_log()
    outcome = reconcile(basic, group, dict(group_params(['carol'], 'add'), members_mode='add'))
    assert outcome['action'] == 'update'
    assert writes(basic.sim) == [('POST', '/api/security/groups/update',
                                  {'name': 'devs', 'users': ['alice', 'bob', 'carol']})]
    basic.sim.clear_log()
    reconcile(basic, group, group_params(['ALICE'], 'remove'))
    assert writes(basic.sim) == [('POST', '/api/security/groups/update', {'name': 'devs', 'users': ['bob', 'carol']})]
    assert basic.sim.store.find('group', 'devs')['users'] == ['bob', 'carol']


def test_a_virtual_user_is_no_group_member(basic):
    """Anonymous, Everyone and Authenticated name principals of permissions only: refused as members
    before any write (ProGet answers 400 for a member that is not a user of the directory)."""
    error = refused(basic, {'groups': [{'name': 'devs', 'members': ['Admin', 'everyone', 'Anonymous']}]})
    assert error.problems == ["groups[0]: group 'devs': members: 'everyone', 'Anonymous' are ProGet's virtual "
                              "principals (Anonymous, Everyone, Authenticated), which no group can hold; give them a "
                              "permission instead (cac.proget.proget_permission)"]
    error = refused(basic, {'groups': [{'name': ADMIN_GROUP, 'members': ['Authenticated'], 'members_mode': 'add'}]})
    assert "'Authenticated' is one of ProGet's virtual principals" in error.problems[0]
    # removing one (it cannot be there) or deleting the group is fine; as a permission's user it is valid
    plan = build(basic, {'groups': [{'name': ADMIN_GROUP, 'members': ['Anonymous'], 'members_mode': 'remove'},
                                    {'name': 'devs', 'members': ['Anonymous'], 'state': 'absent'}],
                         'permissions': [{'user': 'Anonymous', 'task': 'View & Download Packages'}]})
    assert steps(plan) == [('groups', 'Administrators', 'none'), ('groups', 'devs', 'none'),
                           ('permissions', 'user Anonymous: View & Download Packages on all feeds and the server',
                            'create')]


# -- PermissionResource: identity ------------------------------------------------------------------
def permission_params(**kw):
    params = dict((name, None) for name in PermissionResource.fields)
    params.update(state='present', deny=False)
    params.update(kw)
    return params


@pytest.mark.parametrize('params, line', [
    (dict(group='devs', task='Readers', feed='nf'), 'group devs: Readers on feed nf'),
    (dict(user='Anonymous', task='Administer', deny=True),
     'deny user Anonymous: Administer on all feeds and the server'),
    (dict(user='alice', task='Publish Packages', feed_group='internal'),
     'user alice: Publish Packages on feed group internal'),
    (dict(group='Administrators', task='Administer'), 'group Administrators: Administer on all feeds and the server'),
])
def test_permission_identity_is_one_line(params, line):
    resource = PermissionResource()
    assert resource.ident_from(permission_params(**params)) == line
    obj = dict((resource.fields[k].api, v) for k, v in permission_params(**params).items() if k in resource.fields)
    obj['id'] = 7
    assert resource.ident_of(obj) == line
    assert resource.label(line) == "permission '%s'" % line


def test_permission_found_by_every_property_ignoring_case():
    resource = PermissionResource()
    live = [{'id': 1, 'group': 'Administrators', 'task': 'Administer', 'deny': False},
            {'id': 2, 'user': 'alice', 'task': 'Administer', 'deny': True},
            {'id': 3, 'user': 'alice', 'task': 'Administer', 'feed': 'nf', 'deny': False}]

    def find(**kw):
        return (resource.find(live, resource.ident_from(permission_params(**kw))) or {}).get('id')

    assert find(group='administrators', task='ADMINISTER') == 1
    assert find(user='ALICE', task='administer', deny=True) == 2
    assert find(user='alice', task='Administer', feed='NF') == 3
    assert find(user='alice', task='Administer') is None             # the deny one is another permission
    assert find(group='alice', task='Administer', deny=True) is None  # a group is not a user


def test_permission_found_is_never_updated():
    resource = PermissionResource()
    current = {'id': 1, 'group': 'Administrators', 'task': 'Administer', 'deny': False}
    assert resource.changes(permission_params(group='ADMINISTRATORS', task='administer'), current) == {}
    assert resource.changes(permission_params(user='bob', task='Administer', feed='nf'), None) == {
        'user': 'bob', 'task': 'Administer', 'feed': 'nf', 'deny': False}


@pytest.mark.parametrize('params, words', [
    (dict(user='a', group='g', task='Administer'), 'set exactly one of user and group'),
    (dict(task='Administer'), 'set exactly one of user and group'),
    (dict(user='a', task='Publish Packages', feed='f', feed_group='fg'), 'set feed or feed_group, not both'),
])
def test_permission_validation(params, words):
    with pytest.raises(ValidationError) as info:
        PermissionResource().validate(permission_params(**params), None)
    assert words in str(info.value)


# -- the Security API's delete: DELETE, or POST after a 405 --------------------------------------------
@pytest.mark.parametrize('verb', ['DELETE', 'POST'])
def test_delete_takes_post_after_405(basic, verb):
    basic.sim.config['security_delete_verb'] = verb
    add_user(basic, 'alice')
    basic.post_json(S + 'groups/add', {'name': 'devs'})
    basic.post_json(S + 'tasks/add', {'name': 'Readers', 'attributes': ['Feeds_ViewFeed']})
    pid = add_permission(basic, group='devs', task='Readers')['id']
    basic.sim.clear_log()
    for resource, params in ((PermissionResource(), permission_params(group='devs', task='Readers', state='absent')),
                             (TaskResource(), {'name': 'Readers', 'state': 'absent'}),
                             (GroupResource(), {'name': 'devs', 'state': 'absent'}),
                             (UserResource(), {'name': 'alice', 'state': 'absent'})):
        assert reconcile(basic, resource, params)['action'] == 'delete'
    sent = [(e['method'], e['path'], e['query'], e['status']) for e in basic.sim.read_log() if e['method'] != 'GET']
    expected = []
    for path, query in (('permissions', 'permissionId=%d' % pid), ('tasks', 'task=Readers'), ('groups', 'group=devs'),
                        ('users', 'user=alice')):
        if verb == 'POST':
            expected.append(('DELETE', '/api/security/%s/delete' % path, query, 405))
        expected.append((verb, '/api/security/%s/delete' % path, query, 200))
    assert sent == expected
    store = basic.sim.store
    assert [store.find(k, n) for k, n in (('user', 'alice'), ('group', 'devs'), ('task', 'Readers'))] == [None] * 3
    assert permissions(basic) == [{'id': 1, 'group': ADMIN_GROUP, 'task': 'Administer', 'deny': False}]


def test_other_delete_errors_are_not_retried(basic):
    basic.sim.config['security_delete_verb'] = 'POST'
    basic.sim.config['edition'] = 'free'
    api = UserResource.api
    basic.sim.clear_log()
    with pytest.raises(ProGetError) as info:
        api.delete(basic, UserResource(), 'alice', {'name': 'alice'})
    # the 405 is retried with POST; the 403 of ProGet Free is not retried again
    assert [(e['method'], e['status']) for e in basic.sim.read_log()] == [('DELETE', 405), ('POST', 403)]
    assert info.value.status == 403


def test_protected_objects_are_refused_before_any_write(basic):
    builtin = ((UserResource(), ADMIN_USER), (GroupResource(), ADMIN_GROUP), (TaskResource(), 'Administer'))
    for resource, name in builtin:
        basic.sim.clear_log()
        with pytest.raises(ValidationError) as info:
            reconcile(basic, resource, {'name': name.lower(), 'state': 'absent'})
        assert 'built into ProGet and is never deleted' in str(info.value)
        assert writes(basic.sim) == []
