"""Values under options a module does not know are masked when their names look secret (also misspelled),
and schema errors of secret-looking options never echo the value."""
import pytest

from ansible_collections.cac.proget.plugins.module_utils.masking import looks_secret, unknown_secrets
from ansible_collections.cac.proget.plugins.module_utils.schema import validate_document
from ansible_collections.cac.proget.plugins.module_utils.state import schema, secret_values


@pytest.mark.parametrize('name', ['password', 'pasword', 'passwd', 'Password', 'pwd', 'pw', 'user_password',
                                  'SecretAccessKey', 'SecretAcessKey', 'ConnectionString', 'ConectionString',
                                  'token', 'api_token', 'apiKey', 'key', 'secret', 'scret', 'credentials'])
def test_secret_looking_names(name):
    assert looks_secret(name)


@pytest.mark.parametrize('name', ['name', 'path', 'type', 'description', 'timeout', 'keep_versions_count', 'url',
                                  'update_password', 'update_secrets', 'feed', 'members', 'email', 'seconds',
                                  'storage', 'properties', 'variables', 'RegionEndpoint', 'BucketName'])
def test_ordinary_names(name):
    assert not looks_secret(name)


def test_secrets_under_unknown_options_of_a_document_are_found():
    document = {
        'users': [{'name': 'u', 'pasword': 'TYPO-PW', 'password': 'KNOWN-PW', 'update_password': 'always'}],
        'feeds': [{'name': 'f', 'storage': {'type': 's3', 'properties': {'SecretAcessKey': 'TYPO-S3',
                                                                          'SecretAccessKey': 'KNOWN-S3',
                                                                          'RegionEndpoint': 'us-east-1'}}}],
        'connectors': 'not-a-list',
    }
    found = secret_values(document)
    assert {'TYPO-PW', 'KNOWN-PW', 'TYPO-S3', 'KNOWN-S3'} <= set(found)
    assert 'always' not in found and 'us-east-1' not in found and 'u' not in found
    # a kind that does not exist (a top-level option the module does not know)
    assert unknown_secrets({'user': [{'name': 'x', 'password': 'KIND-PW', 'enabled': True}]}) == ['KIND-PW']


def test_schema_errors_of_secret_options_do_not_echo_the_value():
    problems = validate_document(schema(), {'users': [{'name': 'u', 'password': ['SECRET-IN-A-LIST']}],
                                            'connectors': [{'name': 'c', 'password': 12345678}]})
    assert problems and not any('SECRET-IN-A-LIST' in p or '12345678' in p for p in problems)
    assert 'users[0].password: the value does not match the schema (type: "string"); the value is not shown' \
        in problems
