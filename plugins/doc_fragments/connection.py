# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """The connection options (``plugins/module_utils/connection.py``), documented once.

    Modules: ``extends_documentation_fragment: [cac.proget.connection]``.

    Other plugins (the lookup): ``[cac.proget.connection.plugins, cac.proget.connection]``, in that
    order. Ansible merges each option of a fragment key by key into what is already declared, and
    what is already declared wins, so ``PLUGINS`` (first) keeps only its few overrides and takes the
    descriptions and types from ``DOCUMENTATION``. A plugin option must not be ``required`` (Ansible
    would refuse a missing ``url`` before the plugin could read ``PROGET_URL``) and must declare no
    ``env``/``ini``/``vars`` (Ansible would read ``PROGET_VALIDATE_CERTS=''`` as false and
    ``PROGET_CA_PATH=''`` as the current directory): the plugin passes the options it was given to
    ``connection_options()``, which resolves them exactly as the modules' argument spec does, with the
    defaults documented here. ``tests/unit/test_connection_spec.py`` checks both layouts against
    ``CONNECTION_ARGUMENT_SPEC``.
    """

    DOCUMENTATION = r'''
options:
  url:
    description:
      - Base URL of the ProGet server, for example C(https://proget.example.com/).
      - ProGet may live under a sub-path (C(https://host/proget/)); every API path is joined onto it.
      - If not set, the value of the E(PROGET_URL) environment variable is used.
    type: str
    required: true
  api_key:
    description:
      - ProGet API key, sent in the C(X-ApiKey) header.
      - Mutually exclusive with O(username) and O(password).
      - If not set, the value of the E(PROGET_API_KEY) environment variable is used.
      - When neither an API key nor a username is given, requests are anonymous; a new ProGet
        grants Anonymous the Administer task until that is removed in its UI.
    type: str
  username:
    description:
      - ProGet user name. With O(password) it is sent as ProGet's C(user:password) pseudo API key.
      - If not set, the value of the E(PROGET_USERNAME) environment variable is used.
    type: str
  password:
    description:
      - Password of O(username).
      - If not set, the value of the E(PROGET_PASSWORD) environment variable is used.
    type: str
  validate_certs:
    description:
      - Whether to check the TLS certificate of the server. Set to V(false) only for a test server
        with a self-signed certificate; a warning is shown.
      - If not set, the value of the E(PROGET_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - Path of a CA bundle (PEM) to check the server certificate against, for an internal CA.
      - If not set, the value of the E(PROGET_CA_PATH) environment variable is used.
    type: path
  timeout:
    description:
      - Seconds to wait for each HTTP request.
      - Also how long a read is retried at most (a ProGet being restarted, a proxy answering 502/503/504, a rate
        limit); raise it for a ProGet that takes longer to start.
      - If not set, the value of the E(PROGET_TIMEOUT) environment variable is used.
    type: int
    default: 30
notes:
  - Options given in O(api_key) and O(password) are never logged or shown in results and errors.
  - Read requests are retried with exponential backoff on connection errors, answers cut off, HTTP 429 and 5xx
    (at least three times, then as long as the waiting stays within O(timeout)), honouring C(Retry-After); writes
    are never retried blindly (after an uncertain write the object is read back first; a write whose connection
    could not be made at all is sent again).
  - Answers of a proxy, load balancer or single sign-on in front of ProGet (an HTML error or login page, a redirect
    to a login page, JSON cut off) are named as such in the error message.
  - Use C(module_defaults) with the action group C(group/cac.proget.proget) to give the connection
    options once for every module of the collection.
  - A C(PROGET_*) environment variable that is set but empty counts as unset (AWX / Automation Controller
    credentials inject the variables of empty fields as empty strings).
'''

    # Only what differs for a plugin; listed before cac.proget.connection (see above).
    PLUGINS = r'''
options:
  url:
    required: false
notes:
  - The connection options are keyword arguments of the lookup call; O(url) must be given there or in
    E(PROGET_URL).
'''
