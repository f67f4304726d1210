# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure helpers of the ``cac.proget.proget_server`` role (unit-tested without a host).

* ``proget_hub_install_args``: the argument vector of ``hub.exe install ProGet:<version> ...``
  (Inedo Hub command line, proget-api.md section 11.2).
* ``proget_hub_plan``: what the Windows tasks do from the installed and wanted versions.
* ``proget_db_endpoint``: host and port of the database server named in a PostgreSQL or SQL
  Server connection string, so the role can check that it answers before installing.
* ``proget_version_key``: a version string as a tuple of integers, for comparisons.
* ``proget_docker_mounts``: the data volumes as ``docker_container`` mounts.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.errors import AnsibleFilterError

HUB_ARG_ORDER = ('ConnectionString', 'DbName', 'TargetDirectory', 'WebServerPrefixes', 'ExtensionsPath',
                 'ExtensionsTempPath', 'UserAccount', 'UserPassword', 'IsUpgrade', 'UsePostgres')
# Hub arguments the role sets from its own variables (refused in extra_args).
HUB_ROLE_ARGS = ('ConnectionString', 'DbName', 'TargetDirectory', 'WebServerPrefixes', 'UserAccount', 'UserPassword',
                 'IsUpgrade', 'UsePostgres')
# Hub argument names whose value must never be shown (the caller runs the task with no_log).
HUB_SECRET_ARGS = ('ConnectionString', 'UserPassword')


def _hub_value(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return str(value)


def proget_version_key(version):
    """'25.0.13' -> (25, 0, 13); 'v2025.13' -> (2025, 13); anything else -> ()."""
    parts = re.findall(r'\d+', str(version or ''))
    return tuple(int(p) for p in parts)


def proget_hub_install_args(options):
    """Render ``hub.exe install`` as an argument vector (a list, for ``win_command: argv``).

    ``options`` (dict): ``hub_path`` (required), ``product`` (default ``ProGet``), ``version``
    (empty: the Hub's latest stable), ``connection_string``, ``db_name``, ``target_directory``,
    ``port`` (renders ``WebServerPrefixes=http://*:<port>/`` unless ``web_server_prefixes`` is
    given), ``web_server_prefixes``, ``extensions_path``, ``extensions_temp_path``,
    ``user_account``, ``user_password``, ``is_upgrade`` (bool), ``use_postgres`` (bool),
    ``extra_args`` (dict of further ``--Name=value`` arguments). Empty/None values are left out.
    """
    if not isinstance(options, dict):
        raise AnsibleFilterError('proget_hub_install_args expects a dict, got %s' % type(options).__name__)
    hub = options.get('hub_path')
    if not hub:
        raise AnsibleFilterError('proget_hub_install_args: hub_path is required')
    product = options.get('product') or 'ProGet'
    version = str(options.get('version') or '').strip()
    if version and not re.match(r'^[0-9][0-9A-Za-z.\-]*$', version):
        raise AnsibleFilterError('proget_hub_install_args: %r is not a ProGet version' % version)
    args = [str(hub), 'install', '%s:%s' % (product, version) if version else product]
    prefixes = options.get('web_server_prefixes')
    if not prefixes and options.get('port') not in (None, ''):
        port = int(options['port'])
        if not 0 < port < 65536:
            raise AnsibleFilterError('proget_hub_install_args: port %d is out of range' % port)
        prefixes = 'http://*:%d/' % port
    values = {
        'ConnectionString': options.get('connection_string'),
        'DbName': options.get('db_name'),
        'TargetDirectory': options.get('target_directory'),
        'WebServerPrefixes': prefixes,
        'ExtensionsPath': options.get('extensions_path'),
        'ExtensionsTempPath': options.get('extensions_temp_path'),
        'UserAccount': options.get('user_account'),
        'UserPassword': options.get('user_password'),
        'IsUpgrade': options.get('is_upgrade'),
        'UsePostgres': options.get('use_postgres'),
    }
    for name in HUB_ARG_ORDER:
        value = values[name]
        if value is None or value == '':
            continue
        args.append('--%s=%s' % (name, _hub_value(value)))
    extra = options.get('extra_args') or {}
    if not isinstance(extra, dict):
        raise AnsibleFilterError('proget_hub_install_args: extra_args must be a dict')
    for name in sorted(extra):
        if not re.match(r'^[A-Za-z][A-Za-z0-9]*$', str(name)):
            raise AnsibleFilterError('proget_hub_install_args: %r is not a Hub argument name' % name)
        if name in HUB_ROLE_ARGS or values.get(name) not in (None, ''):
            raise AnsibleFilterError('proget_hub_install_args: %s has its own role variable; do not pass it in extra_args'
                                     % name)
        if extra[name] is not None and extra[name] != '':
            args.append('--%s=%s' % (name, _hub_value(extra[name])))
    return args


def proget_hub_plan(installed, desired, state='present', allow_downgrade=False):
    """-> 'install' | 'upgrade' | 'none' | 'uninstall' | 'downgrade'.

    ``installed``: the installed version ('' / None: not installed). ``desired``: the wanted
    version. ``downgrade`` means the wanted version is older and ``allow_downgrade`` is false:
    the role fails with an explanation (ProGet cannot go back over a schema change).
    """
    installed = str(installed or '').strip()
    desired = str(desired or '').strip()
    if state == 'absent':
        return 'uninstall' if installed else 'none'
    if state != 'present':
        raise AnsibleFilterError('proget_hub_plan: state must be present or absent, not %r' % state)
    if not installed:
        return 'install'
    if not desired or proget_version_key(installed) == proget_version_key(desired):
        return 'none'
    if proget_version_key(desired) < proget_version_key(installed) and not allow_downgrade:
        return 'downgrade'
    return 'upgrade'


_KV_RE = re.compile(r'\s*([^=;]+?)\s*=\s*("(?:[^"]|"")*"|\'(?:[^\']|\'\')*\'|[^;]*)\s*(?:;|$)')


def _parse_connection_string(text):
    pairs = {}
    for m in _KV_RE.finditer(text or ''):
        value = m.group(2).strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in '"\'':
            value = value[1:-1].replace(value[0] * 2, value[0])
        pairs[m.group(1).strip().lower()] = value
    return pairs


def proget_db_endpoint(connection_string, database='postgres'):
    """Host and port of the database server: ``{'host': ..., 'port': ...}``.

    PostgreSQL (Npgsql form): ``Host``/``Server`` (first of a comma list) and ``Port``
    (default 5432). SQL Server: ``Data Source``/``Server``/``Address``/``Addr``/
    ``Network Address`` in the forms ``host``, ``tcp:host``, ``host,port``, ``host\\instance``
    (default port 1433; a named instance without a port is reported with ``instance`` set).
    Raises a filter error naming what is missing; never includes the string itself (it holds
    a password).
    """
    pairs = _parse_connection_string(connection_string)
    if database == 'postgres':
        host = pairs.get('host') or pairs.get('server')
        if not host:
            raise AnsibleFilterError('the PostgreSQL connection string has no Host= (or Server=) part')
        host = host.split(',')[0].strip()
        port = pairs.get('port') or '5432'
        if ':' in host and host.count(':') == 1:
            host, port = host.split(':')
        instance = None
    elif database == 'sqlserver':
        host = None
        for name in ('data source', 'server', 'address', 'addr', 'network address'):
            if pairs.get(name):
                host = pairs[name]
                break
        if not host:
            raise AnsibleFilterError('the SQL Server connection string has no Data Source= (or Server=) part')
        host = re.sub(r'^(tcp|np|lpc):', '', host.strip(), flags=re.I)
        port = '1433'
        if ',' in host:
            host, port = host.split(',', 1)
        instance = None
        if '\\' in host:
            host, instance = host.split('\\', 1)
        if host in ('.', '(local)', '(localdb)'):
            host = 'localhost'
    else:
        raise AnsibleFilterError('proget_db_endpoint: database must be postgres or sqlserver, not %r' % database)
    port = str(port).strip()
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise AnsibleFilterError('the %s connection string has an invalid port' % database)
    return {'host': host.strip(), 'port': int(port), 'instance': instance}


def proget_docker_mounts(sources, targets, extra=None):
    """{'packages': 'proget-packages', 'database': '/srv/db'} + targets -> docker_container mounts.

    A source starting with ``/`` is a bind mount of that host directory; anything else is a
    named volume. Sorted by name, so the list is stable. ``extra`` (a list of mounts) is appended.
    """
    mounts = []
    for name in sorted(sources or {}):
        if name not in targets:
            raise AnsibleFilterError('proget_server_volumes: unknown volume %r (known: %s)'
                                     % (name, ', '.join(sorted(targets))))
        src = str(sources[name])
        mounts.append({'type': 'bind' if src.startswith('/') else 'volume', 'source': src, 'target': targets[name]})
    return mounts + list(extra or [])


class FilterModule(object):
    def filters(self):
        return {
            'proget_hub_install_args': proget_hub_install_args,
            'proget_hub_plan': proget_hub_plan,
            'proget_db_endpoint': proget_db_endpoint,
            'proget_version_key': proget_version_key,
            'proget_docker_mounts': proget_docker_mounts,
        }
