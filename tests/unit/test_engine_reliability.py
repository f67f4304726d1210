"""engine.check_values (ranges, undecodable text) and a create that loses a race, against the
in-process sim (fixture ``proget``)."""
import pytest
from progetsim.inprocess import writes

from ansible_collections.cac.proget.plugins.module_utils.client import ProGetError
from ansible_collections.cac.proget.plugins.module_utils.engine import ValidationError, reconcile

from test_engine import FEED, FEEDS, params, received, seed, stored


@pytest.mark.parametrize('kw, message', [
    (dict(retention_rules=[{'keep_versions_count': -1}]), 'retention_rules[0].keep_versions_count: -1 is out of range'),
    (dict(retention_rules=[{'keep_used_within_days': 2 ** 31}]), 'is out of range (0 to 2147483647)'),
    (dict(description=u'caf\udce9'), 'description: the value is not valid UTF-8'),
    (dict(alternate_names=[u'x\udcff']), 'alternate_names[0]: the value is not valid UTF-8'),
    (dict(variables={'team': u'\udcff'}), 'variables.team: the value is not valid UTF-8'),
    (dict(name='n' * 101), 'name must be at most 100 characters'),
])
def test_values_proget_cannot_store_fail_before_any_request_that_writes(proget, kw, message):
    seed(proget)
    with pytest.raises(ValidationError) as e:
        reconcile(proget, FEED, params(**dict(dict(name='a', type='nuget'), **kw)))
    assert message in str(e.value)
    assert writes(proget.sim) == []
    assert proget.sim.store.all('feed') == []


def test_create_that_lost_a_race_converges_the_object_found(proget):
    seed(proget)
    real = proget.request

    def racing(method, path, *args, **kwargs):
        if path == 'api/management/feeds/create' and stored(proget, 'x') is None:
            # another run creates it a moment before ours (with an old description)
            real('POST', path, json_body={'name': 'x', 'feedType': 'npm', 'description': 'other'})
        return real(method, path, *args, **kwargs)
    proget.request = racing
    out = reconcile(proget, FEED, params(name='x', type='npm', description='d'))
    assert out['changed'] and stored(proget, 'x')['description'] == 'd'
    # ours was refused (400, the feed exists), then the feed was read and converged
    assert [r for r in received(proget) if r[0] != 'GET'] == [
        ('POST', FEEDS + 'create', 200), ('POST', FEEDS + 'create', 400), ('POST', FEEDS + 'update/x', 200)]
    assert writes(proget.sim)[-1][2] == {'description': 'd'}  # only what still differed


def test_a_lost_race_on_a_kind_that_cannot_be_updated_fails_cleanly(proget):
    """Two runs create API key 'ci' with one chosen secret: ours is refused (the secret exists);
    the key found differs and API keys cannot be updated, so the error is ProGet's, not a crash."""
    from ansible_collections.cac.proget.plugins.module_utils.api_keys import ApiKeyResource
    key = ApiKeyResource()
    real = proget.request

    def racing(method, path, *args, **kwargs):
        if path == 'api/api-keys/create' and not racing.done:
            racing.done = True
            real('POST', path, json_body={'displayName': 'ci', 'type': 'System', 'systemApis': ['feeds'],
                                          'logging': 'None', 'key': 'chosen-secret-1', 'description': 'theirs'})
        return real(method, path, *args, **kwargs)
    racing.done = False
    proget.request = racing
    params = dict((k, None) for k in key.fields)
    params.update(name='ci', state='present', type='system', system_apis=['feeds'], description='ours',
                  key='chosen-secret-1', rotate=False)
    with pytest.raises(ProGetError) as e:
        reconcile(proget, key, params)
    assert str(e.value).startswith("failed to create API key 'ci': POST api/api-keys/create: HTTP 400")
    assert 'chosen-secret-1' not in str(e.value)
    assert [k['description'] for k in proget.get_json('api/api-keys/list') if k['displayName'] == 'ci'] == ['theirs']


def test_a_refused_create_of_an_absent_object_still_fails(proget):
    seed(proget)
    real = proget.request

    def racing(method, path, *args, **kwargs):
        if path == 'api/management/feeds/create':
            # another run deletes the connector after it was checked: ProGet refuses the create
            real('DELETE', 'api/management/connectors/delete/nuget.org')
        return real(method, path, *args, **kwargs)
    proget.request = racing
    with pytest.raises(ProGetError, match="failed to create feed 'x': POST api/management/feeds/create: HTTP 400: "
                                          "connector 'nuget.org' does not exist"):
        reconcile(proget, FEED, params(name='x', type='npm', connectors=['nuget.org']))
    assert stored(proget, 'x') is None
    # refused, looked (still absent), not sent again
    assert [r[:2] for r in received(proget)][-2:] == [('POST', FEEDS + 'create'), ('GET', FEEDS + 'get/x')]
    assert [w[:2] for w in writes(proget.sim)] == [('DELETE', '/api/management/connectors/delete/nuget.org'),
                                                   ('POST', FEEDS + 'create')]
