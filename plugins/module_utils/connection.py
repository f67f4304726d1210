# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection options of the collection, declared once for modules and plugins.

* :data:`CONNECTION_ARGUMENT_SPEC` (with :data:`CONNECTION_MUTUALLY_EXCLUSIVE` and
  :data:`CONNECTION_REQUIRED_TOGETHER`) is what every module adds to its own argument spec
  (``ProGetModule``); the ``PROGET_*`` environment variables are its fallbacks.
* :func:`connection_options` resolves the same options for a plugin that is not a module (the
  lookup) exactly as that argument spec does.
* :func:`client_from_options` is the one place a :class:`ProGetClient` is built from them.

Their documentation is ``plugins/doc_fragments/connection.py``: ``cac.proget.connection`` for
modules, ``cac.proget.connection.plugins`` (listed first) + ``cac.proget.connection`` for plugins;
``tests/unit/test_connection_spec.py`` checks both against this spec.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.module_utils.errors import AnsibleFallbackNotFound
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.cac.proget.plugins.module_utils.client import ProGetClient, ProGetError


def env_fallback(*names):
    """Like ansible's ``env_fallback``, but an empty variable counts as unset.

    AWX / Automation Controller credential types inject every variable they declare, the ones
    whose field was left empty as ``''``: an empty ``PROGET_USERNAME`` must not make the
    ``api_key``/``username`` pair mutually exclusive, nor an empty ``PROGET_CA_PATH`` a CA file.
    """
    for name in names:
        value = os.environ.get(name)
        if value:
            return value
    raise AnsibleFallbackNotFound


CONNECTION_ARGUMENT_SPEC = dict(
    url=dict(type='str', required=True, fallback=(env_fallback, ['PROGET_URL'])),
    api_key=dict(type='str', no_log=True, fallback=(env_fallback, ['PROGET_API_KEY'])),
    username=dict(type='str', fallback=(env_fallback, ['PROGET_USERNAME'])),
    password=dict(type='str', no_log=True, fallback=(env_fallback, ['PROGET_PASSWORD'])),
    validate_certs=dict(type='bool', default=True, fallback=(env_fallback, ['PROGET_VALIDATE_CERTS'])),
    ca_path=dict(type='path', fallback=(env_fallback, ['PROGET_CA_PATH'])),
    timeout=dict(type='int', default=30, fallback=(env_fallback, ['PROGET_TIMEOUT'])),
)

CONNECTION_MUTUALLY_EXCLUSIVE = [('api_key', 'username'), ('api_key', 'password')]
CONNECTION_REQUIRED_TOGETHER = [('username', 'password')]


def connection_options(given):
    """The connection options of a plugin that is not a module (the lookup), resolved exactly as the
    modules' argument spec resolves them: a value given wins, else a non-empty ``PROGET_*``
    variable, else the default; then converted to the option's type.

    ``given`` holds only what the user gave (``None`` or absent = not given): not Ansible's own
    option defaults, which would hide the environment variables.
    """
    out = {}
    for name, spec in CONNECTION_ARGUMENT_SPEC.items():
        value = given.get(name)
        if value is None:
            try:
                value = spec['fallback'][0](*spec['fallback'][1])
            except AnsibleFallbackNotFound:
                value = spec.get('default')
        try:
            if value is not None and spec['type'] == 'bool':
                value = boolean(value)
            elif value is not None and spec['type'] == 'int':
                value = int(value)
        except (TypeError, ValueError):
            raise ProGetError('%s: %r is not a valid %s' % (name, value, spec['type']))
        if value is not None and spec['type'] == 'path':
            value = os.path.expanduser(os.path.expandvars(value))
        out[name] = value
    if not out['url']:
        raise ProGetError('url is required (or set PROGET_URL)')
    if out['api_key'] and (out['username'] or out['password']):
        raise ProGetError('api_key and username/password are mutually exclusive')
    return out


def client_from_options(options, check_mode=False, warn=None):
    """The :class:`ProGetClient` for resolved connection options (a module's ``params``, or the
    result of :func:`connection_options`); other keys are ignored. An option that is ``None``
    takes its default, so a missing ``validate_certs`` can never turn verification off.
    Raises :class:`ProGetError` for an unusable URL or a missing ``requests``."""
    kwargs = {}
    for name, spec in CONNECTION_ARGUMENT_SPEC.items():
        value = options.get(name)
        kwargs[name] = spec.get('default') if value is None else value
    return ProGetClient(check_mode=check_mode, warn=warn, **kwargs)
