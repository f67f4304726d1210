"""AWX / Automation Controller: the EE metadata, the example EE, the credential type and its playbook."""
import json
import os

import jinja2
import yaml

from conftest import ROOT, run, tool

AWX = os.path.join(ROOT, 'examples', 'awx')


def load(*path):
    with open(os.path.join(ROOT, *path)) as f:
        return yaml.safe_load(f)


def test_ansible_builder_introspect_finds_the_requirements(tmp_path):
    """ansible-builder reads meta/execution-environment.yml of the installed collection."""
    dest = tmp_path / 'collections'
    run([tool('ansible-galaxy'), 'collection', 'build', '--force', '--output-path', str(tmp_path), ROOT])
    (tb,) = [str(p) for p in tmp_path.glob('cac-proget-*.tar.gz')]
    run([tool('ansible-galaxy'), 'collection', 'install', '--offline', '--no-deps', '-p', str(dest), tb])
    out = run([tool('ansible-builder'), 'introspect', '--sanitize', str(dest)]).stdout
    data = yaml.safe_load(out)
    python = data['python']
    system = data['system']
    assert any(line.startswith('requests') and 'cac.proget' in line for line in python), out
    assert any(line.startswith('jsonschema') and 'cac.proget' in line for line in python), out
    assert any(line.startswith('ca-certificates') and 'cac.proget' in line for line in system), out


def test_ee_metadata_points_at_existing_files():
    ee = load('meta', 'execution-environment.yml')
    assert ee['version'] == 1
    for kind in ('python', 'system'):
        assert os.path.isfile(os.path.join(ROOT, ee['dependencies'][kind]))
    reqs = open(os.path.join(ROOT, ee['dependencies']['python'])).read()
    assert 'requests' in reqs and 'jsonschema' in reqs


def test_example_execution_environment_is_valid_for_ansible_builder(tmp_path):
    """`ansible-builder create` validates the v3 schema and writes the build context (no image build)."""
    run([tool('ansible-builder'), 'create', '-f', os.path.join(AWX, 'execution-environment.yml'),
         '-c', str(tmp_path / 'context'), '--output-filename', 'Containerfile'])
    containerfile = (tmp_path / 'context' / 'Containerfile').read_text()
    assert 'awx-ee' in containerfile
    reqs = (tmp_path / 'context' / '_build' / 'requirements.yml').read_text()
    assert 'cac.proget' in reqs


CONNECTION_ENV = {'url': 'PROGET_URL', 'api_key': 'PROGET_API_KEY', 'username': 'PROGET_USERNAME',
                  'password': 'PROGET_PASSWORD', 'validate_certs': 'PROGET_VALIDATE_CERTS'}


def credential_type():
    return load('examples', 'awx', 'credential_type.yml')


def render(injectors, inputs, ca_file='/runner/env/tmpca'):
    """What AWX does when a job starts: unset strings are undefined, unset booleans are False,
    every env template is rendered (ImmutableSandboxedEnvironment)."""
    from jinja2.sandbox import ImmutableSandboxedEnvironment
    ct = credential_type()
    ns = {k: v for k, v in inputs.items() if v not in ('', None)}
    for field in ct['inputs']['fields']:
        if field['type'] == 'boolean' and field['id'] not in inputs:
            ns[field['id']] = False
    env = ImmutableSandboxedEnvironment()
    files = {k: env.from_string(t).render(**ns) for k, t in injectors.get('file', {}).items()}
    ns['tower'] = {'filename': {k.split('.', 1)[1]: ca_file for k in files}}
    return {k: env.from_string(t).render(**ns) for k, t in injectors['env'].items()}, files


def test_credential_type_structure():
    ct = credential_type()
    assert ct['name'] == 'ProGet' and ct['kind'] == 'cloud'
    fields = {f['id']: f for f in ct['inputs']['fields']}
    assert set(fields) == {'url', 'api_key', 'username', 'password', 'validate_certs', 'ca_cert', 'ca_path'}
    for f in fields.values():
        assert set(f) <= {'id', 'label', 'type', 'secret', 'multiline', 'help_text', 'default', 'format', 'choices'}
        assert f['type'] in ('string', 'boolean') and f['label'] and f['help_text']
    assert fields['api_key']['secret'] and fields['password']['secret']
    assert not fields['url'].get('secret') and fields['validate_certs']['type'] == 'boolean'
    assert fields['validate_certs']['default'] is True and fields['ca_cert']['multiline']
    assert ct['inputs']['required'] == ['url']
    env = ct['injectors']['env']
    for field_id, var in CONNECTION_ENV.items():
        assert env[var] == '{{ %s }}' % field_id
    assert set(env) == set(CONNECTION_ENV.values()) | {'PROGET_CA_PATH'}
    assert ct['injectors']['file'] == {'template.ca': '{{ ca_cert }}'}
    # every injected variable is one the connection options read
    fragment = open(os.path.join(ROOT, 'plugins', 'doc_fragments', 'connection.py')).read()
    for var in env:
        assert 'E(%s)' % var in fragment


def test_credential_type_injection_api_key_only():
    env, files = render(credential_type()['injectors'], {'url': 'https://p', 'api_key': 's3cret',
                                                         'validate_certs': True})
    assert env == {'PROGET_URL': 'https://p', 'PROGET_API_KEY': 's3cret', 'PROGET_USERNAME': '',
                   'PROGET_PASSWORD': '', 'PROGET_VALIDATE_CERTS': 'True', 'PROGET_CA_PATH': ''}
    assert files == {'template.ca': ''}


def test_credential_type_injection_ca_cert_becomes_a_file():
    pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
    env, files = render(credential_type()['injectors'], {'url': 'https://p', 'username': 'u', 'password': 'p',
                                                         'ca_cert': pem, 'ca_path': '/ignored'})
    assert env['PROGET_CA_PATH'] == '/runner/env/tmpca' and files['template.ca'] == pem
    assert env['PROGET_VALIDATE_CERTS'] == 'False'   # AWX: a boolean left out of a credential is False
    assert (env['PROGET_USERNAME'], env['PROGET_PASSWORD'], env['PROGET_API_KEY']) == ('u', 'p', '')
    env, _ = render(credential_type()['injectors'], {'url': 'https://p', 'ca_path': '/etc/pki/ca.pem'})
    assert env['PROGET_CA_PATH'] == '/etc/pki/ca.pem'


def test_injected_environment_works_with_the_modules(tmp_path):
    """The rendered variables (empty ones included) reach a module run as AWX would set them."""
    import harness
    sim = harness.start_sim(data_dir=str(tmp_path / 'sim'), system_key='k3y', anonymous='none')
    try:
        env, _ = render(credential_type()['injectors'], {'url': sim.url, 'api_key': 'k3y', 'validate_certs': True})
        play = tmp_path / 'play.yml'
        play.write_text('- hosts: localhost\n  gather_facts: false\n  tasks:\n'
                        '    - cac.proget.proget_feed: {name: from-awx, type: npm}\n')
        venv, _ = harness.which_ansible()
        env.update({'ANSIBLE_COLLECTIONS_PATH': os.path.join(ROOT, 'build', 'collections'),
                    'ANSIBLE_LOCALHOST_WARNING': 'False', 'ANSIBLE_INVENTORY_UNPARSED_WARNING': 'False',
                    'ANSIBLE_PYTHON_INTERPRETER': os.path.join(venv, 'bin', 'python')})
        out = run([os.path.join(venv, 'bin', 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', str(play)],
                  env=env).stdout
        assert 'changed=1' in out
        assert [e['principal'] for e in sim.writes()] and all(
            e['principal'].startswith('apikey:') for e in sim.writes())
    finally:
        sim.stop()


def test_create_credential_type_playbook_syntax_and_content():
    run([tool('ansible-playbook'), '--syntax-check', '-i', 'localhost,', os.path.join(AWX, 'create_credential_type.yml')],
        env={'ANSIBLE_COLLECTIONS_PATH': os.path.join(ROOT, 'build', 'collections')})
    play = load('examples', 'awx', 'create_credential_type.yml')[0]
    task = play['tasks'][0]
    assert 'awx.awx.credential_type' in task
    assert "lookup('ansible.builtin.file', 'credential_type.yml')" in play['vars']['proget_credential_type']
    # the task passes exactly the file's keys
    module_args = task['awx.awx.credential_type']
    assert set(module_args) == {'name', 'description', 'kind', 'inputs', 'injectors', 'state'}
    assert play['tasks'][1].get('no_log') is True


def test_awx_credential_type_module_accepts_the_definition():
    """awx.awx.credential_type's own argument spec validates the file's values (no AWX needed)."""
    ct = credential_type()
    doc = run([tool('ansible-doc'), '--json', '-t', 'module', 'awx.awx.credential_type']).stdout
    options = json.loads(doc)['awx.awx.credential_type']['doc']['options']
    assert ct['kind'] in options['kind']['choices']
    assert options['inputs']['type'] == 'dict' and options['injectors']['type'] == 'dict'
    jinja2.Environment().parse(json.dumps(ct['injectors']))
