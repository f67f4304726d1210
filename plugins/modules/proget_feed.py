#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: proget_feed
short_description: Manage ProGet feeds and asset directories
version_added: 0.1.0
description:
  - Create, update and delete feeds (and asset directories, which are feeds of type C(asset)) through
    ProGet's Feed Management API C(/api/management/feeds).
  - Only the options you set are managed; options left out keep the value they have on the server.
  - Lists (O(connectors), O(retention_rules), O(alternate_names)) and O(variables) replace what the
    server has; an empty list or dict clears it.
  - A no-op run sends one request (a GET of the feed).
author:
  - cac.proget maintainers (@cac-proget)
extends_documentation_fragment:
  - cac.proget.connection
  - cac.proget.attributes
options:
  name:
    description:
      - Name of the feed. Matched case-insensitively; ProGet keeps the spelling it was created with.
      - Only letters, digits, C(.), C(_), C(~) and C(-) (ProGet refuses names that need URL escaping).
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the feed, V(absent) deletes it (with its packages).
    type: str
    choices: [present, absent]
    default: present
  type:
    description:
      - ProGet feed type, case-insensitive, for example V(nuget), V(npm), V(pypi), V(docker), V(maven),
        V(universal), V(helm), V(asset).
      - Required to create a feed. ProGet only lets a feed change type among V(nuget), V(chocolatey) and
        V(powershell), or between V(universal) and V(romp); any other change is refused before any write.
    type: str
  description:
    description:
      - Description shown in ProGet. An empty string removes it.
    type: str
  active:
    description:
      - Whether the feed is enabled.
    type: bool
  alternate_names:
    description:
      - Extra endpoint names of the feed (compared without order and case).
    type: list
    elements: str
  cache_connectors:
    description:
      - Cache packages fetched through connectors.
    type: bool
  drop_path:
    description:
      - Server-side folder watched for packages to import. An empty string disables it.
    type: str
  connectors:
    description:
      - Ordered list of connector names attached to the feed; replaces the current list, V([]) detaches all.
      - Every connector must exist; a missing one fails before any write.
    type: list
    elements: str
  retention_rules:
    description:
      - Ordered list of retention rules; replaces the current list, V([]) removes all rules.
      - Rules have no identity in ProGet; they are compared in order, field by field, booleans
        defaulting to V(false).
    type: list
    elements: dict
    suboptions:
      delete_prerelease_versions:
        description: The rule applies only to prerelease (or SNAPSHOT) versions.
        type: bool
        default: false
      delete_cached:
        description: The rule applies only to packages cached from connectors.
        type: bool
        default: false
      keep_versions_count:
        description: Always keep the latest N versions of each package.
        type: int
      keep_used_within_days:
        description: Keep versions downloaded or requested within N days.
        type: int
      trigger_download_count:
        description: Keep versions downloaded more than N times.
        type: int
      keep_package_ids:
        description: Package names always kept (wildcards C(*) allowed).
        type: list
        elements: str
      delete_package_ids:
        description: Only these package names are eligible for deletion (wildcards C(*) allowed).
        type: list
        elements: str
      keep_versions:
        description: Versions always kept (wildcards C(*) allowed).
        type: list
        elements: str
      delete_versions:
        description: Only these versions are eligible for deletion (wildcards C(*) allowed).
        type: list
        elements: str
      size_trigger_kb:
        description: Run the rule only when the size exceeds N kilobytes.
        type: int
      size_exclusive:
        description: With O(retention_rules[].size_trigger_kb), measure matching packages only instead of the whole feed.
        type: bool
        default: false
      keep_consumed_within_days:
        description: Keep versions used in SCA builds within N days.
        type: int
      keep_if_actively_consumed:
        description: Keep packages that are actively consumed.
        type: bool
        default: false
      keep_package_usage_removed_days:
        description: Delete packages whose usage data was removed at least N days ago.
        type: int
  retention_enabled:
    description:
      - Master switch of the feed's retention rules (ProGet's C(retentionRulesEnabled)).
    type: bool
  variables:
    description:
      - Feed variables (name to value); replaces the current set, V({}) clears it.
      - Names are at most 50 letters, digits, spaces, C(_) or C(-), start with a letter and do not end
        with C(-), C(_) or a space.
    type: dict
  symbol_server_enabled:
    description: Enable the symbol server (NuGet-like feeds).
    type: bool
  strip_symbols:
    description: Strip symbol files from packages on download (NuGet).
    type: bool
  strip_source:
    description: Strip source files from packages on download (NuGet).
    type: bool
  strip_signature:
    description: Strip package signatures on download (NuGet).
    type: bool
  use_api_v3:
    description: Enable the NuGet v3 API of the feed.
    type: bool
  vulnerabilities_enabled:
    description: Show vulnerabilities and enforce blocking.
    type: bool
  licenses_enabled:
    description: Show licenses and enforce license policies.
    type: bool
  package_statistics_enabled:
    description: Record every package download.
    type: bool
  restrict_package_statistics:
    description: Show package statistics to feed administrators only.
    type: bool
  usage_records_enabled:
    description: Record package usage.
    type: bool
  deployment_records_enabled:
    description: Record package deployments.
    type: bool
  use_with_projects:
    description: Show the feed's packages in SCA projects.
    type: bool
  storage:
    description:
      - Where the feed keeps its packages, through ProGet's feed storage API (C(/api/storage?feed=), ProGet 2024 and
        later). Read (one more request) only when this option is given.
      - Compared with what ProGet returns - the type and each declared property; properties that are not declared
        keep their current value. A difference writes the whole configuration again.
      - Cloud storage (S3, Azure) needs a paid edition.
    type: dict
    suboptions:
      type:
        description:
          - The storage type id ProGet lists at C(GET /api/storage), for example V(disk), V(s3) or V(azure).
        type: str
      properties:
        description:
          - The type's properties by ProGet's (PascalCase) names, for example C(StoragePath) for disk; C(BucketName),
            C(RegionEndpoint), C(AccessKey), C(SecretAccessKey), C(TargetPath), C(MakePublic) for s3;
            C(ConnectionString), C(ContainerName), C(TargetPath) for azure. Checked against the type's list
            (names, required ones, booleans) before any write.
          - C(SecretAccessKey) and C(ConnectionString) are secrets - write-only, never shown in results, diffs,
            errors or exports (C(<write-only>) / C(<changed>) in a diff). They are sent when the storage is
            written - a new feed, another type, a changed property - and on every run with
            O(storage.update_secrets=always). Take them from a vault.
        type: dict
      update_secrets:
        description:
          - V(on_create) (the default) sends the secret properties only when the storage is written for another
            reason; V(always) writes the storage on every run (reported as changed) so that a rotated secret
            reaches ProGet.
        type: str
        choices: [on_create, always]
seealso:
  - module: cac.proget.proget_feed_info
  - module: cac.proget.proget_connector
'''

EXAMPLES = r'''
- name: A NuGet feed that mirrors nuget.org and keeps the 10 latest versions
  cac.proget.proget_feed:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    name: internal-nuget
    type: nuget
    description: Internal and approved public packages
    connectors: [nuget.org]
    retention_enabled: true
    retention_rules:
      - keep_versions_count: 10
        delete_prerelease_versions: true

- name: Give the connection once for every module of the collection
  module_defaults:
    group/cac.proget.proget:
      url: https://proget.example.com
      api_key: "{{ proget_api_key }}"
  block:
    - name: An npm feed
      cac.proget.proget_feed:
        name: npm-internal
        type: npm
        variables:
          team: web

    - name: An asset directory
      cac.proget.proget_feed:
        name: installers
        type: asset

- name: Keep a feed's packages in Amazon S3 (the secret access key from a vault; never shown)
  cac.proget.proget_feed:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    name: releases
    type: universal
    storage:
      type: s3
      properties:
        BucketName: corp-proget-releases
        RegionEndpoint: eu-central-1
        AccessKey: AKIAEXAMPLE
        SecretAccessKey: "{{ vault_s3_secret_access_key }}"
        TargetPath: releases/

- name: Or on a disk path of its own
  cac.proget.proget_feed:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    name: npm-internal
    storage:
      type: disk
      properties:
        StoragePath: /var/proget/packages/npm-internal

- name: Disable a feed without touching anything else
  cac.proget.proget_feed:
    url: https://proget.example.com
    name: legacy-nuget
    active: false

- name: Delete a feed
  cac.proget.proget_feed:
    url: https://proget.example.com
    name: old-feed
    state: absent
'''

RETURN = r'''
feed:
  description:
    - The feed as ProGet returns it after the change (ProGet's camelCase field names); in check mode, the
      expected result. Empty after a deletion.
  returned: always
  type: dict
  sample:
    name: internal-nuget
    feedType: nuget
    active: true
    connectors: [nuget.org]
    retentionRules:
      - keepVersionsCount: 10
        deletePrereleaseVersions: true
        deleteCached: false
        sizeExclusive: false
        keepIfActivelyConsumed: false
    variables: {}
action:
  description: What was done (or would be done in check mode).
  returned: always
  type: str
  choices: [create, update, delete, none]
  sample: update
'''

from ansible_collections.cac.proget.plugins.module_utils.feeds import FeedResource
from ansible_collections.cac.proget.plugins.module_utils.module import run_resource_module


def main():
    run_resource_module(FeedResource())


if __name__ == '__main__':
    main()
