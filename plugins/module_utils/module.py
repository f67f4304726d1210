# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ProGetModule: AnsibleModule with the connection options, the client and uniform errors."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.cac.proget.plugins.module_utils.client import (
    HAS_REQUESTS, REQUESTS_IMPORT_ERROR, ProGetError)
from ansible_collections.cac.proget.plugins.module_utils.connection import (
    CONNECTION_ARGUMENT_SPEC, CONNECTION_MUTUALLY_EXCLUSIVE, CONNECTION_REQUIRED_TOGETHER, client_from_options)
from ansible_collections.cac.proget.plugins.module_utils.engine import ValidationError, reconcile
from ansible_collections.cac.proget.plugins.module_utils.masking import (
    register, register_all, unknown_secrets, values_under)


class ProGetModule(AnsibleModule):
    """An AnsibleModule that knows how to reach ProGet.

    ``argument_spec`` is the module's own options; the connection options are added here.
    """

    def __init__(self, argument_spec, mutually_exclusive=None, required_together=None,
                 nested_secrets=None, **kwargs):
        # nested_secrets(params) -> secret values inside options Ansible cannot mark no_log itself
        # (the dicts of a state document); they are masked from the invocation log and every output.
        self._nested_secrets = nested_secrets
        self._nested_masked = False
        spec = dict(CONNECTION_ARGUMENT_SPEC)
        spec.update(argument_spec)
        super(ProGetModule, self).__init__(
            argument_spec=spec,
            mutually_exclusive=list(CONNECTION_MUTUALLY_EXCLUSIVE) + list(mutually_exclusive or []),
            required_together=list(CONNECTION_REQUIRED_TOGETHER) + list(required_together or []),
            **kwargs)
        self._client = None
        self._mask_nested_secrets()  # also when the task is no_log (no invocation log then)
        if not HAS_REQUESTS:
            self.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)

    def _log_invocation(self):
        # Runs inside AnsibleModule.__init__ right after validation (unless the task is no_log):
        # the first moment params exist, and before anything is logged.
        self._mask_nested_secrets()
        super(ProGetModule, self)._log_invocation()

    def _mask_nested_secrets(self):
        """The secrets inside options (``nested_secrets``) are masked from the invocation log and every
        output: scrubbed through ``no_log_values`` (ansible-core < 2.22), registered with
        ansible-core (2.22+, where ``no_log_values`` no longer scrubs results)."""
        if self._nested_masked or not isinstance(getattr(self, 'params', None), dict):
            return
        self._nested_masked = True
        values = []
        if self._nested_secrets is not None:
            try:
                values.extend(self._nested_secrets(self.params))
            except Exception:  # pylint: disable=broad-except
                # options of the wrong shape (Ansible is about to refuse them): every secret-looking value
                values.extend(unknown_secrets(self.params))
        # options this module does not know (a misspelled `pasword`, a `user:` kind): Ansible cannot know
        # their values are secret, and shows them with the task's arguments (-vvv); the run fails on them
        unknown = dict((k, v) for k, v in self.params.items()
                       if k not in self.argument_spec and not str(k).startswith('_ansible'))
        values.extend(unknown_secrets(unknown))
        for value in values:
            for text in values_under(value):   # a secret given as a list (refused, but shown with the arguments)
                self.add_secret(text)

    def fail_json(self, msg, **kwargs):  # pylint: disable=arguments-differ
        # also when Ansible refuses the options (unsupported, wrong type) before _log_invocation
        self._mask_nested_secrets()
        super(ProGetModule, self).fail_json(msg=msg, **kwargs)

    def add_secret(self, value):
        """Mask ``value`` (a secret the module was given or found) from every output and error."""
        if value in (None, ''):
            return
        self.no_log_values.add(str(value))
        register(value)
        if getattr(self, '_client', None) is not None:
            self._client.add_secret(value)

    @property
    def client(self):
        if self._client is None:
            try:
                self._client = client_from_options(self.params, check_mode=self.check_mode, warn=self.warn)
            except ProGetError as e:
                self.fail_json(msg=str(e))
            # Every no_log value (a connector password, a secret setting) is scrubbed from errors.
            for value in self.no_log_values:
                self._client.add_secret(value)
        return self._client

    def returned_secrets(self, name, values):
        """Secrets that ProGet generated (``values``) are returned as the result ``name``.

        ansible-core 2.22+: registered, so they are masked wherever they would be shown
        (``$REDACTED$``, at every verbosity, also without ``no_log``) while the registered variable
        holds them. Older ansible-core: Ansible shows them at -v and above unless the task is
        ``no_log``, so the module warns when it is not.
        """
        if register_all(values):
            return
        if not self.no_log:
            self.warn('ProGet generated a new secret, returned as %r: set no_log: true on this task so that it '
                      'is not shown in the output (with -v and above)' % name)

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

    def find_objects(self, resource, ident=None, type_filter=None):
        """What the *_info modules return: one object by name (or none), or every object;
        optionally only those whose ``type`` field equals ``type_filter`` (case-insensitive);
        as the kind shows objects to users (secrets removed). A ProGet error fails the module."""
        try:
            if ident:
                found = resource.get(self.client, ident)
                objects = [found] if found else []
            else:
                objects = resource.list(self.client)
        except (ProGetError, ValidationError) as e:
            self.fail_error(e)
        if type_filter:
            api = resource.fields['type'].api
            objects = [o for o in objects if str(o.get(api) or '').lower() == type_filter.lower()]
        return [resource.public(o) for o in objects]

    def run_resource(self, resource):
        """The whole life of a single-object module: reconcile and exit.

        Secrets the server returned once (``Field(returned_once=True)``, e.g. a generated API
        key) are returned as top-level results named after their option, and nowhere else; a
        secret the caller chose is not returned (they have it, and Ansible would mask it anyway).
        """
        params = resource.params_from_options(self.params)
        try:
            outcome = reconcile(self.client, resource, params, check_mode=self.check_mode)
            for warning in resource.warnings(self.client, params):
                self.warn(warning)
        except (ProGetError, ValidationError) as e:
            self.fail_error(e)
        result = dict(changed=outcome['changed'], action=outcome['action'])
        result.update(outcome.get('extra') or {})
        result[resource.name] = outcome['object'] or {}
        for option, secret in outcome.get('secrets', {}).items():
            if self.params.get(option) is None:
                result[option] = secret
                self.returned_secrets(option, [secret])
        if self._diff:
            result['diff'] = dict((side, resource.options_view(view))
                                  for side, view in outcome['diff'].items())
        self.exit_json(**result)


def run_resource_module(resource):
    """The whole of a single-object module (``proget_<resource.name>``): its options come from
    the kind (fields, identity, state, extra options; never a connection option's name), its
    secrets are masked from the start, the result is keyed by the kind's name."""
    module = ProGetModule(argument_spec=resource.module_argument_spec(), supports_check_mode=True,
                          nested_secrets=lambda params: resource.secret_values(resource.params_from_options(params)))
    module.run_resource(resource)
