# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: proget_collection_version
short_description: Version of a collection installed on the controller
version_added: 0.2.0
description:
  - Returns, for each collection named in the terms, the version that ansible-core on the controller finds (in the
    collections paths, or installed with a Python package such as C(ansible)); an empty string when the collection
    is not installed, and V(*) when it is installed without version information.
  - The role P(cac.proget.proget_server#role) uses it to check, before it changes anything, that the collection it
    needs on the platform is there (C(community.docker) on Linux, C(ansible.windows) on Windows), since
    C(cac.proget) does not depend on them.
author:
  - cac.proget maintainers (@cac-proget)
options:
  _terms:
    description: Collection names, C(namespace.name).
    required: true
    type: list
    elements: str
'''

EXAMPLES = r'''
- name: Say whether community.docker is installed
  ansible.builtin.debug:
    msg: "community.docker: {{ lookup('cac.proget.proget_collection_version', 'community.docker') or 'not installed' }}"

- name: Is community.docker 3.10.0 or later there? (the role cac.proget.proget_server fails early without it)
  ansible.builtin.set_fact:
    docker_ready: "{{ docker_version | length > 0 and (docker_version == '*' or docker_version is version('3.10.0', '>=')) }}"
  vars:
    docker_version: "{{ lookup('cac.proget.proget_collection_version', 'community.docker') }}"

- name: Several at once, one version per name
  ansible.builtin.debug:
    msg: "{{ query('cac.proget.proget_collection_version', 'community.docker', 'ansible.windows') }}"
'''

RETURN = r'''
_raw:
  description: One version string per term, in the order of the terms (empty = not installed, V(*) = unknown version).
  type: list
  elements: str
'''

import json
import os
import re
from importlib.util import find_spec

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

try:
    import yaml
except ImportError:  # pragma: no cover - PyYAML is a requirement of ansible-core
    yaml = None

_NAME = re.compile(r'^[a-z0-9][a-z0-9_]*$', re.I)


def _version_in(path):
    """The version in MANIFEST.json (an installed collection) or galaxy.yml (a source tree)."""
    manifest = os.path.join(path, 'MANIFEST.json')
    if os.path.isfile(manifest):
        try:
            with open(manifest) as handle:
                version = json.load(handle).get('collection_info', {}).get('version')
        except (IOError, OSError, ValueError, AttributeError):
            version = None
        if version:
            return str(version)
    galaxy = os.path.join(path, 'galaxy.yml')
    if yaml is not None and os.path.isfile(galaxy):
        try:
            with open(galaxy) as handle:
                version = (yaml.safe_load(handle) or {}).get('version')
        except (IOError, OSError, yaml.YAMLError, AttributeError):
            version = None
        if version:
            return str(version)
    return None


def collection_version(name):
    """Installed version of the collection ``name`` ('' when it is not installed, '*' when unknown)."""
    parts = str(name).split('.')
    if len(parts) != 2 or not all(_NAME.match(p) for p in parts):
        raise AnsibleLookupError("proget_collection_version: %r is not a collection name (namespace.name)" % (name,))
    try:
        # ansible-core's collection finder answers for every collections path and ansible_collections
        # directory on sys.path (the `ansible` package), in its order of precedence
        spec = find_spec('ansible_collections.%s.%s' % (parts[0], parts[1]))
    except (ImportError, ValueError):
        spec = None
    if spec is None:
        return ''
    for path in list(spec.submodule_search_locations or []):
        version = _version_in(path)
        if version:
            return version
    return '*'


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        return [collection_version(term) for term in terms]
