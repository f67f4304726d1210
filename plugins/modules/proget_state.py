#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: proget_state
short_description: Apply the whole desired state of a ProGet server in one task
version_added: 0.1.0
description:
  - Reconciles a state document (the objects of a ProGet server, as kept in Git) in one module run.
  - Each kind is a list of the same dicts the single-object module of that kind takes (for example
    O(feeds) takes the options of M(cac.proget.proget_feed)), without the connection options.
  - The whole document is validated first (against the JSON Schema shipped in
    C(schemas/proget_state.schema.json) and against ProGet's rules); every problem is reported with
    its path, for example C(feeds[3].retention_rules[0].keep_versions_count), and nothing is written.
  - Then each kind is listed once and only the needed writes are sent, in dependency order
    (connectors before the feeds that use them; users before the groups that hold them; feeds, users,
    groups and tasks before the permissions that name them; feeds before API keys and assets); deletions
    run in the reverse order.
  - A document that declares users, groups, tasks or permissions (or prunes one of them) is checked before
    any write against the administrators it leaves. A plan that would leave ProGet without an administrator
    (an existing user that may use a task with C(Admin_ConfigureProGet), such as C(Administer), everywhere,
    through a global permission of its own, of one of its groups, of C(Everyone) or C(Authenticated), and not
    taken away by a restriction that wins over it as ProGet resolves them) is refused. So is a plan that
    removes the administer rights of the user whose credentials the run uses (O(username) and O(password)).
  - The prune guard. A plan whose O(prune) would delete more objects of one kind than O(prune_max), or a larger share
    of them than O(prune_max_percent), is refused before any write (also in check mode), naming what it would delete;
    so is a pruned kind whose list declares no object, unless it is named in O(prune_allow_empty).
  - A plan whose O(prune) would delete an object that a declared entry still names (a pruned user in a
    group's C(members) or a permission, a pruned connector on a feed) is refused before any write.
  - A permission on a feed or feed group with a task that cannot be scoped to a feed (one of its attributes
    applies to the whole server, e.g. C(Administer)) is refused before any write.
  - ProGet Free has no Security API; declaring O(users), O(groups), O(tasks) or O(permissions) there fails with a
    message that names the edition. The Security API needs a System API key with Full Control, or a user or a
    personal API key with C(Admin_ConfigureProGet); Feed API keys are refused.
  - In check mode the result is the plan (create, update with the changed fields, delete per
    object) and nothing is written; with C(--diff) each change is shown as a before/after diff.
  - If a write fails, the module stops, names the object and ProGet's message, and reports what was
    applied and what was not; running it again continues from where it stopped.
author:
  - cac.proget maintainers (@cac-proget)
extends_documentation_fragment:
  - cac.proget.connection
  - cac.proget.attributes
options:
  connectors:
    description:
      - Connectors; each item takes the options of M(cac.proget.proget_connector), with the field names
        C(url), C(username), C(password) and C(timeout) (the module calls them C(connector_url), ...
        because there they would clash with the connection options).
      - A password is write-only; it is sent on create, and on every run with C(update_password=always).
    type: list
    elements: dict
  feeds:
    description:
      - Feeds and asset directories; each item takes the options of M(cac.proget.proget_feed).
    type: list
    elements: dict
  users:
    description:
      - Users of ProGet's built-in user directory; each item takes the options of M(cac.proget.proget_user),
        with the field name C(password) (the module calls it C(user_password) because there it would clash
        with the connection option).
      - A password is write-only; it is sent on create, and on every run with C(update_password=always).
      - Group membership is declared on O(groups). The built-in C(Admin) user is never deleted (neither by
        C(state=absent) nor by O(prune)).
    type: list
    elements: dict
  groups:
    description:
      - Groups of the built-in user directory and their members; each item takes the options of
        M(cac.proget.proget_group) (C(name), C(members), C(members_mode), C(state)).
      - Members must be users that exist or are declared in O(users). The built-in C(Administrators) group is
        never deleted.
    type: list
    elements: dict
  tasks:
    description:
      - Tasks (named sets of task attributes); each item takes the options of M(cac.proget.proget_task)
        (C(name), C(description), C(attributes), C(state)).
      - The attributes are checked against the server's list before any write. Built-in tasks (C(Administer),
        C(Manage Feed), C(Manage Projects), C(Promote Packages), C(Publish Packages), C(View & Download Packages))
        are never deleted; their attributes can be declared.
    type: list
    elements: dict
  permissions:
    description:
      - Permissions and restrictions; each item takes the options of M(cac.proget.proget_permission), that is one
        of C(user) and C(group), C(task), at most one of C(feed) and C(feed_group) (neither = every feed and the
        server), C(deny) (default V(false)) and C(state).
      - A permission has no name; all of these properties are its identity. It is added or deleted, never
        changed; to change one, declare the old one with C(state=absent) and the new one.
      - "In the plan, and in O(prune_protect), a permission is named by its one-line description, for example
        C(group Developers: Publish Packages on feed internal-nuget) or
        C(deny user Anonymous: Administer on all feeds and the server)."
    type: list
    elements: dict
  licenses:
    description:
      - License definitions; each item takes the options of M(cac.proget.proget_license).
    type: list
    elements: dict
  api_keys:
    description:
      - API keys; each item takes the options of M(cac.proget.proget_api_key).
      - ProGet cannot update a key, so a difference re-creates it (action C(replace)).
      - The secret of a key that ProGet generates is returned once, in RV(new_secrets). On ansible-core 2.22 and
        later it is registered as a secret (shown as C($REDACTED$) everywhere, kept in the registered variable);
        with older versions set C(no_log) on the task, or declare C(key) (from a vault) so that no secret is generated.
    type: list
    elements: dict
  settings:
    description:
      - Server settings; each item takes the options of M(cac.proget.proget_setting) (C(name), C(value), C(secret)).
      - Settings cannot be deleted, so they cannot be pruned.
    type: list
    elements: dict
  assets:
    description:
      - Asset files and folders; each item takes the options of M(cac.proget.proget_asset) (C(feed),
        C(path), C(state), C(src) or C(content), metadata, cache header...). An entry without C(src) or C(content)
        manages only the metadata of a file that is already there.
      - Applied after every other kind (their asset directories first), files uploaded only when their
        hash differs; in check mode each is planned with the same logic.
    type: list
    elements: dict
  prune:
    description:
      - Kinds whose objects that the document does not declare are deleted, for example V([feeds]).
      - Off by default for every kind.
    type: list
    elements: str
    choices: [connectors, feeds, users, groups, tasks, permissions, licenses, api_keys]
    default: []
  prune_max:
    description:
      - The prune guard. At most this many objects of one kind are deleted by O(prune) in one run; a run whose plan
        would delete more fails before any write (also in check mode), naming every object it would delete. Raise it
        for the run that is meant to delete more (for example C(-e proget_prune_max=40) with the role).
      - Checked for each pruned kind on its own. Deletions declared with C(state=absent) are not counted; they are
        written in the document.
      - The default V(10) lets everyday changes through (a few objects removed from the document per change) and stops
        a document that lost a large part of a kind, for example a variable file that was not loaded or a template that
        rendered a shorter list.
    type: int
    default: 10
    version_added: 0.2.0
  prune_max_percent:
    description:
      - The prune guard. At most this share (percent, 0 to 100) of the objects of one kind on the server (before the
        run) is deleted by O(prune) in one run; more fails before any write, as with O(prune_max). Both limits apply.
      - A single deletion is always allowed by this limit (renaming the only feed of a server deletes 100% of the
        feeds); O(prune_max) still applies to it.
      - The default V(50) stops a document that lost most of a kind on a server with few objects, where
        O(prune_max) alone would not. V(100) turns this limit off.
    type: int
    default: 50
    version_added: 0.2.0
  prune_allow_empty:
    description:
      - Kinds listed in O(prune) whose list may declare no object (empty, left out, or only C(state=absent) entries),
        which deletes every object of that kind but the protected ones.
      - A pruned kind with an empty list is refused otherwise, before any request, also when nothing would be deleted,
        because an empty list is what a mis-rendered document looks like. The limits O(prune_max) and
        O(prune_max_percent) still apply.
    type: list
    elements: str
    choices: [connectors, feeds, users, groups, tasks, permissions, licenses, api_keys]
    default: []
    version_added: 0.2.0
  prune_protect:
    description:
      - Names (case-insensitive) never deleted by O(prune).
      - "A permission is named by its one-line description, as the plan shows it, for example
        C(group Developers: Publish Packages on feed internal-nuget) or
        C(deny user Anonymous: Administer on all feeds and the server)."
      - The built-in C(Admin) user, the C(Administrators) group and the built-in tasks are never pruned, listed here
        or not. Neither is the API key this run connects with, when ProGet shows key secrets in its list (plain-text
        key storage); with hashed key storage ProGet cannot tell which key that is, so name it here (or declare it)
        when O(prune) includes C(api_keys).
    type: list
    elements: str
    default: []
  parallel_writes:
    description:
      - How many writes of one dependency level are sent to ProGet at the same time (1 to 32).
      - The writes are cut into levels, one per kind, in the dependency order above (connectors, then feeds,
        users, groups, tasks, permissions, licenses, API keys, settings, assets; deletions in the reverse order).
        The writes of one level do not refer to each other, so up to this many of them are sent at once; the next
        level starts only when the whole level is written, so the order between levels is kept.
      - Each worker thread has its own HTTP session. If a write fails, no new write starts, the writes already
        sent finish, and RV(applied), RV(failed_object) (and RV(failed_objects) when several failed at once) and
        RV(not_applied) say exactly what happened; the next run continues from there.
      - Writes that must not overlap are always sent alone, whatever this says, the deletion of a connector
        (it is first detached from the feeds that use it, feed by feed) and each O(assets) entry (their paths may
        overlap). An O(assets) entry with C(state=directory) and C(src) uploads its new and changed files with
        the same number of parallel uploads, unless it sets its own C(parallel_writes).
      - The default V(1) sends one write after another, as earlier versions did. V(4) to V(8) is what the
        collection is tested with and is safe for ProGet, whose API handles concurrent requests (each write
        touches one object, in a database transaction of its own); it mostly helps when each request takes tens
        of milliseconds (a remote server, a busy one). More than about 8 rarely helps and loads ProGet's web
        server and database with that many requests at once, which a small instance may not like.
    type: int
    default: 1
    version_added: 0.2.0
seealso:
  - module: cac.proget.proget_state_info
  - module: cac.proget.proget_feed
  - module: cac.proget.proget_permission
'''

EXAMPLES = r'''
- name: Apply the state of one ProGet server
  cac.proget.proget_state:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    feeds:
      - name: internal-nuget
        type: nuget
        retention_enabled: true
        retention_rules:
          - keep_versions_count: 10
      - name: npm-internal
        type: npm
      - name: installers
        type: asset

- name: The plan only (what a pull request would change)
  cac.proget.proget_state:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    feeds:
      - name: internal-nuget
        type: nuget
        description: Internal .NET packages
  check_mode: true
  register: plan

- name: Delete feeds the document does not declare, except one
  cac.proget.proget_state:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    feeds:
      - name: internal-nuget
        type: nuget
    prune: [feeds]
    prune_protect: [installers]

- name: First converge of a large document on a remote ProGet, eight writes at a time
  cac.proget.proget_state:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    feeds: "{{ proget_feeds }}"
    api_keys: "{{ proget_api_keys }}"
    parallel_writes: 8
'''

RETURN = r'''
plan:
  description:
    - One entry per declared (or pruned) object; in check mode what would be done, otherwise what was done.
  returned: always
  type: list
  elements: dict
  contains:
    kind:
      description: The kind (document key), for example C(feeds).
      type: str
    name:
      description: "The object's name; for a permission, its one-line description
        (C(group Developers: Publish Packages on feed internal-nuget))."
      type: str
    action:
      description: C(create), C(update), C(replace) (re-created, for API keys), C(delete) or C(none).
      type: str
    changes:
      description: For C(update), the changed options with C(before) and C(after).
      type: dict
    pruned:
      description: True when the deletion comes from O(prune).
      type: bool
  sample:
    - {kind: feeds, name: internal-nuget, action: update, changes: {description: {before: old, after: new}}}
    - {kind: feeds, name: npm-internal, action: none}
summary:
  description: How many objects are created, updated, deleted and unchanged.
  returned: always
  type: dict
  sample: {create: 1, update: 2, replace: 0, delete: 0, unchanged: 40}
new_secrets:
  description:
    - Secrets ProGet generated during this run, by kind and name (the secret of each API key created without
      a declared C(key)); shown nowhere else. ansible-core 2.22 and later mask them in every output (the
      registered variable holds them); with older versions set C(no_log) on the task to keep them out of the output.
  returned: when a secret was generated
  type: dict
  sample: {api_keys: {ci-build: 0f3c...}}
applied:
  description: The writes that were applied, in order (empty in check mode).
  returned: always
  type: list
  elements: dict
failed_object:
  description: The object whose write failed, with the error.
  returned: on failure while applying
  type: dict
failed_objects:
  description:
    - With O(parallel_writes) above 1, when several writes sent at the same time failed, every one of them with
      its error (the first one is also RV(failed_object)).
  returned: on failure while applying, when more than one write failed
  type: list
  elements: dict
  version_added: 0.2.0
not_applied:
  description: The writes that were planned but not sent because an earlier one failed.
  returned: on failure while applying
  type: list
  elements: dict
problems:
  description: Every problem found in the document (path and message), when it is invalid.
  returned: when the document is invalid
  type: list
  elements: str
not_managed:
  description:
    - What the security part of the document cannot declare because ProGet's API does not manage it (user
      directories other than the built-in one, feed groups named by permissions); check those in ProGet's UI.
  returned: when the document declares (or prunes) users, groups, tasks or permissions
  type: list
  elements: str
  sample:
    - LDAP/Active Directory and SAML user directories (Administration > Security > User Directories)
    - "feed group 'internal' (named by permissions; it must exist in ProGet)"
'''

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.cac.proget.plugins.module_utils.client import ProGetError
from ansible_collections.cac.proget.plugins.module_utils.module import ProGetModule
from ansible_collections.cac.proget.plugins.module_utils.parallel import checked_workers
from ansible_collections.cac.proget.plugins.module_utils.schema import HAS_JSONSCHEMA, JSONSCHEMA_IMPORT_ERROR
from ansible_collections.cac.proget.plugins.module_utils.state import Plan, StateError, kinds, prunable, secret_values


def main():
    names = list(kinds())
    # no_log=False: the secrets inside the lists (an API key's key, a connector's password) are
    # masked one by one through nested_secrets; masking whole lists would hide the plan.
    spec = dict((plural, dict(type='list', elements='dict', no_log=False)) for plural in names)
    spec.update(prune=dict(type='list', elements='str', choices=prunable(), default=[]),
                prune_protect=dict(type='list', elements='str', default=[]),
                prune_max=dict(type='int', default=10),
                prune_max_percent=dict(type='int', default=50),
                prune_allow_empty=dict(type='list', elements='str', choices=prunable(), default=[]),
                parallel_writes=dict(type='int', default=1))
    module = ProGetModule(argument_spec=spec, supports_check_mode=True, nested_secrets=secret_values)
    if not HAS_JSONSCHEMA:
        module.fail_json(msg=missing_required_lib('jsonschema'), exception=JSONSCHEMA_IMPORT_ERROR)
    document = dict((plural, module.params[plural]) for plural in names if module.params[plural] is not None)
    try:
        checked_workers(module.params['parallel_writes'])
    except ValueError as e:
        module.fail_json(msg=str(e))
    plan = Plan(module.client, document, module.params['prune'], module.params['prune_protect'],
                prune_max=module.params['prune_max'], prune_max_percent=module.params['prune_max_percent'],
                prune_allow_empty=module.params['prune_allow_empty'])
    try:
        plan.build()
        applied = [] if module.check_mode else plan.apply(parallel_writes=module.params['parallel_writes'])
    except StateError as e:
        result = dict(plan=[plan.public(s) for s in plan.steps], summary=plan.summary())
        if e.problems:
            result['problems'] = e.problems
        result.update(e.report)
        module.fail_error(e, **result)
    except ProGetError as e:
        module.fail_error(e, plan=[plan.public(s) for s in plan.steps])
    summary = plan.summary()
    result = dict(changed=any(s['action'] != 'none' for s in plan.steps),
                  plan=[plan.public(s) for s in plan.steps], summary=summary, applied=applied)
    if plan.secrets:
        result['new_secrets'] = plan.secrets
        module.returned_secrets('new_secrets', [secret for by_name in plan.secrets.values()
                                                for secret in by_name.values()])
    if plan.not_managed():
        result['not_managed'] = plan.not_managed()
    if module._diff:
        result['diff'] = plan.diffs()
    module.exit_json(**result)


if __name__ == '__main__':
    main()
