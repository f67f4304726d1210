"""engine.check_values (ranges, undecodable text) and a create that loses a race."""
import pytest

from ansible_collections.cac.proget.plugins.module_utils.client import ProGetError
from ansible_collections.cac.proget.plugins.module_utils.engine import ValidationError, reconcile

from test_engine import FEED, FakeClient, params


@pytest.mark.parametrize('kw, message', [
    (dict(retention_rules=[{'keep_versions_count': -1}]), 'retention_rules[0].keep_versions_count: -1 is out of range'),
    (dict(retention_rules=[{'keep_used_within_days': 2 ** 31}]), 'is out of range (0 to 2147483647)'),
    (dict(description=u'caf\udce9'), 'description: the value is not valid UTF-8'),
    (dict(alternate_names=[u'x\udcff']), 'alternate_names[0]: the value is not valid UTF-8'),
    (dict(variables={'team': u'\udcff'}), 'variables.team: the value is not valid UTF-8'),
    (dict(name='n' * 101), 'name must be at most 100 characters'),
])
def test_values_proget_cannot_store_fail_before_any_request_that_writes(kw, message):
    client = FakeClient()
    with pytest.raises(ValidationError) as e:
        reconcile(client, FEED, params(**dict(dict(name='a', type='nuget'), **kw)))
    assert message in str(e.value)
    assert client.writes == []


def test_create_that_lost_a_race_converges_the_object_found():
    client = FakeClient()
    real_post = client.post_json

    def racing(path, json_body=None, **kw):
        if path.endswith('/create'):
            # another run created it a moment ago (with an old description)
            client.feeds['x'] = {'name': 'x', 'feedType': 'npm', 'description': 'other', 'active': True,
                                 'retentionRules': []}
            raise ProGetError("HTTP 400: A feed named 'x' already exists.", status=400)
        return real_post(path, json_body=json_body, **kw)
    client.post_json = racing
    out = reconcile(client, FEED, params(name='x', type='npm', description='d'))
    assert out['changed'] and client.feeds['x']['description'] == 'd'


def test_a_refused_create_of_an_absent_object_still_fails():
    client = FakeClient()

    def refuse(path, json_body=None, **kw):
        raise ProGetError('HTTP 400: Invalid value.', status=400)
    client.post_json = refuse
    with pytest.raises(ProGetError, match="failed to create feed 'x': HTTP 400: Invalid value"):
        reconcile(client, FEED, params(name='x', type='npm'))
