#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: proget_task_info
short_description: List ProGet security tasks or get one, and the server's task attributes
version_added: 0.2.0
description:
  - Returns the tasks of a ProGet server (built-in and custom) as ProGet's Security API lists them, or one task by
    name.
  - With O(attributes=true), also returns the task attributes the server knows, the names that
    O(cac.proget.proget_task#module:attributes) of M(cac.proget.proget_task) takes.
author:
  - cac.proget maintainers (@cac-proget)
extends_documentation_fragment:
  - cac.proget.connection
  - cac.proget.attributes.info_module
  - cac.proget.security
options:
  name:
    description:
      - Name of one task (case-insensitive). Without it, every task is returned.
      - A task that does not exist gives an empty RV(tasks) list, not an error.
    type: str
  attributes:
    description:
      - Also return RV(attributes), the server's task attributes (one more request,
        C(GET /api/security/attributes/list)).
    type: bool
    default: false
seealso:
  - module: cac.proget.proget_task
  - module: cac.proget.proget_permission_info
'''

EXAMPLES = r'''
- name: All tasks, and the attributes a task can have
  cac.proget.proget_task_info:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    attributes: true
  register: security_tasks

- name: The attributes that can be scoped to a feed
  ansible.builtin.debug:
    msg: "{{ security_tasks.attributes | selectattr('feedScoped') | map(attribute='name') | list }}"

- name: One task
  cac.proget.proget_task_info:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    name: Publish Packages
  register: publish
'''

RETURN = r'''
tasks:
  description:
    - The tasks, as ProGet returns them (camelCase fields). C(feedScoped) is V(true) when every attribute of the
      task can be scoped to a feed (the task can then be used in a feed or feed-group permission).
  returned: always
  type: list
  elements: dict
  sample:
    - name: Publish Packages
      description: Allows access to publish, upload, push, and pull packages from a feed.
      feedScoped: true
      attributes: [Feeds_ViewFeed, Feeds_DownloadPackage, Feeds_AddPackage, Feeds_PullPackage]
attributes:
  description: The task attributes the server knows, with whether each can be scoped to a feed.
  returned: when O(attributes=true)
  type: list
  elements: dict
  contains:
    name:
      description: Name of the attribute.
      type: str
    feedScoped:
      description: Whether the attribute can be scoped to a feed.
      type: bool
  sample:
    - {name: Feeds_ViewFeed, feedScoped: true}
    - {name: Admin_ConfigureProGet, feedScoped: false}
'''

from ansible_collections.cac.proget.plugins.module_utils.client import ProGetError
from ansible_collections.cac.proget.plugins.module_utils.module import ProGetModule
from ansible_collections.cac.proget.plugins.module_utils.security import TaskResource


def main():
    module = ProGetModule(argument_spec=dict(name=dict(type='str'), attributes=dict(type='bool', default=False)),
                          supports_check_mode=True)
    resource = TaskResource()
    result = dict(changed=False, tasks=module.find_objects(resource, module.params['name']))
    if module.params['attributes']:
        try:
            result['attributes'] = list(resource.attributes(module.client).values())
        except ProGetError as e:
            module.fail_error(e)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
