#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: proget_task
short_description: Manage ProGet security tasks (named sets of task attributes)
version_added: 0.2.0
description:
  - Create, update and delete tasks through ProGet's Security API C(/api/security/tasks). A task is a named set of
    task attributes (C(Feeds_ViewFeed), C(Feeds_AddPackage), C(Admin_ConfigureProGet), ...); permissions
    (M(cac.proget.proget_permission)) grant or deny a task to a user or a group.
  - Only the options you set are managed; options left out keep the value they have on the server.
  - ProGet's built-in tasks are C(Administer), C(Manage Feed), C(Manage Projects), C(Promote Packages),
    C(Publish Packages) and C(View & Download Packages). They cannot be deleted; ProGet's documentation says their
    attributes can be changed.
  - A task can be used in a permission scoped to a feed or a feed group only when all its attributes can be scoped
    to a feed (RV(task.feedScoped) is V(true)).
  - A no-op run sends one request (the list of tasks); a create or an attribute change also lists the server's task
    attributes.
author:
  - cac.proget maintainers (@cac-proget)
extends_documentation_fragment:
  - cac.proget.connection
  - cac.proget.attributes
  - cac.proget.security
options:
  name:
    description:
      - Name of the task, matched case-insensitively.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the task; V(absent) deletes it.
      - A built-in task is never deleted; V(absent) for one fails before any request that writes.
    type: str
    choices: [present, absent]
    default: present
  description:
    description:
      - Description of the task.
    type: str
  attributes:
    description:
      - Names of the task attributes the task grants, for example V(Feeds_ViewFeed), V(Feeds_DownloadPackage),
        V(Feeds_AddPackage) or V(Admin_ConfigureProGet). Replaces the task's attributes.
      - Compared case-insensitively and without order.
      - Checked against the attributes the server knows (C(GET /api/security/attributes/list), see
        O(cac.proget.proget_task_info#module:attributes) of M(cac.proget.proget_task_info)) before any write; the
        error lists the known ones.
      - Required to create a task; must not be empty.
    type: list
    elements: str
seealso:
  - module: cac.proget.proget_task_info
  - module: cac.proget.proget_permission
  - module: cac.proget.proget_state
'''

EXAMPLES = r'''
- name: A task that may view, download and add packages, but not overwrite or delete them
  cac.proget.proget_task:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    name: Upload Packages
    description: View, download and add packages
    attributes:
      - Feeds_ViewFeed
      - Feeds_DownloadPackage
      - Feeds_AddPackage

- name: Change its description only (the attributes stay)
  cac.proget.proget_task:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    name: Upload Packages
    description: View, download and add packages (CI agents)

- name: Delete a custom task
  cac.proget.proget_task:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    name: Legacy Uploaders
    state: absent
'''

RETURN = r'''
task:
  description:
    - The task as ProGet returns it after the change (ProGet's camelCase field names); in check mode, the expected
      result. Empty after a deletion.
  returned: always
  type: dict
  contains:
    name:
      description: Name of the task.
      type: str
    description:
      description: Description of the task.
      type: str
    feedScoped:
      description: Whether every attribute of the task can be scoped to a feed (so the task can be used in a feed or
        feed-group permission).
      type: bool
    attributes:
      description: The task attributes.
      type: list
      elements: str
  sample:
    name: Upload Packages
    description: View, download and add packages
    feedScoped: true
    attributes: [Feeds_ViewFeed, Feeds_DownloadPackage, Feeds_AddPackage]
action:
  description: What was done (or would be done in check mode).
  returned: always
  type: str
  choices: [create, update, delete, none]
  sample: create
'''

from ansible_collections.cac.proget.plugins.module_utils.module import run_resource_module
from ansible_collections.cac.proget.plugins.module_utils.security import TaskResource


def main():
    run_resource_module(TaskResource())


if __name__ == '__main__':
    main()
