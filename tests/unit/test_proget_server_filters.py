"""Pure helpers of the proget_server role (plugins/filter/proget_server.py).

The Windows path cannot run here (no Windows host): what it sends to the Inedo Hub is this
argument vector, and what it decides is proget_hub_plan; both are tested as pure functions,
and the rendering through the role's own task expression is tested with a real ansible
template (see test_windows_task_renders_hub_argv).
"""
import os

import pytest
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.cac.proget.plugins.filter.proget_server import (
    FilterModule, proget_db_endpoint, proget_docker_mounts, proget_hub_install_args, proget_hub_plan,
    proget_version_key)

ROLE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                    'roles', 'proget_server')
HUB = r'C:\Program Files\Inedo Hub\hub.exe'


def test_filters_registered():
    assert set(FilterModule().filters()) == {'proget_hub_install_args', 'proget_hub_plan', 'proget_db_endpoint',
                                             'proget_version_key', 'proget_docker_mounts'}


# -- hub.exe install ---------------------------------------------------------------------------

def test_hub_args_full_install_sql_server():
    args = proget_hub_install_args({
        'hub_path': HUB, 'version': '25.0.13',
        'connection_string': 'Data Source=sql1; Initial Catalog=ProGet; User ID=proget; Password=p;w',
        'db_name': 'ProGetDb', 'target_directory': r'D:\ProGet', 'port': 8624,
        'user_account': 'LocalSystem', 'user_password': '', 'is_upgrade': False, 'use_postgres': False,
        'extensions_path': r'D:\ProGet\Extensions'})
    assert args == [HUB, 'install', 'ProGet:25.0.13',
                    '--ConnectionString=Data Source=sql1; Initial Catalog=ProGet; User ID=proget; Password=p;w',
                    '--DbName=ProGetDb', r'--TargetDirectory=D:\ProGet', '--WebServerPrefixes=http://*:8624/',
                    r'--ExtensionsPath=D:\ProGet\Extensions', '--UserAccount=LocalSystem',
                    '--IsUpgrade=false', '--UsePostgres=false']


def test_hub_args_minimal_embedded_upgrade():
    args = proget_hub_install_args({'hub_path': HUB, 'version': '26.0.2', 'port': 80, 'is_upgrade': True,
                                    'use_postgres': True, 'connection_string': ''})
    assert args == [HUB, 'install', 'ProGet:26.0.2', '--WebServerPrefixes=http://*:80/', '--IsUpgrade=true',
                    '--UsePostgres=true']


def test_hub_args_latest_prefixes_and_extra():
    args = proget_hub_install_args({'hub_path': HUB, 'version': '', 'web_server_prefixes': 'https://*:443/',
                                    'port': 8624, 'extra_args': {'ExtensionsTempPath': r'E:\tmp', 'Empty': ''}})
    assert args == [HUB, 'install', 'ProGet', '--WebServerPrefixes=https://*:443/', r'--ExtensionsTempPath=E:\tmp']


@pytest.mark.parametrize('options, fragment', [
    ({}, 'hub_path is required'),
    ({'hub_path': HUB, 'version': '25; rm'}, 'is not a ProGet version'),
    ({'hub_path': HUB, 'port': 70000}, 'out of range'),
    ({'hub_path': HUB, 'extra_args': {'ConnectionString': 'x'}}, 'has its own role variable'),
    ({'hub_path': HUB, 'extra_args': {'bad name': 'x'}}, 'is not a Hub argument name'),
    ({'hub_path': HUB, 'extra_args': ['x']}, 'extra_args must be a dict'),
])
def test_hub_args_refuses(options, fragment):
    with pytest.raises(AnsibleFilterError, match=fragment):
        proget_hub_install_args(options)


# -- what the Windows tasks do -------------------------------------------------------------------

@pytest.mark.parametrize('installed, desired, state, allow, plan', [
    ('', '25.0.13', 'present', False, 'install'),
    (None, '25.0.13', 'present', False, 'install'),
    ('25.0.13', '25.0.13', 'present', False, 'none'),
    ('25.0.13', '25.0.14', 'present', False, 'upgrade'),
    ('25.0.13', '26.0.1', 'present', False, 'upgrade'),
    ('25.0.13', '25.0.9', 'present', False, 'downgrade'),
    ('25.0.13', '25.0.9', 'present', True, 'upgrade'),
    ('25.0.13', '', 'present', False, 'none'),
    ('25.0.13', '25.0.13', 'absent', False, 'uninstall'),
    ('', '25.0.13', 'absent', False, 'none'),
])
def test_hub_plan(installed, desired, state, allow, plan):
    assert proget_hub_plan(installed, desired, state, allow) == plan


def test_version_key_orders_numerically():
    assert proget_version_key('25.0.10') > proget_version_key('25.0.9')
    assert proget_version_key('v2025.13') == (2025, 13)
    assert proget_version_key('') == ()


# -- database endpoint -----------------------------------------------------------------------------

@pytest.mark.parametrize('conn, db, host, port, instance', [
    ('Host=db.example.com;Port=5433;Database=proget;Username=u;Password=p', 'postgres', 'db.example.com', 5433, None),
    ('Server=inedodb;Database=proget;User Id=u;Password="a;b"', 'postgres', 'inedodb', 5432, None),
    ('Host=pg1,pg2;Database=x', 'postgres', 'pg1', 5432, None),
    ('Data Source=inedo-sql; Initial Catalog=ProGet; User ID=sa; Password=x', 'sqlserver', 'inedo-sql', 1433, None),
    ('Server=tcp:sql.example.com,14330;Database=ProGet', 'sqlserver', 'sql.example.com', 14330, None),
    (r'Data Source=sqlhost\SQLEXPRESS;Initial Catalog=ProGet', 'sqlserver', 'sqlhost', 1433, 'SQLEXPRESS'),
    ('Data Source=(local);Initial Catalog=ProGet', 'sqlserver', 'localhost', 1433, None),
])
def test_db_endpoint(conn, db, host, port, instance):
    assert proget_db_endpoint(conn, db) == {'host': host, 'port': port, 'instance': instance}


@pytest.mark.parametrize('conn, db, fragment', [
    ('Database=x;Password=SECRET', 'postgres', 'has no Host='),
    ('Initial Catalog=x;Password=SECRET', 'sqlserver', 'has no Data Source='),
    ('Host=h;Port=abc;Password=SECRET', 'postgres', 'invalid port'),
    ('Host=h', 'oracle', 'must be postgres or sqlserver'),
])
def test_db_endpoint_errors_never_show_the_string(conn, db, fragment):
    with pytest.raises(AnsibleFilterError) as e:
        proget_db_endpoint(conn, db)
    assert fragment in str(e.value) and 'SECRET' not in str(e.value)


# -- docker mounts ------------------------------------------------------------------------------------

def test_docker_mounts_named_and_bind():
    targets = {'packages': '/var/proget/packages', 'database': '/var/proget/database'}
    assert proget_docker_mounts({'packages': 'pg-packages', 'database': '/srv/proget/db'}, targets) == [
        {'type': 'bind', 'source': '/srv/proget/db', 'target': '/var/proget/database'},
        {'type': 'volume', 'source': 'pg-packages', 'target': '/var/proget/packages'}]
    with pytest.raises(AnsibleFilterError, match="unknown volume 'logs'"):
        proget_docker_mounts({'logs': 'x'}, targets)


# -- the role's own Windows task expression, rendered by Ansible's templar -------------------------

RENDER = r"""
import json, sys
from ansible.plugins.loader import init_plugin_loader
init_plugin_loader([sys.argv[1]])
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar
try:
    from ansible.template import trust_as_template
except ImportError:
    trust_as_template = None
def trusted(v):
    if trust_as_template is None:
        return v
    if isinstance(v, str):
        return trust_as_template(v)
    if isinstance(v, dict):
        return dict((k, trusted(x)) for k, x in v.items())
    if isinstance(v, list):
        return [trusted(x) for x in v]
    return v
data = json.load(sys.stdin)
templar = Templar(loader=DataLoader(), variables=trusted(data['variables']))
print(json.dumps(list(templar.template(trusted(data['template'])))))
"""


def _render(template, variables):
    """Render like ansible-playbook does (fresh process: the collection loader must come first)."""
    import json
    import subprocess
    import sys
    collections = os.path.join(os.path.dirname(os.path.dirname(ROLE)), 'build', 'collections')
    proc = subprocess.run([sys.executable, '-c', RENDER, collections], input=json.dumps(
        {'template': template, 'variables': variables}).encode(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.returncode == 0, proc.stderr.decode()
    return json.loads(proc.stdout.decode())


def _hub_task():
    with open(os.path.join(ROLE, 'tasks', 'windows.yml')) as f:
        tasks = yaml.safe_load(f)
    block = [t for t in tasks if t.get('name') == 'Install or upgrade ProGet with the Inedo Hub'][0]
    task = block['block'][0]
    assert task['no_log'] is True  # the argv holds the connection string and the account password
    return task


def test_windows_task_renders_hub_argv():
    with open(os.path.join(ROLE, 'defaults', 'main.yml')) as f:
        defaults = yaml.safe_load(f)
    variables = dict(defaults)
    variables.update({'proget_server_platform': 'windows', 'proget_server_version': '25.0.13',
                      'proget_server_database': 'postgres', 'proget_server_port': 8080,
                      'proget_server_database_connection_string': 'Host=pg;Database=proget;Password=x',
                      '_proget_server_windows_plan': 'upgrade'})
    task = _hub_task()
    variables.update(task['vars'])
    argv = _render(task['ansible.windows.win_command']['argv'], variables)
    assert list(argv) == [defaults['proget_server_windows_hub_path'], 'install', 'ProGet:25.0.13',
                          '--ConnectionString=Host=pg;Database=proget;Password=x',
                          r'--TargetDirectory=C:\Program Files\ProGet', '--WebServerPrefixes=http://*:8080/',
                          '--IsUpgrade=true', '--UsePostgres=true']
