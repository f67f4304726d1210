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
  prune_protect:
    description:
      - Names (case-insensitive) never deleted by O(prune).
      - "A permission is named by its one-line description, as the plan shows it, for example
        C(group Developers: Publish Packages on feed internal-nuget) or
        C(deny user Anonymous: Administer on all feeds and the server)."
      - The built-in C(Admin) user, the C(Administrators) group and the built-in tasks are never pruned, listed here
        or not.
    type: list
    elements: str
    default: []
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
from ansible_collections.cac.proget.plugins.module_utils.schema import HAS_JSONSCHEMA, JSONSCHEMA_IMPORT_ERROR
from ansible_collections.cac.proget.plugins.module_utils.state import Plan, StateError, kinds, prunable, secret_values


def main():
    names = list(kinds())
    # no_log=False: the secrets inside the lists (an API key's key, a connector's password) are
    # masked one by one through nested_secrets; masking whole lists would hide the plan.
    spec = dict((plural, dict(type='list', elements='dict', no_log=False)) for plural in names)
    spec.update(prune=dict(type='list', elements='str', choices=prunable(), default=[]),
                prune_protect=dict(type='list', elements='str', default=[]))
    module = ProGetModule(argument_spec=spec, supports_check_mode=True, nested_secrets=secret_values)
    if not HAS_JSONSCHEMA:
        module.fail_json(msg=missing_required_lib('jsonschema'), exception=JSONSCHEMA_IMPORT_ERROR)
    document = dict((plural, module.params[plural]) for plural in names if module.params[plural] is not None)
    plan = Plan(module.client, document, module.params['prune'], module.params['prune_protect'])
    try:
        plan.build()
        applied = [] if module.check_mode else plan.apply()
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
