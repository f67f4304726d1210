"""The connection argument spec: environment fallbacks, an empty variable counts as unset; and its
documentation (modules and the lookup) cannot drift from it."""
import json
import os
import subprocess
import sys

import pytest
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.cac.proget.plugins.module_utils.client import ProGetError
from ansible_collections.cac.proget.plugins.module_utils.connection import (
    CONNECTION_ARGUMENT_SPEC, CONNECTION_MUTUALLY_EXCLUSIVE, CONNECTION_REQUIRED_TOGETHER, client_from_options,
    connection_options, env_fallback)
from ansible.module_utils.errors import AnsibleFallbackNotFound

ENV = ('PROGET_URL', 'PROGET_API_KEY', 'PROGET_USERNAME', 'PROGET_PASSWORD', 'PROGET_VALIDATE_CERTS',
       'PROGET_CA_PATH', 'PROGET_TIMEOUT')


def validate(params, monkeypatch, **env):
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    validator = ArgumentSpecValidator(dict(CONNECTION_ARGUMENT_SPEC),
                                      mutually_exclusive=CONNECTION_MUTUALLY_EXCLUSIVE,
                                      required_together=CONNECTION_REQUIRED_TOGETHER)
    return validator.validate(params)


def test_every_option_has_its_environment_variable():
    for option, spec in CONNECTION_ARGUMENT_SPEC.items():
        function, names = spec['fallback']
        assert function is env_fallback and names == ['PROGET_%s' % option.upper()]


def test_env_fallback_skips_empty_values(monkeypatch):
    monkeypatch.setenv('A', '')
    monkeypatch.setenv('B', 'b')
    assert env_fallback('A', 'B') == 'b'
    monkeypatch.delenv('B')
    with pytest.raises(AnsibleFallbackNotFound):
        env_fallback('A', 'B')


def test_values_from_the_environment(monkeypatch):
    result = validate({}, monkeypatch, PROGET_URL='https://p', PROGET_API_KEY='k', PROGET_VALIDATE_CERTS='False',
                      PROGET_TIMEOUT='5', PROGET_CA_PATH='/ca.pem')
    assert result.error_messages == []
    p = result.validated_parameters
    assert (p['url'], p['api_key'], p['validate_certs'], p['timeout'], p['ca_path']) == (
        'https://p', 'k', False, 5, '/ca.pem')


def test_awx_style_empty_variables_are_unset(monkeypatch):
    """An AWX credential injects PROGET_USERNAME='' etc. next to the API key it was given."""
    result = validate({}, monkeypatch, PROGET_URL='https://p', PROGET_API_KEY='k', PROGET_USERNAME='',
                      PROGET_PASSWORD='', PROGET_CA_PATH='', PROGET_VALIDATE_CERTS='True')
    assert result.error_messages == []
    p = result.validated_parameters
    assert p['api_key'] == 'k' and p['username'] is None and p['password'] is None and p['ca_path'] is None


def test_task_option_wins_over_environment(monkeypatch):
    result = validate({'url': 'https://task'}, monkeypatch, PROGET_URL='https://env')
    assert result.validated_parameters['url'] == 'https://task'


def test_api_key_in_environment_and_username_in_task_are_exclusive(monkeypatch):
    result = validate({'url': 'https://p', 'username': 'u', 'password': 'p'}, monkeypatch, PROGET_API_KEY='k')
    assert 'mutually exclusive' in ' '.join(result.error_messages)


@pytest.mark.parametrize('params, env', [
    ({}, dict(PROGET_URL='https://p', PROGET_VALIDATE_CERTS='', PROGET_CA_PATH='', PROGET_TIMEOUT='')),
    ({}, dict(PROGET_URL='https://p', PROGET_VALIDATE_CERTS='no', PROGET_CA_PATH='/etc/ca.pem', PROGET_TIMEOUT='7')),
    ({'url': 'https://given', 'validate_certs': True}, dict(PROGET_URL='https://env', PROGET_VALIDATE_CERTS='false')),
    ({'timeout': 5}, dict(PROGET_URL='https://p', PROGET_USERNAME='u', PROGET_PASSWORD='pw', PROGET_API_KEY='')),
])
def test_the_lookup_resolves_connection_options_as_the_modules_do(monkeypatch, params, env):
    """connection_options() (plugins that are not modules) == the modules' argument spec."""
    expected = validate(dict(params), monkeypatch, **env).validated_parameters
    assert connection_options(dict(params)) == expected
    assert connection_options(dict(params))['ca_path'] != ''


def test_connection_options_errors(monkeypatch):
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ProGetError, match='url is required'):
        connection_options({})
    with pytest.raises(ProGetError, match='timeout'):
        connection_options({'url': 'https://p', 'timeout': 'soon'})
    with pytest.raises(ProGetError, match='mutually exclusive'):
        connection_options({'url': 'https://p', 'api_key': 'k', 'username': 'u'})


# ---------------------------------------------------------------- the documentation of the same options
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULES = sorted('cac.proget.' + f[:-3] for f in os.listdir(os.path.join(ROOT, 'plugins', 'modules'))
                 if f.endswith('.py') and not f.startswith('_'))
LOOKUP = 'cac.proget.proget_versions'


def ansible_doc(plugin_type, names):
    """The documented options, as ansible-doc renders them (doc fragments merged) for this core."""
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, 'build', 'collections'))
    done = subprocess.run([sys.executable, '-m', 'ansible', 'doc', '--json', '-t', plugin_type] + list(names),
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    docs = json.loads(done.stdout)
    assert sorted(docs) == sorted(names), done.stderr
    return dict((name, docs[name]['doc']['options']) for name in names)


@pytest.fixture(scope='module')
def documented():
    out = ansible_doc('module', MODULES)
    out.update(ansible_doc('lookup', [LOOKUP]))
    return out


def check_connection_doc(options):
    for name, spec in CONNECTION_ARGUMENT_SPEC.items():
        assert name in options, name
        doc = options[name]
        assert doc['type'] == spec['type'], name
        variable = spec['fallback'][1][0]
        assert 'E(%s)' % variable in ' '.join(doc['description']), (name, variable)
        # never env/ini/vars: Ansible's own lookup of PROGET_VALIDATE_CERTS='' would be false
        assert not set(doc) & {'env', 'ini', 'vars', 'cli', 'keyword'}, name


def test_every_module_documents_the_connection_argument_spec(documented):
    for module in MODULES:
        options = documented[module]
        check_connection_doc(options)
        for name, spec in CONNECTION_ARGUMENT_SPEC.items():
            assert bool(options[name].get('required')) == bool(spec.get('required')), (module, name)
            assert options[name].get('default') == spec.get('default'), (module, name)


def test_the_lookup_documents_the_same_connection_options(documented):
    """Declared once: the lookup shows the modules' descriptions, types and defaults, but nothing
    is required (url may come from PROGET_URL, which Ansible would not wait for)."""
    options, module = documented[LOOKUP], documented[MODULES[0]]
    check_connection_doc(options)
    for name, spec in CONNECTION_ARGUMENT_SPEC.items():
        assert not options[name].get('required'), name
        assert options[name].get('default') == spec.get('default'), name
        assert options[name]['description'] == module[name]['description'], name


def test_one_client_factory_for_modules_and_the_lookup(monkeypatch):
    """client_from_options() takes module params or connection_options(); the defaults documented for
    the lookup are connection_options()' own, applied after the PROGET_* variables."""
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv('PROGET_URL', 'https://env')
    monkeypatch.setenv('PROGET_VALIDATE_CERTS', 'false')
    monkeypatch.setenv('PROGET_TIMEOUT', '7')
    client = client_from_options(connection_options({'url': None, 'validate_certs': None}))
    assert (client.base_url, client.verify, client.timeout) == ('https://env/', False, 7)
    params = validate({'api_key': 'k'}, monkeypatch, PROGET_URL='https://p', PROGET_CA_PATH='/ca.pem')
    client = client_from_options(dict(params.validated_parameters, name='feed'), check_mode=True)
    assert (client.verify, client.timeout, client.check_mode) == ('/ca.pem', 30, True)
    assert client.session.headers['X-ApiKey'] == 'k'
    # an option left None takes its default: verification is never turned off by omission
    assert client_from_options({'url': 'https://p', 'validate_certs': None, 'timeout': None}).verify is True
