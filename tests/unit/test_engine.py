"""Unit tests of the reconcile engine: the real ProGetClient against the in-process sim (fixture
``proget``, tests/unit/conftest.py); what was written comes from the sim's request log."""
import copy

import pytest
from progetsim.inprocess import writes

from ansible_collections.cac.proget.plugins.module_utils.client import ProGetError
from ansible_collections.cac.proget.plugins.module_utils.engine import (
    Field, Resource, ValidationError, reconcile, snake_to_camel)
from ansible_collections.cac.proget.plugins.module_utils.feeds import FeedResource

FEEDS = '/api/management/feeds/'


def seed(client, *feeds):
    """The connector nuget.org and ``feeds`` (ProGet's feed JSON), created through the API; then an
    empty request log."""
    client.post_json('api/management/connectors/create',
                     {'name': 'nuget.org', 'feedType': 'nuget', 'url': 'https://api.nuget.org/v3/index.json'})
    for feed in feeds:
        client.post_json('api/management/feeds/create', feed)
    client.sim.clear_log()
    return client


def stored(client, name):
    """The feed as the sim stores it (None if absent): the state, read without a request."""
    return client.sim.store.find('feed', name)


def received(client):
    """(method, path, status) of every request the sim received since the last clear_log()."""
    return [(e['method'], e['path'], e['status']) for e in client.sim.read_log()]


def params(**kw):
    base = dict((k, None) for k in FeedResource.fields)
    base.update(state='present')
    base.update(kw)
    return base


FEED = FeedResource()


def test_create_then_noop_then_update_only_the_difference(proget):
    seed(proget)
    out = reconcile(proget, FEED, params(name='Libs', type='NuGet', description='d', connectors=['nuget.org']))
    assert out['changed'] and out['action'] == 'create'
    assert writes(proget.sim) == [('POST', FEEDS + 'create', {'name': 'Libs', 'feedType': 'NuGet', 'description': 'd',
                                                              'connectors': ['nuget.org']})]

    proget.sim.clear_log()
    out = reconcile(proget, FEED, params(name='libs', type='nuget', description='d', connectors=['NuGet.org']))
    assert not out['changed'] and writes(proget.sim) == []
    assert received(proget) == [('GET', FEEDS + 'get/libs', 200)], 'a no-op is one GET'

    out = reconcile(proget, FEED, params(name='libs', description='new', active=True))
    assert out['action'] == 'update'
    assert writes(proget.sim) == [('POST', FEEDS + 'update/libs', {'description': 'new'})]
    assert out['diff'] == {'before': {'name': 'Libs', 'description': 'd', 'active': True},
                           'after': {'name': 'Libs', 'description': 'new', 'active': True}}
    assert stored(proget, 'libs')['description'] == 'new'


def test_check_mode_plans_without_writing(proget):
    seed(proget, {'name': 'a', 'feedType': 'npm', 'description': 'x'})
    proget.check_mode = True  # the real client refuses to send any write in check mode
    out = reconcile(proget, FEED, params(name='a', description='y'), check_mode=True)
    assert out['changed'] and out['changes'] == {'description': 'y'}
    out = reconcile(proget, FEED, params(name='b', type='pypi'), check_mode=True)
    assert out['action'] == 'create' and out['object']['feedType'] == 'pypi'
    out = reconcile(proget, FEED, params(name='a', state='absent'), check_mode=True)
    assert out['action'] == 'delete'
    assert writes(proget.sim) == [] and not any(e['write'] for e in proget.sim.read_log())
    assert stored(proget, 'a')['description'] == 'x' and stored(proget, 'b') is None


def test_absent_is_idempotent(proget):
    seed(proget, {'name': 'a', 'feedType': 'npm'})
    assert reconcile(proget, FEED, params(name='A', state='absent'))['changed']
    assert stored(proget, 'a') is None
    assert not reconcile(proget, FEED, params(name='a', state='absent'))['changed']
    assert writes(proget.sim) == [('DELETE', FEEDS + 'delete/A', None)]


def test_unmanaged_options_are_never_sent(proget):
    seed(proget, {'name': 'a', 'feedType': 'npm', 'description': 'keep', 'active': False})
    reconcile(proget, FEED, params(name='a', active=True))
    assert writes(proget.sim) == [('POST', FEEDS + 'update/a', {'active': True})]
    assert stored(proget, 'a')['description'] == 'keep' and stored(proget, 'a')['active'] is True


def test_empty_string_clears_with_null_and_matches_missing(proget):
    seed(proget, {'name': 'a', 'feedType': 'npm', 'description': 'x'})
    reconcile(proget, FEED, params(name='a', description=''))
    assert writes(proget.sim) == [('POST', FEEDS + 'update/a', {'description': None})]
    assert stored(proget, 'a')['description'] is None
    # ProGet now answers "description": null ...
    assert not reconcile(proget, FEED, params(name='a', description=''))['changed']
    # ... and a feed without the property at all matches '' too
    current = proget.get_json('api/management/feeds/get/a')
    current.pop('description')
    assert not reconcile(proget, FEED, params(name='a', description=''), current=current, fetched=True)['changed']
    assert len(writes(proget.sim)) == 1


def test_retention_rules_compare_with_false_defaults_and_order(proget):
    rules = [{'keepVersionsCount': 5, 'deletePrereleaseVersions': False, 'deleteCached': False,
              'sizeExclusive': False, 'keepIfActivelyConsumed': False, 'someUiOnlyKey': 1}]
    seed(proget, {'name': 'a', 'feedType': 'npm', 'retentionRules': rules})
    assert proget.get_json('api/management/feeds/get/a')['retentionRules'][0]['someUiOnlyKey'] == 1
    rule = dict((k, None) for k in FeedResource.fields['retention_rules'].suboptions)
    rule.update(keep_versions_count=5, delete_prerelease_versions=False, delete_cached=False,
                size_exclusive=False, keep_if_actively_consumed=False)
    assert not reconcile(proget, FEED, params(name='a', retention_rules=[rule]))['changed']
    assert writes(proget.sim) == []
    second = dict(rule, keep_versions_count=None, delete_prerelease_versions=True, keep_used_within_days=30)
    out = reconcile(proget, FEED, params(name='a', retention_rules=[second, rule]))
    assert out['changed']
    [(method, path, body)] = writes(proget.sim)
    assert (method, path, list(body)) == ('POST', FEEDS + 'update/a', ['retentionRules'])
    sent_rules = body['retentionRules']
    assert sent_rules[0] == {'deletePrereleaseVersions': True, 'deleteCached': False, 'keepUsedWithinDays': 30,
                             'sizeExclusive': False, 'keepIfActivelyConsumed': False}
    assert sent_rules[1]['keepVersionsCount'] == 5
    assert out['diff']['after']['retention_rules'][0] == {'delete_prerelease_versions': True,
                                                          'keep_used_within_days': 30}
    assert [r.get('keepUsedWithinDays') for r in stored(proget, 'a')['retentionRules']] == [30, None]


@pytest.mark.parametrize('kw, message', [
    (dict(name='a', type='nugget'), "type 'nugget' is not a ProGet feed type"),
    (dict(name='bad name'), 'need URL escaping'),
    (dict(name='a/b', type='npm'), 'need URL escaping'),
    (dict(name='new', description='x'), "feed 'new' does not exist; to create it, set type"),
    (dict(name='a', variables={'1bad': 'x'}), "variables: name '1bad' is invalid"),
    (dict(name='a', type='nuget', connectors=['missing']), "connectors 'missing' do not exist"),
])
def test_bad_input_fails_before_any_write(proget, kw, message):
    seed(proget, {'name': 'a', 'feedType': 'nuget'})
    with pytest.raises(ValidationError) as e:
        reconcile(proget, FEED, params(**kw))
    assert message in str(e.value)
    assert writes(proget.sim) == []


def test_feed_type_change_rule(proget):
    seed(proget, {'name': 'a', 'feedType': 'nuget'})
    assert reconcile(proget, FEED, params(name='a', type='Chocolatey'))['changed']
    assert stored(proget, 'a')['feedType'] == 'chocolatey'
    proget.sim.clear_log()
    with pytest.raises(ValidationError, match='cannot change from chocolatey to npm'):
        reconcile(proget, FEED, params(name='a', type='npm'))
    assert writes(proget.sim) == []


def fail_next_write(client, mode):
    """The next request that writes meets a sim fault, once: 'before' = fail_every (HTTP 500, nothing
    stored), 'after' = drop_after_write (stored, then the connection drops)."""
    option = {'before': 'fail_every', 'after': 'drop_after_write'}[mode]
    real = client.request
    armed = [True]

    def request(method, *args, **kwargs):
        if not armed[0] or method.upper() in ('GET', 'HEAD'):
            return real(method, *args, **kwargs)
        armed[0] = False
        client.sim.config[option] = 1
        try:
            return real(method, *args, **kwargs)
        finally:
            client.sim.config[option] = 0
    client.request = request


@pytest.mark.parametrize('mode', ['before', 'after'])
def test_uncertain_create_is_checked_not_repeated_blindly(proget, mode):
    seed(proget)
    fail_next_write(proget, mode)
    out = reconcile(proget, FEED, params(name='x', type='npm', description='d'))
    assert out['action'] == 'create' and out['changed']
    # 'after': the create happened (then the connection dropped), so it must not be sent again;
    # 'before': it did not (HTTP 500), so it is sent once more. Either way: a look first.
    get, create = ('GET', FEEDS + 'get/x'), ('POST', FEEDS + 'create')
    if mode == 'after':
        assert received(proget) == [get + (404,), create + (0,), get + (200,)]
    else:
        assert received(proget) == [get + (404,), create + (500,), get + (404,), create + (200,)]
    assert [e['write'] for e in proget.sim.read_log() if e['method'] == 'POST'] == \
        ([True] if mode == 'after' else [False, True])
    assert stored(proget, 'x')['description'] == 'd'


def test_certain_error_names_the_object(proget):
    seed(proget, {'name': 'a', 'feedType': 'npm'})
    # a Feed key may view feed 'a' but never change feeds: ProGet answers 403
    viewer = proget.request('POST', 'api/api-keys/create', json_body={
        'type': 'Feed', 'feed': 'a', 'packagePermissions': ['view'], 'logging': 'None', 'displayName': 'v'}).text
    proget.session.headers['X-ApiKey'] = viewer
    proget.sim.clear_log()
    with pytest.raises(ProGetError) as e:
        reconcile(proget, FEED, params(name='a', description='x'))
    assert str(e.value).startswith("failed to update feed 'a': POST api/management/feeds/update/a: HTTP 403")
    assert e.value.status == 403 and not e.value.uncertain
    assert received(proget) == [('GET', FEEDS + 'get/a', 200), ('POST', FEEDS + 'update/a', 403)]
    assert stored(proget, 'a')['description'] is None


class Secretive(Resource):
    name = 'thing'
    fields = dict(url=Field(), password=Field(no_log=True, write_only=True))


def test_write_only_fields_sent_on_create_only_unless_forced():
    res = Secretive()
    store = {}

    class C:
        check_mode = False

    def get(client, ident):
        return copy.deepcopy(store.get(ident))

    def create(client, payload):
        store[payload['name']] = dict((k, v) for k, v in payload.items() if k != 'password')
        sent.append(payload)
    sent = []
    res.get, res.create = get, create
    res.update = lambda client, ident, payload, current: sent.append(payload) or store[ident]
    p = dict(name='t', state='present', url='u', password='s3cret')
    out = reconcile(C(), res, p)
    assert sent[-1]['password'] == 's3cret'
    assert out['changes']['password'] == '********'
    assert 's3cret' not in repr(out)
    assert not reconcile(C(), res, p)['changed']
    out = reconcile(C(), res, p, force_write_only=True)
    assert out['changed'] and sent[-1] == {'password': 's3cret'}
    assert out['diff']['after']['password'] == '<changed>' and 's3cret' not in repr(out)


def test_argument_spec_and_names():
    spec = FEED.argument_spec()
    assert spec['name'] == {'type': 'str', 'required': True}
    assert spec['retention_rules']['options']['delete_cached'] == {'type': 'bool', 'default': False}
    assert snake_to_camel('use_api_v3') == 'useApiV3'
    assert snake_to_camel('size_trigger_kb') == 'sizeTriggerKb'
