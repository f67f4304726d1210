"""Unit tests of the reconcile engine with an in-memory ProGet feed store."""
import copy

import pytest

from ansible_collections.cac.proget.plugins.module_utils.client import ProGetError
from ansible_collections.cac.proget.plugins.module_utils.engine import (
    Field, Resource, ValidationError, reconcile, snake_to_camel)
from ansible_collections.cac.proget.plugins.module_utils.feeds import FeedResource


class FakeClient:
    """Just enough of ProGetClient for FeedResource: an in-memory feeds API with a write log."""

    def __init__(self, feeds=None, connectors=('nuget.org',), check_mode=False):
        self.feeds = dict((f['name'].lower(), f) for f in (feeds or []))
        self.connectors = [{'name': c} for c in connectors]
        self.writes = []
        self.reads = []
        self.check_mode = check_mode
        self.fail_next_write = None   # 'before' (nothing stored) or 'after' (stored, then error)

    def get_json(self, path, params=None, missing_ok=False):
        self.reads.append(path)
        if path == 'api/management/connectors/list':
            return copy.deepcopy(self.connectors)
        if path == 'api/management/feeds/list':
            return copy.deepcopy(list(self.feeds.values()))
        name = path.rsplit('/', 1)[1].lower()
        return copy.deepcopy(self.feeds.get(name))

    def _maybe_fail(self, apply):
        mode, self.fail_next_write = self.fail_next_write, None
        if mode == 'after':
            apply()
        if mode:
            raise ProGetError('connection dropped', method='POST', path='x', uncertain=True)
        return apply()

    def post_json(self, path, json_body=None, params=None, safe=None, expect=None):
        assert not self.check_mode, 'write in check mode'
        self.writes.append(('POST', path, copy.deepcopy(json_body)))

        def apply():
            if path.endswith('/create'):
                feed = dict(json_body)
                feed.setdefault('active', True)
                feed.setdefault('retentionRules', [])
                self.feeds[feed['name'].lower()] = feed
                return copy.deepcopy(feed)
            name = path.rsplit('/', 1)[1].lower()
            self.feeds[name].update(json_body)
            return copy.deepcopy(self.feeds[name])
        return self._maybe_fail(apply)

    def request(self, method, path, missing_ok=False, **kwargs):
        assert not self.check_mode, 'write in check mode'
        self.writes.append((method, path, None))
        name = path.rsplit('/', 1)[1].lower()
        return self._maybe_fail(lambda: self.feeds.pop(name, None))


def params(**kw):
    base = dict((k, None) for k in FeedResource.fields)
    base.update(state='present')
    base.update(kw)
    return base


FEED = FeedResource()


def test_create_then_noop_then_update_only_the_difference():
    client = FakeClient()
    out = reconcile(client, FEED, params(name='Libs', type='NuGet', description='d', connectors=['nuget.org']))
    assert out['changed'] and out['action'] == 'create'
    assert client.writes[0][2] == {'name': 'Libs', 'feedType': 'NuGet', 'description': 'd', 'connectors': ['nuget.org']}

    client.writes = []
    client.reads = []
    out = reconcile(client, FEED, params(name='libs', type='nuget', description='d', connectors=['NuGet.org']))
    assert not out['changed'] and client.writes == []
    assert client.reads == ['api/management/feeds/get/libs'], 'a no-op is one GET'

    out = reconcile(client, FEED, params(name='libs', description='new', active=True))
    assert out['action'] == 'update'
    assert client.writes == [('POST', 'api/management/feeds/update/libs', {'description': 'new'})]
    assert out['diff'] == {'before': {'name': 'Libs', 'description': 'd', 'active': True},
                           'after': {'name': 'Libs', 'description': 'new', 'active': True}}


def test_check_mode_plans_without_writing():
    client = FakeClient(feeds=[{'name': 'a', 'feedType': 'npm', 'description': 'x'}], check_mode=True)
    out = reconcile(client, FEED, params(name='a', description='y'), check_mode=True)
    assert out['changed'] and out['changes'] == {'description': 'y'}
    out = reconcile(client, FEED, params(name='b', type='pypi'), check_mode=True)
    assert out['action'] == 'create' and out['object']['feedType'] == 'pypi'
    out = reconcile(client, FEED, params(name='a', state='absent'), check_mode=True)
    assert out['action'] == 'delete'
    assert client.writes == []
    assert client.feeds['a']['description'] == 'x'


def test_absent_is_idempotent():
    client = FakeClient(feeds=[{'name': 'a', 'feedType': 'npm'}])
    assert reconcile(client, FEED, params(name='A', state='absent'))['changed']
    assert 'a' not in client.feeds
    assert not reconcile(client, FEED, params(name='a', state='absent'))['changed']
    assert len(client.writes) == 1


def test_unmanaged_options_are_never_sent():
    client = FakeClient(feeds=[{'name': 'a', 'feedType': 'npm', 'description': 'keep', 'active': False}])
    reconcile(client, FEED, params(name='a', active=True))
    assert client.writes[0][2] == {'active': True}
    assert client.feeds['a']['description'] == 'keep'


def test_empty_string_clears_with_null_and_matches_missing():
    client = FakeClient(feeds=[{'name': 'a', 'feedType': 'npm', 'description': 'x'}])
    reconcile(client, FEED, params(name='a', description=''))
    assert client.writes[0][2] == {'description': None}
    client.feeds['a'].pop('description')
    assert not reconcile(client, FEED, params(name='a', description=''))['changed']


def test_retention_rules_compare_with_false_defaults_and_order():
    stored = [{'keepVersionsCount': 5, 'deletePrereleaseVersions': False, 'deleteCached': False,
               'sizeExclusive': False, 'keepIfActivelyConsumed': False, 'someUiOnlyKey': 1}]
    client = FakeClient(feeds=[{'name': 'a', 'feedType': 'npm', 'retentionRules': stored}])
    rule = dict((k, None) for k in FeedResource.fields['retention_rules'].suboptions)
    rule.update(keep_versions_count=5, delete_prerelease_versions=False, delete_cached=False,
                size_exclusive=False, keep_if_actively_consumed=False)
    assert not reconcile(client, FEED, params(name='a', retention_rules=[rule]))['changed']
    second = dict(rule, keep_versions_count=None, delete_prerelease_versions=True, keep_used_within_days=30)
    out = reconcile(client, FEED, params(name='a', retention_rules=[second, rule]))
    assert out['changed']
    sent = client.writes[0][2]['retentionRules']
    assert sent[0] == {'deletePrereleaseVersions': True, 'deleteCached': False, 'keepUsedWithinDays': 30,
                       'sizeExclusive': False, 'keepIfActivelyConsumed': False}
    assert sent[1]['keepVersionsCount'] == 5
    assert out['diff']['after']['retention_rules'][0] == {'delete_prerelease_versions': True,
                                                          'keep_used_within_days': 30}


@pytest.mark.parametrize('kw, message', [
    (dict(name='a', type='nugget'), "type 'nugget' is not a ProGet feed type"),
    (dict(name='bad name'), 'need URL escaping'),
    (dict(name='a/b', type='npm'), 'need URL escaping'),
    (dict(name='new', description='x'), "feed 'new' does not exist; to create it, set type"),
    (dict(name='a', variables={'1bad': 'x'}), "variables: name '1bad' is invalid"),
    (dict(name='a', type='nuget', connectors=['missing']), "connectors 'missing' do not exist"),
])
def test_bad_input_fails_before_any_write(kw, message):
    client = FakeClient(feeds=[{'name': 'a', 'feedType': 'nuget'}])
    with pytest.raises(ValidationError) as e:
        reconcile(client, FEED, params(**kw))
    assert message in str(e.value)
    assert client.writes == []


def test_feed_type_change_rule():
    client = FakeClient(feeds=[{'name': 'a', 'feedType': 'nuget'}])
    assert reconcile(client, FEED, params(name='a', type='Chocolatey'))['changed']
    with pytest.raises(ValidationError, match='cannot change from chocolatey to npm'):
        reconcile(client, FEED, params(name='a', type='npm'))


@pytest.mark.parametrize('mode', ['before', 'after'])
def test_uncertain_create_is_checked_not_repeated_blindly(mode):
    client = FakeClient()
    client.fail_next_write = mode
    out = reconcile(client, FEED, params(name='x', type='npm', description='d'))
    assert out['action'] == 'create'
    creates = [w for w in client.writes if w[1].endswith('/create')]
    # 'after': the create happened, so it must not be sent again; 'before': it did not, sent once more.
    assert len(creates) == (1 if mode == 'after' else 2)
    assert client.feeds['x']['description'] == 'd'


def test_certain_error_names_the_object():
    client = FakeClient(feeds=[{'name': 'a', 'feedType': 'npm'}])

    def refuse(*args, **kwargs):
        raise ProGetError('POST api/management/feeds/update/a: HTTP 403: nope', status=403)
    client.post_json = refuse
    with pytest.raises(ProGetError) as e:
        reconcile(client, FEED, params(name='a', description='x'))
    assert str(e.value).startswith("failed to update feed 'a': POST")
    assert e.value.status == 403


class Secretive(Resource):
    kind = 'thing'
    fields = dict(url=Field(), password=Field(no_log=True, write_only=True))


class SecretClient(FakeClient):
    pass


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
