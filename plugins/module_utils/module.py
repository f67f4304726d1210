# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ProGetModule: AnsibleModule with the connection options, the client and uniform errors."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.cac.proget.plugins.module_utils.client import (
    CONNECTION_ARGUMENT_SPEC, CONNECTION_MUTUALLY_EXCLUSIVE, CONNECTION_REQUIRED_TOGETHER,
    HAS_REQUESTS, REQUESTS_IMPORT_ERROR, ProGetClient, ProGetError)
from ansible_collections.cac.proget.plugins.module_utils.engine import ValidationError, reconcile


class ProGetModule(AnsibleModule):
    """An AnsibleModule that knows how to reach ProGet.

    ``argument_spec`` is the module's own options; the connection options are added here.
    """

    def __init__(self, argument_spec, mutually_exclusive=None, required_together=None, **kwargs):
        spec = dict(CONNECTION_ARGUMENT_SPEC)
        spec.update(argument_spec)
        super(ProGetModule, self).__init__(
            argument_spec=spec,
            mutually_exclusive=list(CONNECTION_MUTUALLY_EXCLUSIVE) + list(mutually_exclusive or []),
            required_together=list(CONNECTION_REQUIRED_TOGETHER) + list(required_together or []),
            **kwargs)
        if not HAS_REQUESTS:
            self.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
        self._client = None

    @property
    def client(self):
        if self._client is None:
            p = self.params
            try:
                self._client = ProGetClient(
                    p['url'], api_key=p.get('api_key'), username=p.get('username'),
                    password=p.get('password'), validate_certs=p['validate_certs'],
                    ca_path=p.get('ca_path'), timeout=p['timeout'], check_mode=self.check_mode,
                    warn=self.warn)
            except ProGetError as e:
                self.fail_json(msg=str(e))
            # Every no_log value (a connector password, a secret setting) is scrubbed from errors.
            for value in self.no_log_values:
                self._client.add_secret(value)
        return self._client

    def fail_error(self, error, **result):
        """Fail with a ProGetError or ValidationError, secrets scrubbed."""
        msg = str(error)
        if self._client is not None:
            msg = self._client.scrub(msg)
        extra = {}
        if isinstance(error, ProGetError) and error.status is not None:
            extra['status'] = error.status
        result.update(extra)
        self.fail_json(msg=msg, **result)

    def run_resource(self, resource, key, force_write_only=False):
        """The whole life of a single-object module: reconcile and exit."""
        params = resource.params_from_options(self.params)
        try:
            outcome = reconcile(self.client, resource, params, check_mode=self.check_mode,
                                force_write_only=force_write_only)
            for warning in resource.warnings(self.client, params):
                self.warn(warning)
        except (ProGetError, ValidationError) as e:
            self.fail_error(e)
        result = dict(changed=outcome['changed'], action=outcome['action'])
        result.update(outcome.get('extra') or {})
        result[key] = outcome['object'] or {}
        if self._diff:
            result['diff'] = dict((side, resource.options_view(view))
                                  for side, view in outcome['diff'].items())
        self.exit_json(**result)
