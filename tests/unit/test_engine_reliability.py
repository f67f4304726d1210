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
    assert writes(proget.sim)[-1][2]['description'] == 'd'


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
