"""Unit tests of the connector, setting and native-API module_utils and the engine hooks they use;
what talks to ProGet uses the real client on the in-process sim (fixture ``proget``)."""
import pytest
from progetsim.inprocess import writes

from ansible_collections.cac.proget.plugins.module_utils.client import ProGetClient
from ansible_collections.cac.proget.plugins.module_utils.connectors import ConnectorResource
from ansible_collections.cac.proget.plugins.module_utils.engine import ValidationError, reconcile
from ansible_collections.cac.proget.plugins.module_utils.native import is_read, validate_call
from ansible_collections.cac.proget.plugins.module_utils.settings import (
    SettingResource, as_text, comparable, is_secret)

CONNECTOR = ConnectorResource()
CONNECTORS = '/api/management/connectors/'


def seed(client, connectors=(), feeds=()):
    """Connectors and feeds (ProGet's JSON), created through the API; then an empty request log."""
    for connector in connectors:
        client.post_json('api/management/connectors/create', connector)
    for feed in feeds:
        client.post_json('api/management/feeds/create', feed)
    client.sim.clear_log()
    return client


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
def test_connector_bad_input(proget, kw, message):
    with pytest.raises(ValidationError) as e:
        reconcile(proget, CONNECTOR, params(**kw))
    assert message in str(e.value) and writes(proget.sim) == []
    assert proget.sim.store.all('connector') == []


def test_connector_compare_and_password(proget):
    seed(proget, connectors=[{'name': 'C', 'feedType': 'nuget', 'url': 'https://up/', 'filters': ['a', '!b'],
                              'username': None}])
    same = params(type='NuGet', url='https://up', filters=['a', '!b'], username='', password='pw')
    assert not reconcile(proget, CONNECTOR, same)['changed']
    assert writes(proget.sim) == []
    out = reconcile(proget, CONNECTOR, dict(same, filters=['!b', 'a']))
    assert out['changes'] == {'filters': ['!b', 'a']}
    assert writes(proget.sim) == [('POST', CONNECTORS + 'update/c', {'filters': ['!b', 'a']})]
    proget.sim.clear_log()
    # the same desired state again, with update_password=always: only the password is sent
    out = reconcile(proget, CONNECTOR, dict(same, filters=['!b', 'a']), force_write_only=True)
    assert writes(proget.sim) == [('POST', CONNECTORS + 'update/c', {'password': 'pw'})] and 'pw' not in repr(out)
    assert proget.sim.store.find('connector', 'c')['password'] == 'pw'


def test_delete_detaches_feeds_first_and_only_reads_in_check_mode(proget):
    feeds = [{'name': 'f1', 'feedType': 'npm', 'connectors': ['c', 'other']},
             {'name': 'f2', 'feedType': 'npm', 'connectors': ['other']},
             {'name': 'f3', 'feedType': 'npm', 'connectors': ['C']}]
    seed(proget, connectors=[{'name': 'c', 'feedType': 'npm', 'url': 'https://x'},
                             {'name': 'other', 'feedType': 'npm', 'url': 'https://y'}], feeds=feeds)
    # a ProGet that refuses to delete a connector feeds still use: only detaching first works
    proget.sim.config['connector_in_use'] = 'refuse'
    proget.check_mode = True
    out = reconcile(proget, CONNECTOR, params(state='absent'), check_mode=True)
    assert out['action'] == 'delete' and out['extra'] == {'detached_from': ['f1', 'f3']}
    assert writes(proget.sim) == []
    proget.check_mode = False
    out = reconcile(proget, CONNECTOR, params(state='absent'))
    assert writes(proget.sim) == [('POST', '/api/management/feeds/update/f1', {'connectors': ['other']}),
                                  ('POST', '/api/management/feeds/update/f3', {'connectors': []}),
                                  ('DELETE', CONNECTORS + 'delete/c', None)]
    assert all(e['status'] == 200 for e in proget.sim.read_log())
    store = proget.sim.store
    assert [c['name'] for c in store.all('connector')] == ['other']
    assert [(f['name'], f['connectors']) for f in store.all('feed')] == [('f1', ['other']), ('f2', ['other']), ('f3', [])]


def test_free_edition_warning(proget):
    proget.get_json('api/management/feeds/list')  # the client learns the edition from ProGet's answer
    assert proget.edition == 'free'
    assert CONNECTOR.warnings(proget, params(filters=['a']))
    assert CONNECTOR.warnings(proget, params(metadata_cache_enabled=True))
    assert not CONNECTOR.warnings(proget, params(filters=[]))
    proget.sim.config['edition'] = 'basic'
    proget.get_json('api/management/feeds/list')
    assert proget.edition == 'basic'
    assert not CONNECTOR.warnings(proget, params(filters=['a']))


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
