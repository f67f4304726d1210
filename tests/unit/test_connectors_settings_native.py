"""Unit tests of the connector, setting and native-API module_utils and the engine hooks they use."""
import copy

import pytest

from ansible_collections.cac.proget.plugins.module_utils.client import ProGetClient
from ansible_collections.cac.proget.plugins.module_utils.connectors import ConnectorResource
from ansible_collections.cac.proget.plugins.module_utils.engine import ValidationError, reconcile
from ansible_collections.cac.proget.plugins.module_utils.native import is_read, validate_call
from ansible_collections.cac.proget.plugins.module_utils.settings import (
    SettingResource, as_text, comparable, is_secret)

CONNECTOR = ConnectorResource()


class FakeClient:
    """An in-memory connectors + feeds API with a write log."""

    def __init__(self, connectors=(), feeds=(), edition='free'):
        self.connectors = dict((c['name'].lower(), dict(c)) for c in connectors)
        self.feeds = [dict(f) for f in feeds]
        self.writes = []
        self.edition = edition

    def get_json(self, path, params=None, missing_ok=False):
        if path == 'api/management/feeds/list':
            return copy.deepcopy(self.feeds)
        return copy.deepcopy(self.connectors.get(path.rsplit('/', 1)[1].lower()))

    def post_json(self, path, json_body=None, params=None, safe=None, expect=None):
        self.writes.append(('POST', path, copy.deepcopy(json_body)))
        if path.startswith('api/management/feeds/update/'):
            name = path.rsplit('/', 1)[1]
            for feed in self.feeds:
                if feed['name'] == name:
                    feed.update(json_body)
            return None
        if path.endswith('/create'):
            self.connectors[json_body['name'].lower()] = dict(json_body)
        return None

    def request(self, method, path, missing_ok=False, **kwargs):
        self.writes.append((method, path, None))
        self.connectors.pop(path.rsplit('/', 1)[1].lower(), None)


def params(**kw):
    base = dict(name='c', state='present')
    base.update(kw)
    return base


def test_connector_options_never_collide_with_connection_options():
    assert 'url' in CONNECTOR.argument_spec() and 'timeout' in CONNECTOR.argument_spec()  # state document
    spec = CONNECTOR.module_argument_spec()
    for option in ('connector_url', 'connector_username', 'connector_password', 'connector_timeout'):
        assert option in spec
    for option in ('url', 'username', 'password', 'timeout', 'api_key'):
        assert option not in spec
    assert spec['connector_password']['no_log'] is True
    module_params = dict(name='c', url='https://proget', timeout=30, connector_url='https://up',
                         connector_timeout=5, username='admin', connector_username=None)
    fields = CONNECTOR.params_from_options(module_params)
    assert fields['url'] == 'https://up' and fields['timeout'] == 5 and fields['username'] is None
    assert CONNECTOR.options_view({'name': 'c', 'url': 'x', 'filters': []}) == \
        {'name': 'c', 'connector_url': 'x', 'filters': []}


@pytest.mark.parametrize('kw, message', [
    (dict(type='nugget', url='https://x'), "type 'nugget' is not a ProGet feed type"),
    (dict(type='nuget', url='x.example.com'), "connector_url 'x.example.com' must be an absolute"),
    (dict(type='nuget', url='https://x', timeout=-1), 'connector_timeout must not be negative'),
    (dict(type='nuget', url='https://x', filters=['a', 3]), 'filters[1] must be a non-empty string'),
    (dict(type='nuget', url='https://x', filters=['']), 'filters[0] must be a non-empty string'),
    (dict(type='nuget'), "connector 'c' does not exist; to create it, set connector_url"),
])
def test_connector_bad_input(kw, message):
    client = FakeClient()
    with pytest.raises(ValidationError) as e:
        reconcile(client, CONNECTOR, params(**kw))
    assert message in str(e.value) and client.writes == []


def test_connector_compare_and_password():
    client = FakeClient(connectors=[{'name': 'C', 'feedType': 'nuget', 'url': 'https://up/', 'filters': ['a', '!b'],
                                     'username': None}])
    same = params(type='NuGet', url='https://up', filters=['a', '!b'], username='', password='pw')
    assert not reconcile(client, CONNECTOR, same)['changed']
    out = reconcile(client, CONNECTOR, dict(same, filters=['!b', 'a']))
    assert out['changes'] == {'filters': ['!b', 'a']}
    out = reconcile(client, CONNECTOR, same, force_write_only=True)
    assert client.writes[-1][2] == {'password': 'pw'} and 'pw' not in repr(out)


def test_delete_detaches_feeds_first_and_only_reads_in_check_mode():
    feeds = [{'name': 'f1', 'connectors': ['c', 'other']}, {'name': 'f2', 'connectors': ['other']},
             {'name': 'f3', 'connectors': ['C']}]
    client = FakeClient(connectors=[{'name': 'c', 'feedType': 'npm', 'url': 'https://x'}], feeds=feeds)
    out = reconcile(client, CONNECTOR, params(state='absent'), check_mode=True)
    assert out['action'] == 'delete' and out['extra'] == {'detached_from': ['f1', 'f3']}
    assert client.writes == []
    out = reconcile(client, CONNECTOR, params(state='absent'))
    assert [w[1] for w in client.writes] == ['api/management/feeds/update/f1', 'api/management/feeds/update/f3',
                                             'api/management/connectors/delete/c']
    assert client.writes[0][2] == {'connectors': ['other']} and client.writes[1][2] == {'connectors': []}


def test_free_edition_warning():
    assert CONNECTOR.warnings(FakeClient(edition='free'), params(filters=['a']))
    assert CONNECTOR.warnings(FakeClient(edition='free'), params(metadata_cache_enabled=True))
    assert not CONNECTOR.warnings(FakeClient(edition='free'), params(filters=[]))
    assert not CONNECTOR.warnings(FakeClient(edition='basic'), params(filters=['a']))


def test_setting_values_compare_by_value_type():
    assert as_text(True) == 'True' and as_text(10) == '10' and as_text('') is None
    assert comparable('true', 'Boolean') == comparable('True', 'Boolean')
    assert comparable('010', 'Integer') == comparable(10, 'Integer')
    assert comparable('True', 'Text') != comparable('true', 'Text')
    res = SettingResource()
    current = {'name': 'FeedRetentionDryRun', 'value': 'False', 'valueType': 'Boolean'}
    assert res.changes({'name': 'x', 'value': False}, current) == {}
    assert res.changes({'name': 'x', 'value': 'TRUE'}, current) == {'value': 'TRUE'}
    with pytest.raises(ValidationError, match='must be true or false'):
        res.validate({'name': 'FeedRetentionDryRun', 'value': 'maybe'}, current)


def test_setting_secrets():
    assert is_secret('Licensing.Key') and is_secret('licensing.key') and is_secret('Smtp.Password')
    assert is_secret('Web.BaseUrl', marked=True) and not is_secret('Web.BaseUrl')
    res = SettingResource()
    obj = {'name': 'Licensing.Key', 'value': 'ABC', 'valueType': 'Text', 'description': None}
    assert res.public(obj)['value'] == '<secret>' and res.view(obj)['value'] == '<secret>'
    assert res.public(dict(obj, value=None))['value'] is None


def test_native_method_names():
    assert is_read('Feeds_GetFeeds') and is_read('configuration_getvalue') and not is_read('Feeds_CreateFeed')
    assert not is_read('GetThings') and not is_read('Feeds_DeleteGetter')
    for bad in ('', 'a b', 'a/b', 'Feeds_GetFeeds?x=1', 'ü'):
        with pytest.raises(ValidationError, match='letters, digits'):
            validate_call(bad, {})
    with pytest.raises(ValidationError, match='must not contain key'):
        validate_call('Feeds_GetFeeds', {'key': 'x'})
    validate_call('Feeds_GetFeeds', {'IncludeInactive_Indicator': 'Y', 'Feed_Id': 3, 'X': None})


def test_client_add_secret_scrubs():
    client = ProGetClient('http://127.0.0.1:9', api_key='k-123')
    client.add_secret('hunter2-long')
    client.add_secret('')
    client.add_secret(None)
    assert client.scrub('k-123 and hunter2-long') == '******** and ********'
