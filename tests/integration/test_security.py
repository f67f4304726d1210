"""Users, groups, tasks and permissions through real ansible-playbook runs: proget_user, proget_group,
proget_task, proget_permission, their _info modules, and proget_state / proget_state_info with the
security kinds; ProGet Free (no Security API), Basic and Enterprise; a Feed key.

Assertions are made on the sim's state (its Security API, read with the System key) and its request
log. The module's sim is ProGet Free (the sim's default); fixture ``basic`` switches it to Basic for
one test (the next test's reset restores Free).
"""
import json
import os

import pytest

from harness import ROOT

S = 'api/security/'
PASSWORD = 'Planted-User-PW-4711'
ADMINS = {'group': 'Administrators', 'task': 'Administer', 'deny': False}
BUILTIN_TASKS = ['Administer', 'Manage Feed', 'Manage Projects', 'Promote Packages', 'Publish Packages',
                 'View & Download Packages']
FREE_WORDS = ('ProGet Free', 'Administration > Manage Security', 'ProGet Basic or Enterprise')
PLAN_FILE = os.path.join(ROOT, 'build', 'security-permission-plan.txt')

USER_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: user
      cac.proget.proget_user:
        name: "{{ u_name | default('alice') }}"
        display_name: "{{ u_display | default(omit) }}"
        email: "{{ u_email | default(omit) }}"
        user_password: "{{ u_password | default(omit) }}"
        update_password: "{{ u_update_password | default(omit) }}"
        state: "{{ u_state | default('present') }}"
'''

GROUP_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: group
      cac.proget.proget_group:
        name: "{{ g_name | default('devs') }}"
        members: "{{ g_members | default(omit) }}"
        members_mode: "{{ g_mode | default(omit) }}"
        state: "{{ g_state | default('present') }}"
'''

TASK_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: task
      cac.proget.proget_task:
        name: "{{ t_name | default('Readers') }}"
        description: "{{ t_description | default(omit) }}"
        attributes: "{{ t_attributes | default(omit) }}"
        state: "{{ t_state | default('present') }}"
'''

PERMISSION_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: permission
      cac.proget.proget_permission:
        user: "{{ p_user | default(omit) }}"
        group: "{{ p_group | default(omit) }}"
        task: "{{ p_task | default('Publish Packages') }}"
        feed: "{{ p_feed | default(omit) }}"
        feed_group: "{{ p_feed_group | default(omit) }}"
        deny: "{{ p_deny | default(omit) }}"
        state: "{{ p_state | default('present') }}"
'''

INFO_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - {name: users, cac.proget.proget_user_info: {}}
    - {name: user alice, cac.proget.proget_user_info: {name: ALICE}}
    - {name: user nobody, cac.proget.proget_user_info: {name: nobody}}
    - {name: groups, cac.proget.proget_group_info: {}}
    - {name: group devs, cac.proget.proget_group_info: {name: Devs}}
    - {name: tasks, cac.proget.proget_task_info: {}}
    - {name: task readers, cac.proget.proget_task_info: {name: readers, attributes: true}}
    - {name: permissions, cac.proget.proget_permission_info: {}}
    - {name: permissions of devs, cac.proget.proget_permission_info: {group: DEVS}}
    - {name: permissions on nf, cac.proget.proget_permission_info: {feed: nf, task: readers}}
    - {name: permissions of alice, cac.proget.proget_permission_info: {user: alice}}
'''

KINDS = ('connectors', 'feeds', 'users', 'groups', 'tasks', 'permissions', 'licenses', 'api_keys', 'settings', 'assets')
STATE_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: state
      cac.proget.proget_state:
%s        prune: "{{ doc.prune | default([]) }}"
        prune_protect: "{{ doc.prune_protect | default([]) }}"
        prune_allow_empty: "{{ doc.prune_allow_empty | default([]) }}"
''' % ''.join('        %s: "{{ doc.%s | default(omit) }}"\n' % (k, k) for k in KINDS)

EXPORT_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: export
      cac.proget.proget_state_info: {}
'''

FREE_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - {name: proget_user, cac.proget.proget_user: {name: alice}, ignore_errors: true}
    - {name: proget_group, cac.proget.proget_group: {name: devs, members: []}, ignore_errors: true}
    - {name: proget_task, cac.proget.proget_task: {name: Readers, attributes: [Feeds_ViewFeed]}, ignore_errors: true}
    - name: proget_permission
      cac.proget.proget_permission: {user: Anonymous, task: View & Download Packages}
      ignore_errors: true
    - {name: proget_user_info, cac.proget.proget_user_info: {}, ignore_errors: true}
    - {name: proget_group_info, cac.proget.proget_group_info: {}, ignore_errors: true}
    - {name: proget_task_info, cac.proget.proget_task_info: {}, ignore_errors: true}
    - {name: proget_permission_info, cac.proget.proget_permission_info: {}, ignore_errors: true}
'''


# -- helpers -----------------------------------------------------------------------------------------
@pytest.fixture
def basic(sim):
    """The module's sim as ProGet Basic (reset, empty log)."""
    sim.config(edition='basic')
    return sim


def listed(sim, kind):
    return sim.api('GET', S + kind + '/list', expect=200).json()


def named(sim, kind, name):
    found = [o for o in listed(sim, kind) if o['name'].lower() == name.lower()]
    return found[0] if found else None


def permission_set(sim):
    """The permissions on the server, without their ids."""
    return sorted(json.dumps(dict((k, v) for k, v in p.items() if k != 'id'), sort_keys=True)
                  for p in listed(sim, 'permissions'))


def perm(**kw):
    return json.dumps(dict({'deny': False}, **kw), sort_keys=True)


def who(sim, key):
    """The principal the sim resolves ``key`` (``user:password``) to: ``pseudo-key:<user>`` if the
    password is the user's, ``Invalid`` otherwise."""
    sim.clear_log()
    sim.api('GET', S + 'users/list', key=key)
    return sim.log()[-1]['principal']


def sent(sim):
    """(method, path) of every request the sim received since the log was cleared that is not a read
    (whether or not it changed anything)."""
    return [(e['method'], e['path']) for e in sim.log() if e['method'] not in ('GET', 'HEAD')]


def requests_made(sim):
    return [(e['method'], e['path']) for e in sim.log()]


def create_feed(sim, name='nf', feed_type='nuget'):
    sim.api('POST', 'api/management/feeds/create', json={'name': name, 'feedType': feed_type}, expect=(200, 201))


def add(sim, kind, **body):
    return sim.api('POST', S + kind + '/add', json=body, expect=200).json()


def failed(result, name):
    task = result.task(name)
    assert task['failed'], task
    return task['result']['msg']


def assert_no_secret(result, *secrets):
    text = result.stdout + result.stderr + json.dumps(result.results)
    for secret in secrets:
        assert secret not in text


# -- 1. proget_user ------------------------------------------------------------------------------------
def test_user_lifecycle_password_check_diff_delete(basic, run_play):
    sim = basic
    create = dict(u_display='Alice Example', u_email='alice@example.com', u_password=PASSWORD)

    # check mode: reported, nothing written
    plan = run_play(USER_PLAY, extra_vars=create, check=True, diff=True, verbosity=3)
    task = plan.task('user')
    assert task['changed'] and task['result']['action'] == 'create'
    assert task['diff'] == {'before': {}, 'after': {'name': 'alice', 'display_name': 'Alice Example',
                                                    'email': 'alice@example.com', 'user_password': '<changed>'}}
    assert sent(sim) == [] and named(sim, 'users', 'alice') is None
    assert_no_secret(plan, PASSWORD)

    sim.clear_log()
    first = run_play(USER_PLAY, extra_vars=create, diff=True, verbosity=3)
    task = first.task('user')
    assert task['changed'] and task['result']['action'] == 'create'
    assert task['result']['user'] == {'name': 'alice', 'displayName': 'Alice Example', 'email': 'alice@example.com',
                                      'groups': []}
    assert task['diff']['after']['user_password'] == '<changed>'
    assert sent(sim) == [('POST', '/api/security/users/add')]
    assert named(sim, 'users', 'alice') == task['result']['user']
    assert_no_secret(first, PASSWORD)
    assert '--- before' in first.stdout and '"user_password": "<changed>"' in first.stdout
    # the password was set: the user authenticates with it, not with another
    assert who(sim, 'alice:' + PASSWORD) == 'pseudo-key:alice'
    assert who(sim, 'alice:wrong') == 'Invalid'

    # second run (name in other case, the password on_create): no change, one request, no write
    sim.clear_log()
    second = run_play(USER_PLAY, extra_vars=dict(create, u_name='ALICE'), diff=True, verbosity=3)
    assert second.recap['localhost']['changed'] == 0 and second.task('user')['result']['action'] == 'none'
    assert requests_made(sim) == [('GET', '/api/security/users/list')]
    assert_no_secret(second, PASSWORD)

    # update in check mode, then for real: the diff shows what changes, only that is sent
    sim.clear_log()
    check = run_play(USER_PLAY, extra_vars=dict(u_display='Alice E.', u_email='alice@corp.example'),
                     check=True, diff=True)
    diff = check.task('user')['diff']
    assert diff == {'before': {'name': 'alice', 'display_name': 'Alice Example', 'email': 'alice@example.com'},
                    'after': {'name': 'alice', 'display_name': 'Alice E.', 'email': 'alice@corp.example'}}
    assert sent(sim) == [] and named(sim, 'users', 'alice')['displayName'] == 'Alice Example'
    update = run_play(USER_PLAY, extra_vars=dict(u_display='Alice E.', u_email='alice@corp.example'), diff=True)
    assert update.task('user')['result']['action'] == 'update' and update.task('user')['diff'] == diff
    assert named(sim, 'users', 'alice') == {'name': 'alice', 'displayName': 'Alice E.', 'email': 'alice@corp.example',
                                            'groups': []}
    assert who(sim, 'alice:' + PASSWORD) == 'pseudo-key:alice'   # the password was left alone

    # update_password always: sent on every run, reported as changed, never shown
    rotated = 'rotated-' + PASSWORD
    for _ in range(2):
        sim.clear_log()
        rotate = run_play(USER_PLAY, extra_vars=dict(u_password=rotated, u_update_password='always'),
                          diff=True, verbosity=3)
        task = rotate.task('user')
        assert task['changed'] and task['result']['action'] == 'update'
        assert task['diff'] == {'before': {'name': 'alice', 'user_password': '<write-only>'},
                                'after': {'name': 'alice', 'user_password': '<changed>'}}
        assert sent(sim) == [('POST', '/api/security/users/update')]
        assert_no_secret(rotate, rotated, PASSWORD)
    assert who(sim, 'alice:' + rotated) == 'pseudo-key:alice' and who(sim, 'alice:' + PASSWORD) == 'Invalid'
    # on_create with yet another password: nothing sent
    sim.clear_log()
    kept = run_play(USER_PLAY, extra_vars=dict(u_password='ignored-' + PASSWORD))
    assert not kept.task('user')['changed'] and sent(sim) == []
    assert who(sim, 'alice:' + rotated) == 'pseudo-key:alice'

    # delete (check mode first), then absent stays absent
    sim.clear_log()
    check = run_play(USER_PLAY, extra_vars=dict(u_state='absent'), check=True, diff=True)
    assert check.task('user')['changed'] and check.task('user')['diff']['after'] == {}
    assert sent(sim) == [] and named(sim, 'users', 'alice') is not None
    gone = run_play(USER_PLAY, extra_vars=dict(u_state='absent'))
    assert gone.task('user')['result']['action'] == 'delete' and named(sim, 'users', 'alice') is None
    sim.clear_log()
    again = run_play(USER_PLAY, extra_vars=dict(u_state='absent'))
    assert not again.task('user')['changed'] and sent(sim) == []

    # the built-in Admin is never deleted
    sim.clear_log()
    admin = run_play(USER_PLAY, extra_vars=dict(u_name='admin', u_state='absent'), expect_rc=2)
    msg = failed(admin, 'user')
    assert "user 'admin' is built into ProGet and is never deleted" in msg
    assert sent(sim) == [] and named(sim, 'users', 'Admin') is not None


# -- 2. proget_group -----------------------------------------------------------------------------------
def members(sim, name='devs'):
    group = named(sim, 'groups', name)
    return None if group is None else group['users']


def test_group_lifecycle_and_members_mode(basic, run_play):
    sim = basic
    for name in ('alice', 'bob', 'carol'):
        add(sim, 'users', name=name)
    sim.clear_log()
    check = run_play(GROUP_PLAY, extra_vars=dict(g_members=['alice']), check=True, diff=True)
    assert check.task('group')['diff'] == {'before': {}, 'after': {'name': 'devs', 'members': ['alice']}}
    assert sent(sim) == [] and members(sim) is None

    first = run_play(GROUP_PLAY, extra_vars=dict(g_members=['alice']), diff=True)
    assert first.task('group')['result']['group'] == {'name': 'devs', 'users': ['alice']}
    assert members(sim) == ['alice']
    sim.clear_log()
    again = run_play(GROUP_PLAY, extra_vars=dict(g_members=['ALICE']))
    assert not again.task('group')['changed'] and sent(sim) == []

    # add: the current list plus the new names (read, then the merged list written)
    sim.clear_log()
    added = run_play(GROUP_PLAY, extra_vars=dict(g_members=['Bob', 'carol', 'alice'], g_mode='add'), diff=True)
    assert added.task('group')['diff'] == {'before': {'name': 'devs', 'members': ['alice']},
                                           'after': {'name': 'devs', 'members': ['alice', 'bob', 'carol']}}
    assert members(sim) == ['alice', 'bob', 'carol']
    assert requests_made(sim)[:1] == [('GET', '/api/security/groups/list')]
    assert sent(sim) == [('POST', '/api/security/groups/update')]
    sim.clear_log()
    same = run_play(GROUP_PLAY, extra_vars=dict(g_members=['carol'], g_mode='add'))
    assert not same.task('group')['changed'] and sent(sim) == []

    # remove: the current list minus the names
    removed = run_play(GROUP_PLAY, extra_vars=dict(g_members=['ALICE', 'nobody'], g_mode='remove'), diff=True)
    assert removed.task('group')['diff']['after']['members'] == ['bob', 'carol']
    assert members(sim) == ['bob', 'carol']
    sim.clear_log()
    same = run_play(GROUP_PLAY, extra_vars=dict(g_members=['alice'], g_mode='remove'))
    assert not same.task('group')['changed'] and sent(sim) == []

    # replace (the default): exactly these
    run_play(GROUP_PLAY, extra_vars=dict(g_members=['carol', 'alice'], g_mode='replace'))
    assert sorted(members(sim)) == ['alice', 'carol']
    run_play(GROUP_PLAY, extra_vars=dict(g_members=[]))
    assert members(sim) == []

    # an unknown user: refused before any write, naming the user
    sim.clear_log()
    unknown = run_play(GROUP_PLAY, extra_vars=dict(g_members=['alice', 'ghost']), expect_rc=2)
    msg = failed(unknown, 'group')
    assert "group 'devs'" in msg and "'ghost' do not exist" in msg and 'create them first' in msg
    assert 'proget_user' in msg
    assert sent(sim) == [] and members(sim) == []
    unknown = run_play(GROUP_PLAY, extra_vars=dict(g_name='new-group', g_members=['ghost']), expect_rc=2)
    assert "'ghost'" in failed(unknown, 'group') and sent(sim) == [] and members(sim, 'new-group') is None
    # a virtual user (permissions only) is no member either
    virtual = run_play(GROUP_PLAY, extra_vars=dict(g_members=['alice', 'Everyone'], g_mode='add'), expect_rc=2)
    assert "'Everyone' is one of ProGet's virtual principals" in failed(virtual, 'group')
    assert sent(sim) == [] and members(sim) == []

    # delete; again; Administrators is never deleted
    gone = run_play(GROUP_PLAY, extra_vars=dict(g_state='absent'))
    assert gone.task('group')['changed'] and members(sim) is None
    sim.clear_log()
    again = run_play(GROUP_PLAY, extra_vars=dict(g_state='absent'))
    assert not again.task('group')['changed'] and sent(sim) == []
    admins = run_play(GROUP_PLAY, extra_vars=dict(g_name='administrators', g_state='absent'), expect_rc=2)
    assert 'built into ProGet and is never deleted' in failed(admins, 'group')
    assert sent(sim) == [] and members(sim, 'Administrators') == ['Admin']


# -- 3. proget_task ------------------------------------------------------------------------------------
def test_task_lifecycle_attributes_and_builtin(basic, run_play):
    sim = basic
    create = dict(t_description='Read feeds', t_attributes=['Feeds_ViewFeed', 'Feeds_DownloadPackage'])
    sim.clear_log()
    check = run_play(TASK_PLAY, extra_vars=create, check=True, diff=True)
    assert check.task('task')['diff']['after'] == {'name': 'Readers', 'description': 'Read feeds',
                                                   'attributes': ['Feeds_ViewFeed', 'Feeds_DownloadPackage']}
    assert sent(sim) == [] and named(sim, 'tasks', 'Readers') is None
    first = run_play(TASK_PLAY, extra_vars=create, diff=True)
    assert first.task('task')['result']['action'] == 'create'
    task = named(sim, 'tasks', 'Readers')
    assert task['description'] == 'Read feeds' and sorted(task['attributes']) == ['Feeds_DownloadPackage',
                                                                                  'Feeds_ViewFeed']

    # attributes compared without case and order
    sim.clear_log()
    same = run_play(TASK_PLAY, extra_vars=dict(t_name='READERS', t_attributes=['feeds_downloadpackage',
                                                                               'FEEDS_VIEWFEED']))
    assert not same.task('task')['changed'] and sent(sim) == []

    # update: attributes replaced, the description kept
    update = run_play(TASK_PLAY, extra_vars=dict(t_attributes=['Feeds_ViewFeed', 'Feeds_DownloadPackage',
                                                               'Feeds_AddPackage']), diff=True)
    assert update.task('task')['result']['action'] == 'update'
    assert update.task('task')['diff']['before']['attributes'] == ['Feeds_ViewFeed', 'Feeds_DownloadPackage']
    task = named(sim, 'tasks', 'Readers')
    assert sorted(task['attributes']) == ['Feeds_AddPackage', 'Feeds_DownloadPackage', 'Feeds_ViewFeed']
    assert task['description'] == 'Read feeds'
    run_play(TASK_PLAY, extra_vars=dict(t_description='Readers of every feed'))
    task = named(sim, 'tasks', 'Readers')
    assert task['description'] == 'Readers of every feed' and len(task['attributes']) == 3

    # an unknown attribute: refused before any write, naming it and the task
    for name in ('Readers', 'Brand New'):
        sim.clear_log()
        bad = run_play(TASK_PLAY, extra_vars=dict(t_name=name, t_attributes=['Feeds_ViewFeed', 'Feeds_Teleport']),
                       expect_rc=2)
        msg = failed(bad, 'task')
        assert "task '%s'" % name in msg and "'Feeds_Teleport' is not known to this ProGet" in msg
        assert 'Admin_ConfigureProGet' in msg   # the known ones are listed
        assert sent(sim) == [] and ('GET', '/api/security/attributes/list') in requests_made(sim)
    assert named(sim, 'tasks', 'Brand New') is None and len(named(sim, 'tasks', 'Readers')['attributes']) == 3

    # a new task needs attributes
    sim.clear_log()
    bare = run_play(TASK_PLAY, extra_vars=dict(t_name='Bare'), expect_rc=2)
    assert "task 'Bare' does not exist; to create it, set attributes" in failed(bare, 'task')
    assert sent(sim) == []

    # a built-in task is never deleted
    for name in ('Administer', 'view & download packages'):
        sim.clear_log()
        builtin = run_play(TASK_PLAY, extra_vars=dict(t_name=name, t_state='absent'), expect_rc=2)
        assert failed(builtin, 'task') == "task '%s' is built into ProGet and is never deleted" % name
        assert sent(sim) == []
    assert sorted(t['name'] for t in listed(sim, 'tasks')) == sorted(BUILTIN_TASKS + ['Readers'])

    # delete; again
    gone = run_play(TASK_PLAY, extra_vars=dict(t_state='absent'), diff=True)
    assert gone.task('task')['result']['action'] == 'delete' and named(sim, 'tasks', 'Readers') is None
    sim.clear_log()
    again = run_play(TASK_PLAY, extra_vars=dict(t_state='absent'))
    assert not again.task('task')['changed'] and sent(sim) == []


# -- 4. proget_permission ------------------------------------------------------------------------------
def test_permission_lifecycle_and_refusals(basic, run_play):
    sim = basic
    create_feed(sim, 'nf')
    add(sim, 'groups', name='devs')
    add(sim, 'users', name='alice')
    devs_nf = perm(group='devs', task='Publish Packages', feed='nf')
    sim.clear_log()
    check = run_play(PERMISSION_PLAY, extra_vars=dict(p_group='devs', p_feed='nf'), check=True, diff=True)
    assert check.task('permission')['changed'] and check.task('permission')['result']['action'] == 'create'
    assert check.task('permission')['diff'] == {
        'before': {}, 'after': {'group': 'devs', 'task': 'Publish Packages', 'feed': 'nf', 'deny': False}}
    assert sent(sim) == [] and permission_set(sim) == [perm(**ADMINS)]

    first = run_play(PERMISSION_PLAY, extra_vars=dict(p_group='devs', p_feed='nf'), diff=True)
    result = first.task('permission')['result']
    assert result['action'] == 'create' and result['permission']['id'] and result['permission']['group'] == 'devs'
    assert sorted(permission_set(sim)) == sorted([perm(**ADMINS), devs_nf])
    assert sent(sim) == [('POST', '/api/security/permissions/add')]

    # idempotent (names in another case): one list request
    sim.clear_log()
    same = run_play(PERMISSION_PLAY, extra_vars=dict(p_group='DEVS', p_feed='NF', p_task='publish packages'))
    assert not same.task('permission')['changed'] and sent(sim) == []
    assert requests_made(sim) == [('GET', '/api/security/permissions/list')]

    # a restriction is another permission
    run_play(PERMISSION_PLAY, extra_vars=dict(p_group='devs', p_feed='nf', p_deny=True))
    denied = perm(group='devs', task='Publish Packages', feed='nf', deny=True)
    assert sorted(permission_set(sim)) == sorted([perm(**ADMINS), devs_nf, denied])

    # delete (check mode first); again
    sim.clear_log()
    check = run_play(PERMISSION_PLAY, extra_vars=dict(p_group='devs', p_feed='nf', p_state='absent'), check=True,
                     diff=True)
    assert check.task('permission')['result']['action'] == 'delete' and sent(sim) == []
    gone = run_play(PERMISSION_PLAY, extra_vars=dict(p_group='devs', p_feed='nf', p_state='absent'))
    assert gone.task('permission')['changed']
    assert devs_nf not in permission_set(sim) and len(permission_set(sim)) == 2
    sim.clear_log()
    again = run_play(PERMISSION_PLAY, extra_vars=dict(p_group='devs', p_feed='nf', p_state='absent'))
    assert not again.task('permission')['changed'] and sent(sim) == []

    # refused before any write: both user and group, neither, an unknown feed, an unknown user / group
    before = permission_set(sim)
    cases = [
        (dict(p_user='alice', p_group='devs'), ['set exactly one of user and group']),
        (dict(p_feed='nf'), ['set exactly one of user and group']),
        (dict(p_group='devs', p_feed='nope'), ["feed 'nope' does not exist", 'create it first', 'proget_feed']),
        (dict(p_user='ghost'), ["user 'ghost' does not exist", 'create it first', 'proget_user']),
        (dict(p_group='ghosts'), ["group 'ghosts' does not exist", 'create it first', 'proget_group']),
        (dict(p_group='devs', p_task='No Such Task'), ["task 'No Such Task' does not exist", 'proget_task']),
        (dict(p_user='alice', p_feed='nf', p_feed_group='fg'), ['set feed or feed_group, not both']),
    ]
    for extra_vars, words in cases:
        sim.clear_log()
        bad = run_play(PERMISSION_PLAY, extra_vars=extra_vars, expect_rc=2)
        msg = failed(bad, 'permission')
        for w in words:
            assert w in msg, (extra_vars, msg)
        assert msg.startswith("permission '"), msg
        assert sent(sim) == [], extra_vars
    assert permission_set(sim) == before

    # a task that cannot be scoped to a feed: refused before any request that writes
    sim.clear_log()
    scoped = run_play(PERMISSION_PLAY, extra_vars=dict(p_group='devs', p_task='Administer', p_feed='nf'), expect_rc=2)
    msg = failed(scoped, 'permission')
    assert "permission 'group devs: Administer on feed nf': task 'Administer' cannot be scoped" in msg
    assert 'Admin_ConfigureProGet' in msg
    assert sent(sim) == [] and permission_set(sim) == before

    # a feed group (ProGet's API does not manage feed groups: the name is stored as given)
    fg = dict(p_group='devs', p_task='View & Download Packages', p_feed_group='internal')
    assert run_play(PERMISSION_PLAY, extra_vars=fg).task('permission')['result']['action'] == 'create'
    assert perm(group='devs', task='View & Download Packages', feedGroup='internal') in permission_set(sim)
    sim.clear_log()
    assert not run_play(PERMISSION_PLAY, extra_vars=dict(fg, p_feed_group='INTERNAL')).task('permission')['changed']
    assert sent(sim) == []

    # the virtual user Anonymous needs no user of that name
    lock = dict(p_user='Anonymous', p_task='View & Download Packages', p_deny=True)
    anon = run_play(PERMISSION_PLAY, extra_vars=lock)
    assert anon.task('permission')['result']['action'] == 'create'
    assert perm(user='Anonymous', task='View & Download Packages', deny=True) in permission_set(sim)
    sim.clear_log()
    assert not run_play(PERMISSION_PLAY, extra_vars=dict(lock, p_user='anonymous')).task('permission')['changed']
    assert sent(sim) == []


# -- 5. the info modules -------------------------------------------------------------------------------
def test_info_modules_return_what_the_server_holds(basic, run_play):
    sim = basic
    create_feed(sim, 'nf')
    add(sim, 'users', name='alice', displayName='Alice', email='alice@example.com', password=PASSWORD)
    add(sim, 'users', name='bob')
    add(sim, 'groups', name='devs', users=['alice', 'bob'])
    add(sim, 'tasks', name='Readers', description='Read', attributes=['Feeds_ViewFeed'])
    add(sim, 'permissions', group='devs', task='Readers', feed='nf')
    add(sim, 'permissions', user='alice', task='Publish Packages', feed='nf', deny=True)
    sim.clear_log()
    result = run_play(INFO_PLAY, check=True, verbosity=3)
    assert result.changed == 0 and sent(sim) == []
    assert_no_secret(result, PASSWORD)
    r = dict((t['task'], t['result']) for t in result.results)
    assert r['users']['users'] == listed(sim, 'users')
    assert r['user alice']['users'] == [{'name': 'alice', 'displayName': 'Alice', 'email': 'alice@example.com',
                                         'groups': ['devs']}]
    assert r['user nobody']['users'] == []
    assert r['groups']['groups'] == listed(sim, 'groups')
    assert r['group devs']['groups'] == [{'name': 'devs', 'users': ['alice', 'bob']}]
    assert r['tasks']['tasks'] == listed(sim, 'tasks')
    assert sorted(t['name'] for t in r['tasks']['tasks']) == sorted(BUILTIN_TASKS + ['Readers'])
    assert r['task readers']['tasks'] == [named(sim, 'tasks', 'Readers')]
    assert sorted(r['task readers']['attributes'], key=lambda a: a['name']) == sorted(
        listed(sim, 'attributes'), key=lambda a: a['name'])
    assert 'attributes' not in r['tasks']
    everything = listed(sim, 'permissions')
    assert r['permissions']['permissions'] == everything and len(everything) == 3
    assert r['permissions of devs']['permissions'] == [p for p in everything if p.get('group') == 'devs']
    assert r['permissions on nf']['permissions'] == [p for p in everything if p.get('group') == 'devs']
    assert r['permissions of alice']['permissions'] == [
        dict(id=everything[2]['id'], user='alice', task='Publish Packages', feed='nf', deny=True)]


# -- 6. proget_state -----------------------------------------------------------------------------------
def security_document():
    return {
        'feeds': [{'name': 'nf', 'type': 'nuget'}],
        'users': [{'name': 'alice', 'display_name': 'Alice', 'email': 'alice@example.com', 'password': PASSWORD},
                  {'name': 'bob'}],
        'groups': [{'name': 'devs', 'members': ['alice', 'bob']},
                   {'name': 'Administrators', 'members': ['Admin', 'alice']}],
        'tasks': [{'name': 'Readers', 'description': 'Read feeds',
                   'attributes': ['Feeds_ViewFeed', 'Feeds_DownloadPackage']}],
        'permissions': [{'group': 'devs', 'task': 'Readers', 'feed': 'nf'},
                        {'user': 'bob', 'task': 'Publish Packages', 'feed': 'nf'},
                        {'user': 'bob', 'task': 'Manage Feed', 'feed': 'nf', 'deny': True},
                        {'group': 'Administrators', 'task': 'Administer'},
                        {'user': 'Anonymous', 'task': 'View & Download Packages', 'feed': 'nf', 'state': 'absent'}],
    }


def test_state_plan_apply_noop_export_reapply(basic, run_play):
    sim = basic
    doc = security_document()
    plan = run_play(STATE_PLAY, extra_vars={'doc': doc}, check=True, diff=True, verbosity=3)
    result = plan.task('state')['result']
    assert plan.task('state')['changed'] and sent(sim) == []
    assert result['summary'] == {'create': 8, 'update': 1, 'replace': 0, 'delete': 0, 'unchanged': 2}
    actions = dict(((s['kind'], s['name']), s['action']) for s in result['plan'])
    assert actions[('permissions', 'deny user bob: Manage Feed on feed nf')] == 'create'
    assert actions[('permissions', 'group Administrators: Administer on all feeds and the server')] == 'none'
    assert actions[('groups', 'Administrators')] == 'update'
    assert [s for s in result['plan'] if s['kind'] == 'groups' and s['name'] == 'Administrators'][0]['changes'] == {
        'members': {'before': ['Admin'], 'after': ['Admin', 'alice']}}
    assert 'users alice (create)' in plan.stdout
    assert 'permissions group devs: Readers on feed nf (create)' in plan.stdout
    assert any('LDAP' in line for line in result['not_managed'])
    assert_no_secret(plan, PASSWORD)
    assert named(sim, 'users', 'alice') is None and permission_set(sim) == [perm(**ADMINS)]

    applied = run_play(STATE_PLAY, extra_vars={'doc': doc}, verbosity=3)
    assert applied.task('state')['result']['summary']['create'] == 8
    assert_no_secret(applied, PASSWORD)
    # users before groups before permissions; the feed before the permissions that name it
    order = [p for _, p in sent(sim)]
    assert order.index('/api/management/feeds/create') < order.index('/api/security/permissions/add')
    assert order.index('/api/security/users/add') < order.index('/api/security/groups/add')
    assert order.index('/api/security/tasks/add') < order.index('/api/security/permissions/add')

    alice = named(sim, 'users', 'alice')
    assert sorted(alice.pop('groups')) == ['Administrators', 'devs']
    assert alice == {'name': 'alice', 'displayName': 'Alice', 'email': 'alice@example.com'}
    assert who(sim, 'alice:' + PASSWORD) == 'pseudo-key:alice'
    assert named(sim, 'groups', 'devs')['users'] == ['alice', 'bob']
    assert named(sim, 'groups', 'Administrators')['users'] == ['Admin', 'alice']
    assert sorted(named(sim, 'tasks', 'Readers')['attributes']) == ['Feeds_DownloadPackage', 'Feeds_ViewFeed']
    assert permission_set(sim) == sorted([
        perm(**ADMINS), perm(group='devs', task='Readers', feed='nf'),
        perm(user='bob', task='Publish Packages', feed='nf'),
        perm(user='bob', task='Manage Feed', feed='nf', deny=True)])
    # second run: no change, no write, one list request per kind
    sim.clear_log()
    again = run_play(STATE_PLAY, extra_vars={'doc': doc}, diff=True)
    assert not again.task('state')['changed'] and again.task('state')['result']['summary']['unchanged'] == 11
    assert sent(sim) == []
    assert sorted(p for _, p in requests_made(sim)) == sorted(
        ['/api/management/feeds/list'] + ['/api/security/%s/list' % k for k in ('users', 'groups', 'tasks',
                                                                                'permissions')])

    # export: the security kinds, no password; applying it changes nothing
    exported = run_play(EXPORT_PLAY, verbosity=3)
    assert_no_secret(exported, PASSWORD)
    document = exported.task('export')['result']['document']
    assert 'users[alice].password' in exported.task('export')['result']['secrets_omitted']
    assert document['users'] == [{'name': 'Admin', 'display_name': 'Administrator'},
                                 {'name': 'alice', 'display_name': 'Alice', 'email': 'alice@example.com'},
                                 {'name': 'bob'}]
    assert {'name': 'devs', 'members': ['alice', 'bob']} in document['groups']
    assert sorted(t['name'] for t in document['tasks']) == sorted(BUILTIN_TASKS + ['Readers'])
    assert {'user': 'bob', 'task': 'Manage Feed', 'feed': 'nf', 'deny': True} in document['permissions']
    assert {'group': 'Administrators', 'task': 'Administer'} in document['permissions']
    # (api_keys: test_export_with_api_keys_reapplies)
    sim.clear_log()
    reapplied = run_play(STATE_PLAY, extra_vars={'doc': dict((k, v) for k, v in document.items() if k != 'api_keys')})
    assert not reapplied.task('state')['changed'], reapplied.task('state')['result']['plan']
    assert sent(sim) == []


def test_export_with_api_keys_reapplies(basic, run_play):
    """The whole exported document (with the sim's bootstrap System key) applies with no change."""
    sim = basic
    add(sim, 'users', name='alice')
    document = run_play(EXPORT_PLAY).task('export')['result']['document']
    assert [k['name'] for k in document['api_keys']] == ['sim-bootstrap']
    sim.clear_log()
    reapplied = run_play(STATE_PLAY, extra_vars={'doc': document}, expect_rc=None)
    assert reapplied.rc == 0, reapplied.task('state')['result']['msg']
    assert not reapplied.task('state')['changed'] and sent(sim) == []


def test_state_prune_per_kind_protects_builtins(basic, run_play):
    sim = basic
    create_feed(sim, 'nf')
    for name in ('stray', 'keep-me', 'carol'):
        add(sim, 'users', name=name)
    add(sim, 'groups', name='stray-group', users=['stray'])
    add(sim, 'tasks', name='Stray Task', attributes=['Feeds_ViewFeed'])
    add(sim, 'permissions', user='stray', task='Stray Task', feed='nf')
    add(sim, 'permissions', group='stray-group', task='Publish Packages')
    sim.clear_log()
    doc = {'users': [{'name': 'carol'}], 'permissions': [ADMINS], 'prune_protect': ['KEEP-ME'],
           'prune_allow_empty': ['groups', 'tasks']}   # the document declares none: only built-ins stay

    # prune users only: the undeclared users but Admin and the protected one; nothing else
    plan = run_play(STATE_PLAY, extra_vars={'doc': dict(doc, prune=['users'])}, check=True)
    steps = [(s['kind'], s['name'], s['action']) for s in plan.task('state')['result']['plan'] if s.get('pruned')]
    assert steps == [('users', 'stray', 'delete')]
    assert sent(sim) == []
    run_play(STATE_PLAY, extra_vars={'doc': dict(doc, prune=['users'])})
    assert sorted(u['name'] for u in listed(sim, 'users')) == ['Admin', 'carol', 'keep-me']
    assert named(sim, 'groups', 'stray-group') is not None and named(sim, 'tasks', 'Stray Task') is not None

    # prune the other kinds: built-in groups and tasks stay
    result = run_play(STATE_PLAY, extra_vars={'doc': dict(doc, prune=['users', 'groups', 'tasks', 'permissions'])})
    pruned = sorted((s['kind'], s['name']) for s in result.task('state')['result']['plan'] if s.get('pruned'))
    assert pruned == [('groups', 'stray-group'),
                      ('permissions', 'group stray-group: Publish Packages on all feeds and the server'),
                      ('tasks', 'Stray Task')]
    assert sorted(u['name'] for u in listed(sim, 'users')) == ['Admin', 'carol', 'keep-me']
    assert [g['name'] for g in listed(sim, 'groups')] == ['Administrators']
    assert sorted(t['name'] for t in listed(sim, 'tasks')) == BUILTIN_TASKS
    assert permission_set(sim) == [perm(**ADMINS)]
    sim.clear_log()
    again = run_play(STATE_PLAY, extra_vars={'doc': dict(doc, prune=['users', 'groups', 'tasks', 'permissions'])})
    assert not again.task('state')['changed'] and sent(sim) == []


NO_ADMIN_LEFT = {
    # prune drops the Administrators' permission; a restriction and a feed-group scope make no administrator
    'prune': {'users': [{'name': 'alice'}, {'name': 'bob'}],
              'permissions': [{'user': 'alice', 'task': 'Administer', 'deny': True},
                              {'user': 'alice', 'task': 'View & Download Packages', 'feed_group': 'fg'}],
              'prune': ['permissions']},
    # a restriction that takes the Administrators' right away (a group's restriction comes before its permission)
    'restriction': {'users': [{'name': 'alice'}, {'name': 'bob'}],
                    'permissions': [dict(ADMINS, deny=True)]},
}


@pytest.mark.parametrize('case', sorted(NO_ADMIN_LEFT))
@pytest.mark.parametrize('check', [True, False], ids=['check', 'apply'])
def test_state_refuses_to_leave_no_administrator(basic, run_play, check, case):
    sim = basic
    add(sim, 'users', name='alice')
    before = permission_set(sim)
    doc = NO_ADMIN_LEFT[case]
    sim.clear_log()
    result = run_play(STATE_PLAY, extra_vars={'doc': doc}, check=check, diff=True, expect_rc=2)
    task = result.task('state')
    msg = task['result']['msg']
    assert 'this plan leaves ProGet without an administrator (today: admin)' in msg
    assert task['result']['problems'] == [msg.split('\n  ', 1)[1]]
    assert sent(sim) == [] and permission_set(sim) == before and named(sim, 'users', 'bob') is None


@pytest.mark.parametrize('check', [True, False], ids=['check', 'apply'])
def test_state_refuses_to_take_the_connecting_users_admin_rights(basic, run_play, check):
    sim = basic
    add(sim, 'users', name='ops', password='Ops-Passw0rd-1')
    add(sim, 'permissions', user='ops', task='Administer')
    doc = {'users': [{'name': 'ops'}], 'permissions': [{'user': 'OPS', 'task': 'Administer', 'state': 'absent'}]}
    sim.clear_log()
    as_ops = dict(PROGET_USERNAME='ops', PROGET_PASSWORD='Ops-Passw0rd-1')
    result = run_play(STATE_PLAY, extra_vars={'doc': doc}, check=check, env=as_ops, api_key=None, expect_rc=2)
    msg = result.task('state')['result']['msg']
    assert "removes the administer rights of user 'ops', whose credentials this run uses" in msg
    assert 'without an administrator' not in msg   # Admin stays one
    assert set(e['principal'] for e in sim.log()) == {'pseudo-key:ops'}   # it connected as ops
    assert sent(sim) == [] and perm(user='ops', task='Administer') in permission_set(sim)
    # the same document with the System key: applied
    done = run_play(STATE_PLAY, extra_vars={'doc': doc}, check=check)
    assert done.task('state')['changed']
    assert (perm(user='ops', task='Administer') in permission_set(sim)) is check


# -- 7. editions ---------------------------------------------------------------------------------------
def test_free_edition_refuses_every_security_module(sim, run_play):
    assert sim.config()['edition'] == 'free'
    result = run_play(FREE_PLAY)
    modules = ['proget_user', 'proget_group', 'proget_task', 'proget_permission', 'proget_user_info',
               'proget_group_info', 'proget_task_info', 'proget_permission_info']
    for name in modules:
        msg = failed(result, name)
        for words in FREE_WORDS:
            assert words in msg, (name, msg)
        assert result.task(name)['result'].get('status') == 403
    assert sent(sim) == []


def test_free_edition_state_with_users_fails_before_any_write_and_export_works(sim, run_play):
    create_feed(sim, 'existing')
    sim.clear_log()
    doc = {'feeds': [{'name': 'nf', 'type': 'nuget'}], 'users': [{'name': 'alice'}]}
    for check in (True, False):
        result = run_play(STATE_PLAY, extra_vars={'doc': doc}, check=check, expect_rc=2)
        msg = result.task('state')['result']['msg']
        for words in FREE_WORDS:
            assert words in msg, msg
        assert sent(sim) == []
    assert [f['name'] for f in sim.api('GET', 'api/management/feeds/list').json()] == ['existing']
    # export on Free: everything but the security kinds
    exported = run_play(EXPORT_PLAY).task('export')['result']['document']
    assert [f['name'] for f in exported['feeds']] == ['existing']
    assert not set(exported) & {'users', 'groups', 'tasks', 'permissions'}
    # a document without security kinds still works on Free
    sim.clear_log()
    run_play(STATE_PLAY, extra_vars={'doc': {'feeds': doc['feeds']}})
    assert not any(e['path'].startswith('/api/security') for e in sim.log())


LIFECYCLE_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - {name: user, cac.proget.proget_user: {name: alice, state: "{{ s }}"}}
    - {name: group, cac.proget.proget_group: {name: devs, members: [alice], state: "{{ s }}"}}
    - {name: task, cac.proget.proget_task: {name: Readers, attributes: [Feeds_ViewFeed], state: "{{ s }}"}}
    - {name: permission, cac.proget.proget_permission: {group: devs, task: Readers, state: "{{ s }}"}}
'''
LIFECYCLE_PLAY_ABSENT = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - {name: permission, cac.proget.proget_permission: {group: devs, task: Readers, state: absent}}
    - {name: task, cac.proget.proget_task: {name: Readers, state: absent}}
    - {name: group, cac.proget.proget_group: {name: devs, state: absent}}
    - {name: user, cac.proget.proget_user: {name: alice, state: absent}}
'''


@pytest.mark.parametrize('edition', ['basic', 'enterprise'])
def test_paid_editions_work(sim, run_play, edition):
    sim.config(edition=edition)
    created = run_play(LIFECYCLE_PLAY, extra_vars={'s': 'present'})
    assert created.changed == 4
    assert named(sim, 'groups', 'devs')['users'] == ['alice'] and named(sim, 'tasks', 'Readers') is not None
    assert perm(group='devs', task='Readers') in permission_set(sim)
    sim.clear_log()
    assert run_play(LIFECYCLE_PLAY, extra_vars={'s': 'present'}).changed == 0 and sent(sim) == []
    assert run_play(LIFECYCLE_PLAY_ABSENT).changed == 4
    assert named(sim, 'users', 'alice') is None and permission_set(sim) == [perm(**ADMINS)]


# -- 8. a Feed key ------------------------------------------------------------------------------------
def test_feed_key_is_refused_naming_the_permission(basic, run_play):
    sim = basic
    create_feed(sim, 'nf')
    key = sim.api('POST', 'api/api-keys/create', expect=200,
                  json={'type': 'Feed', 'feed': 'nf', 'packagePermissions': ['view', 'add', 'delete'],
                        'logging': 'None', 'displayName': 'feed-only'})
    secret = key.json()['key'] if key.headers.get('Content-Type', '').startswith('application/json') else key.text
    sim.clear_log()
    result = run_play(USER_PLAY, api_key=secret, expect_rc=2, verbosity=3)
    msg = failed(result, 'user')
    assert 'HTTP 403' in msg and 'this call needs permission to manage security' in msg
    assert 'Feed keys cannot use the Security API' in msg
    assert_no_secret(result, secret)
    assert sent(sim) == [] and named(sim, 'users', 'alice') is None


# -- 9. the plan of a permission change, as --check --diff shows it --------------------------------------
def test_state_check_diff_of_a_permission_change(basic, run_play):
    sim = basic
    create_feed(sim, 'nf')
    add(sim, 'groups', name='devs')
    add(sim, 'permissions', group='devs', task='Publish Packages', feed='nf')
    doc = {'permissions': [{'group': 'devs', 'task': 'Publish Packages', 'feed': 'nf', 'state': 'absent'},
                           {'group': 'devs', 'task': 'View & Download Packages', 'feed': 'nf'}]}
    sim.clear_log()
    result = run_play(STATE_PLAY, extra_vars={'doc': doc}, check=True, diff=True)
    assert sent(sim) == []
    out = result.stdout
    start = out.index('TASK [state]')
    text = out[start:out.index('PLAY RECAP')].rstrip() + '\n'
    removed = 'permissions group devs: Publish Packages on feed nf (delete)'
    added = 'permissions group devs: View & Download Packages on feed nf (create)'
    assert removed in text and added in text
    assert '-    "task": "Publish Packages"' in text
    assert '+    "task": "View & Download Packages"' in text
    assert [(s['name'], s['action']) for s in result.task('state')['result']['plan']] == [
        ('group devs: Publish Packages on feed nf', 'delete'),
        ('group devs: View & Download Packages on feed nf', 'create')]
    os.makedirs(os.path.dirname(PLAN_FILE), exist_ok=True)
    with open(PLAN_FILE, 'w') as f:
        f.write('$ ansible-playbook site.yml --check --diff\n' + text)
    print('\n' + text)
