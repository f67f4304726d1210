# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: proget_versions
short_description: Versions of a package in a ProGet feed, newest first
version_added: 0.1.0
description:
  - Returns the versions of each package named in the terms, newest first in SemVer 2 order
    (a prerelease sorts below its release; numeric prerelease identifiers before alphanumeric ones).
  - With several terms the versions of all of them are returned one package after the other.
  - A package that does not exist gives no versions.
author:
  - cac.proget maintainers (@cac-proget)
# In this order: the first fragment wins per option key (see plugins/doc_fragments/connection.py).
extends_documentation_fragment:
  - cac.proget.connection.plugins
  - cac.proget.connection
options:
  _terms:
    description: Package names (NuGet ids, universal package names).
    required: true
    type: list
    elements: str
  feed:
    description: Name of the feed.
    type: str
    required: true
  group:
    description: Package group (universal packages; npm scope without C(@)).
    type: str
  api:
    description:
      - V(packages) = C(/api/packages) (ProGet 2023+, any feed type), V(universal) = C(/upack/{feed}/versions),
        V(nuget) = C(/nuget/{feed}/Packages?$format=json).
    type: str
    choices: [packages, universal, nuget]
    default: packages
  stable_only:
    description: Leave out prerelease versions.
    type: bool
    default: false
  qualifier:
    description:
      - Only versions that have a file with this qualifier (feed types whose versions hold several files, for
        example V(file=acme_tools-1.4.0-py3-none-any.whl)). A version with several files is listed once.
    type: str
seealso:
  - module: cac.proget.proget_package_info
'''

EXAMPLES = r'''
- name: Deploy the newest stable version of a tool
  ansible.builtin.debug:
    msg: "{{ query('cac.proget.proget_versions', 'deploy-tool', feed='tools', api='universal', group='acme',
             stable_only=true) | first }}"

- name: All versions of a NuGet package, newest first
  ansible.builtin.set_fact:
    acme_versions: "{{ query('cac.proget.proget_versions', 'Acme.Core', feed='internal-nuget', api='nuget') }}"
'''

RETURN = r'''
_raw:
  description: Version strings, newest first (per term, in the order of the terms).
  type: list
  elements: str
'''

from ansible.errors import AnsibleLookupError
from ansible.module_utils.common.text.converters import to_native
from ansible.plugins.lookup import LookupBase

from ansible_collections.cac.proget.plugins.module_utils.client import ProGetError
from ansible_collections.cac.proget.plugins.module_utils.connection import (
    CONNECTION_ARGUMENT_SPEC, client_from_options, connection_options)
from ansible_collections.cac.proget.plugins.module_utils.engine import ValidationError
from ansible_collections.cac.proget.plugins.module_utils import packages as pk


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        opt = self.get_option
        # The connection options as given in the call, not get_option(): that would return the
        # documented defaults (validate_certs, timeout) and hide the PROGET_* variables. They have
        # no env/ini/vars sources, so the keyword arguments are all that can have been given.
        given = dict((name, kwargs.get(name)) for name in CONNECTION_ARGUMENT_SPEC)
        try:
            client = client_from_options(connection_options(given), warn=self._display.warning)
        except ProGetError as e:
            raise AnsibleLookupError('proget_versions: %s' % to_native(e))
        qualifier = (opt('qualifier') or '').lower()
        out = []
        for term in terms:
            try:
                versions = pk.list_versions(client, opt('feed'), name=term, group=opt('group'), api=opt('api'))
            except (ProGetError, ValidationError) as e:
                raise AnsibleLookupError("proget_versions: package '%s' in feed '%s': %s"
                                         % (term, opt('feed'), client.scrub(to_native(e))))
            found = []
            for v in versions:
                if str(v['name']).lower() != str(term).lower() or (opt('stable_only') and v['prerelease']):
                    continue
                if qualifier and v['qualifier'].lower() != qualifier:
                    continue
                if v['version'] not in found:  # one row per file: each version once
                    found.append(v['version'])
            out.extend(found)
        return out
