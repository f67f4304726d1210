# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secrets that ansible-core masks in every output, where it can (ansible-core 2.22 and later).

ansible-core 2.22 keeps a registry of secrets: a module registers a value with
``ansible.module_utils.secrets.register_secret``, the controller learns of it with the task's
result and from then on replaces it with ``$REDACTED$`` wherever it would be shown (the task
result at any verbosity, warnings, logs, later tasks that use it), while a registered variable
still holds the real value. ``AnsibleModule.no_log_values`` no longer scrubs a module's result
there: a secret the module finds inside an option (a password in a state document) has to be
registered to stay hidden.

Older ansible-core versions have no such registry: :func:`register` does nothing and returns
False, the secrets found inside options are scrubbed through ``no_log_values`` as before, and a
module that returns a generated secret asks for ``no_log`` on the task.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

try:
    from ansible.module_utils.secrets import register_secret as _register_secret
except ImportError:  # ansible-core < 2.22
    _register_secret = None

# True when ansible-core masks registered secrets (2.22 and later).
CAN_REGISTER_SECRETS = _register_secret is not None


def register(value):
    """Register ``value`` as a secret with ansible-core (2.22+); True if it was registered.

    None, empty and blank values are never registered (ansible-core would ignore them too).
    """
    if _register_secret is None or value is None:
        return False
    text = value if isinstance(value, str) else str(value)
    if not text.strip():
        return False
    _register_secret(text)
    return True


def register_all(values):
    """Register every value of ``values``; True if at least one was registered."""
    registered = [register(value) for value in values or ()]
    return any(registered)
