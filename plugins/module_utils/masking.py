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


# Option names that say "secret", also misspelled (``pasword``): the values under an option a module does
# not know (Ansible cannot know it is no_log) are masked when its name looks like one of these.
SECRET_WORDS = ('password', 'passwd', 'passphrase', 'secret', 'token', 'apikey', 'credential', 'credentials',
                'connectionstring', 'privatekey', 'accesskey', 'secretaccesskey', 'key', 'pwd', 'pw', 'pass')
SECRET_PARTS = ('pass', 'pwd', 'secret', 'token', 'apikey', 'credential', 'connectionstring', 'connstr',
                'privatekey', 'accesskey')
# known options whose names look secret but whose values are not (choices, booleans)
NOT_SECRET = ('update_password', 'update_secrets', 'secret_arguments')


def _distance(a, b, limit=2):
    """Levenshtein distance of two short strings, at most ``limit + 1``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def looks_secret(name):
    """Whether an option name says its value is a secret: password, pasword, db_passwd, api_token,
    SecretAcessKey, ConnectionString, pwd, ... (case, ``_``, ``-`` and ``.`` ignored)."""
    if not isinstance(name, str) or name in NOT_SECRET:
        return False
    flat = ''.join(c for c in name.lower() if c.isalnum())
    if not flat:
        return False
    if any(part in flat for part in SECRET_PARTS):
        return True
    words = [w for w in ''.join(c if c.isalnum() else ' ' for c in _split_camel(name)).lower().split() if w]
    for word in words + [flat]:
        for secret in SECRET_WORDS:
            if word == secret or (len(secret) >= 5 and len(word) >= 4 and _distance(word, secret) <= 2):
                return True
    return False


def _split_camel(name):
    out = ''
    for i, c in enumerate(name):
        if c.isupper() and i and (name[i - 1].islower() or name[i - 1].isdigit()):
            out += ' '
        out += c
    return out


def values_under(value):
    """Every scalar (not a boolean) inside ``value``, as text: what is masked under a secret-looking name."""
    if isinstance(value, dict):
        return [v for item in value.values() for v in values_under(item)]
    if isinstance(value, (list, tuple)):
        return [v for item in value for v in values_under(item)]
    if value is None or isinstance(value, bool):
        return []
    return [value if isinstance(value, str) else str(value)]


def unknown_secrets(value, known=()):
    """The values that options a module does not declare may hold as secrets: walking ``value`` (a dict
    of options, or a list of them), the scalars under every key that looks secret (:func:`looks_secret`),
    at any depth. The keys in ``known`` (the declared options, whose secrets are masked by their own rules)
    are not taken as secret by their name, but what they hold is walked too (a misspelled storage
    property)."""
    out = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in known and looks_secret(key):
                out.extend(values_under(item))
            else:
                out.extend(unknown_secrets(item))
    elif isinstance(value, (list, tuple)):
        for item in value:
            out.extend(unknown_secrets(item, known))
    return out
