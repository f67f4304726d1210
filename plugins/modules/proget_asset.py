#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: proget_asset
short_description: Manage files and folders in a ProGet asset directory
version_added: 0.1.0
description:
  - Uploads a file (from O(src) or O(content)) to a ProGet asset directory, only when its content differs
    from what ProGet holds (compared by hash, SHA-256 or SHA-1 on servers that give only that).
  - Creates folders, and with O(state=directory) and O(src) a local directory, syncs a whole tree with one
    listing request (new and changed files; with O(delete=true) also removes remote files that are not in O(src)).
  - Manages the item's content type, user metadata and cache header.
  - Removes files and folders with O(state=absent).
  - Files are streamed from disk; files larger than O(part_size) use ProGet's multipart upload, in which the
    file appears only when every part arrived. An interrupted upload leaves nothing behind; the next run
    uploads the file again.
author:
  - cac.proget maintainers (@cac-proget)
extends_documentation_fragment:
  - cac.proget.connection
  - cac.proget.attributes
options:
  feed:
    description:
      - Name of the asset directory (a ProGet feed of type V(asset)).
    type: str
    required: true
  path:
    description:
      - Path of the file or folder inside the asset directory, C(/)-separated, for example V(tools/app-1.2.zip).
      - Leading and trailing C(/) are ignored; C(\\) counts as C(/). V(..) and V(.) segments are refused.
      - With O(state=directory) an empty path is the root of the asset directory.
    type: str
    required: true
  state:
    description:
      - V(present) a file, from O(src) or O(content). Without either, the file must already be there (uploaded by
        CI, for example) and only its O(content_type), O(user_metadata) and O(cache_header) are managed.
      - V(directory) a folder; with O(src) a local directory, the files below it are synced.
      - V(absent) removes the file or folder (see O(recursive)). A missing item is not an error.
    type: str
    choices: [present, directory, absent]
    default: present
  src:
    description:
      - Local file (O(state=present)) or local directory (O(state=directory)) to upload.
      - Mutually exclusive with O(content).
    type: path
  content:
    description:
      - Content of the file, as text (UTF-8). For small files; use O(src) for anything large.
      - Mutually exclusive with O(src).
    type: str
  content_type:
    description:
      - Content type stored for the file, for example V(application/zip). Not managed when left out
        (ProGet then guesses it from the file name on upload).
    type: str
  user_metadata:
    description:
      - User metadata of the item (name to text value).
      - How it combines with what the item has is set by O(metadata_mode).
    type: dict
  metadata_mode:
    description:
      - V(update) sets the given O(user_metadata) keys and leaves others.
      - V(replace) makes the item's metadata exactly O(user_metadata). A change of O(content_type) or O(cache_header)
        alone never removes user metadata.
      - A value that ProGet sends as a response header (C(includeInResponseHeader)) keeps that setting when it is
        changed.
    type: str
    choices: [update, replace]
    default: update
  cache_header:
    description:
      - The Cache-Control ProGet sends for the item.
    type: dict
    suboptions:
      type:
        description:
          - V(nocache), V(ttl) (O(cache_header.value) = seconds), V(custom) (O(cache_header.value) = a
            Cache-Control string) or V(inherit) (from the parent folder).
        type: str
        choices: [nocache, ttl, custom, inherit]
        required: true
      value:
        description:
          - Seconds for V(ttl), the header text for V(custom).
        type: raw
  force:
    description:
      - Upload even when the hashes are equal.
    type: bool
    default: false
  part_size:
    description:
      - Files larger than this many bytes are uploaded in parts of this size (ProGet's multipart upload).
      - At least 1024 (ProGet's minimum part size).
    type: int
    default: 5242880
  delete:
    description:
      - With O(state=directory) and O(src), delete remote files and folders below O(path) that are not in O(src).
    type: bool
    default: false
  recursive:
    description:
      - With O(state=absent), delete a folder with everything in it. Without it ProGet refuses a non-empty folder.
    type: bool
    default: false
  parallel_writes:
    description:
      - With O(state=directory) and O(src), how many new or changed files are uploaded at the same time (1 to 32);
        the deletions of O(delete=true) are sent the same way, before the uploads.
      - Each worker thread has its own HTTP session. If an upload fails, no new upload starts, those already sent
        finish, and the error names the file and how many were uploaded; the next run uploads the rest (files
        already equal are never sent again).
      - The default V(1) uploads one file after another. V(4) to V(8) is safe for ProGet (each upload is a
        request of its own, to a path of its own) and mostly helps with many small files on a remote server.
    type: int
    default: 1
    version_added: 0.2.0
notes:
  - Memory use does not grow with the file size; a no-op run hashes the local file and sends one request
    (one per sync, whatever the number of files).
seealso:
  - module: cac.proget.proget_asset_info
  - module: cac.proget.proget_download
  - module: cac.proget.proget_feed
'''

EXAMPLES = r'''
- name: Publish an installer
  cac.proget.proget_asset:
    url: https://proget.example.com
    api_key: "{{ proget_api_key }}"
    feed: installers
    path: app/app-1.2.0.tar.gz
    src: "{{ playbook_dir }}/files/app-1.2.0.tar.gz"
    content_type: application/gzip
    cache_header:
      type: ttl
      value: 3600

- name: A small configuration file from text, with metadata
  cac.proget.proget_asset:
    url: https://proget.example.com
    feed: installers
    path: config/settings.json
    content: '{"channel": "stable"}'
    user_metadata:
      owner: platform-team

- name: Tag a file that CI published (no src or content; the file must exist)
  cac.proget.proget_asset:
    url: https://proget.example.com
    feed: installers
    path: app/app-1.2.0.tar.gz
    user_metadata:
      approved-by: release-board
    cache_header:
      type: ttl
      value: 86400

- name: Keep a folder in sync with a local directory
  cac.proget.proget_asset:
    url: https://proget.example.com
    feed: installers
    path: docs
    state: directory
    src: "{{ playbook_dir }}/files/docs"
    delete: true

- name: Sync a folder of many small files, eight uploads at a time
  cac.proget.proget_asset:
    url: https://proget.example.com
    feed: installers
    path: site
    state: directory
    src: "{{ playbook_dir }}/files/site"
    parallel_writes: 8

- name: Remove an old folder with its content
  cac.proget.proget_asset:
    url: https://proget.example.com
    feed: installers
    path: app/old
    state: absent
    recursive: true
'''

RETURN = r'''
asset:
  description: The item after the run, as ProGet describes it (AssetDirectoryItem, camelCase), plus C(path).
  returned: success
  type: dict
  sample:
    name: app-1.2.0.tar.gz
    parent: /app
    path: app/app-1.2.0.tar.gz
    type: application/gzip
    size: 10485760
    sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
uploaded:
  description: Whether the file was (or in check mode would be) uploaded.
  returned: state is present
  type: bool
checksum:
  description: SHA-256 of the file's content (when known).
  returned: state is present
  type: str
plan:
  description: For O(state=directory), what the run does (or in check mode would do).
  returned: state is directory
  type: dict
  contains:
    create_folder:
      description: Whether the folder itself is created.
      type: bool
    upload:
      description: Paths (relative to O(path)) uploaded because they are new or changed.
      type: list
      elements: str
    delete:
      description: Paths (relative to O(path)) deleted because they are not in O(src).
      type: list
      elements: str
    unchanged:
      description: Number of files already equal.
      type: int
'''

from ansible_collections.cac.proget.plugins.module_utils.assets import ARGUMENT_SPEC, ensure_asset
from ansible_collections.cac.proget.plugins.module_utils.client import ProGetError
from ansible_collections.cac.proget.plugins.module_utils.engine import ValidationError
from ansible_collections.cac.proget.plugins.module_utils.module import ProGetModule


def main():
    module = ProGetModule(
        argument_spec=ARGUMENT_SPEC,
        mutually_exclusive=[('src', 'content')],
        supports_check_mode=True,
    )
    try:
        result = ensure_asset(module.client, module.params, module.check_mode)
    except (ProGetError, ValidationError) as e:
        module.fail_error(e)
    diff = result.pop('diff')
    if module._diff:
        result['diff'] = diff
    module.exit_json(**result)


if __name__ == '__main__':
    main()
