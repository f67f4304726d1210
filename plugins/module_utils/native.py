# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ProGet's native API: GET|POST /api/json/{Method} (proget-api.md section 7)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.cac.proget.plugins.module_utils.client import ProGetError
from ansible_collections.cac.proget.plugins.module_utils.engine import ValidationError


METHOD_RE = re.compile(r'^[A-Za-z0-9_]+$')
# Methods that only read: <Area>_Get<Something> (Feeds_GetFeeds, Configuration_GetValue, ...).
READ_RE = re.compile(r'^[A-Za-z0-9]+_Get', re.IGNORECASE)
# Credentials travel in the X-ApiKey header; these argument names would carry a key instead.
CREDENTIAL_ARGUMENTS = ('key', 'api_key')


def is_read(method):
    return bool(READ_RE.match(method))


def validate_call(method, arguments):
    if not method or not METHOD_RE.match(method):
        raise ValidationError("native API: method %r must be a method name of letters, digits and '_' only "
                              '(for example Feeds_GetFeeds)' % (method,))
    if not isinstance(arguments, dict):
        raise ValidationError('native API method %s: arguments must be a dict of argument names to values'
                              % method)
    for name, value in arguments.items():
        if str(name).lower() in CREDENTIAL_ARGUMENTS:
            raise ValidationError('native API method %s: arguments must not contain %s; give the key as the '
                                  'api_key option (it is sent in the X-ApiKey header)' % (method, name))
        if isinstance(value, (dict, list)):
            raise ValidationError('native API method %s: argument %s must be a string, number, boolean or null'
                                  % (method, name))


def call(client, method, arguments):
    """Call one native method with a JSON body; return its result (rows, row, scalar or None)."""
    validate_call(method, arguments)
    path = 'api/json/%s' % method
    try:
        response = client.request('POST', path, json_body=dict(arguments), safe=is_read(method))
    except ProGetError as e:
        raise ProGetError('native API method %s failed: %s' % (method, e), status=e.status, method=e.method,
                          path=e.path, body=e.body, uncertain=e.uncertain)
    if not response.content or not response.content.strip():
        return None
    try:
        return response.json()
    except ValueError:
        return response.text
