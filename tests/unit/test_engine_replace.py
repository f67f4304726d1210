"""Unit tests of the engine's re-create hooks (Resource.replace_on_change, Field.compare_if_shown,
Field.returned_once) with a made-up kind (``Token``, kept in memory by ``Server``: no ProGet API),
and of the API-key (on the in-process sim, fixture ``proget``) and license declarations."""
import copy

import pytest

from ansible_collections.cac.proget.plugins.module_utils.api_keys import (
    ApiKeyResource, normalize_expiration, parse_expiration)
from ansible_collections.cac.proget.plugins.module_utils.client import ProGetError
from ansible_collections.cac.proget.plugins.module_utils.engine import (
    Field, Resource, ValidationError, reconcile)
from ansible_collections.cac.proget.plugins.module_utils.licenses import LicenseResource, strip_scheme


class Token(Resource):
    """A kind ProGet cannot update: objects with server ids, secrets generated on create."""
    name = 'token'
    identity_api = 'name'
    replace_on_change = True
    fields = dict(
        scope=Field(required_on_create=True),
        note=Field(nullable=True),
        secret=Field(no_log=True, write_only=True, compare_if_shown=True, returned_once=True),
    )
    first = 'create'

    def get(self, client, ident):
        return client.find(ident)

    def create(self, client, payload):
        return client.create(payload)

    def delete(self, client, ident, current):
        client.delete(current['id'])

    def delete_before_create(self, params, current):
        return self.first == 'delete'


class Server:
    def __init__(self, show_secret=True):
        self.objects = {}
        self.next_id = 1
        self.log = []
        self.fail = {}
        self.show_secret = show_secret

    def find(self, name):
        for obj in self.objects.values():
            if obj['name'].lower() == name.lower():
                out = copy.deepcopy(obj)
                if not self.show_secret:
                    out['secret'] = None
                return out
        return None

    def create(self, payload):
        self.log.append(('create', payload.get('scope')))
        if self.fail.pop('create', None):
            raise ProGetError('POST create: HTTP 400: refused', status=400)
        obj = dict(payload, id=self.next_id)
        obj.setdefault('secret', 'generated-%d' % self.next_id)
        self.next_id += 1
        self.objects[obj['id']] = obj
        return copy.deepcopy(obj)

    def delete(self, obj_id):
        self.log.append(('delete', obj_id))
        mode = self.fail.get('delete')
        if mode:
            if mode == 'once':
                self.fail.pop('delete')
            raise ProGetError('POST delete: HTTP 500: boom', status=500)
        self.objects.pop(obj_id)


def p(**kw):
    base = dict(name='t', state='present', scope=None, note=None, secret=None)
    base.update(kw)
    return base


def test_create_returns_the_secret_once_and_never_in_object_or_diff():
    server = Server()
    out = reconcile(server, Token(), p(scope='a'))
    assert out['action'] == 'create' and out['secrets'] == {'secret': 'generated-1'}
    assert 'secret' not in out['object'] and 'generated-1' not in repr(out['diff'])


def test_difference_replaces_create_first_then_delete():
    server = Server()
    reconcile(server, Token(), p(scope='a', note='n'))
    server.log = []
    out = reconcile(server, Token(), p(scope='b'))
    assert out['action'] == 'replace' and out['changed']
    assert server.log == [('create', 'b'), ('delete', 1)]
    assert list(server.objects) == [2] and server.objects[2]['note'] == 'n'  # unmanaged field carried over
    assert out['diff']['before']['scope'] == 'a' and out['diff']['after']['scope'] == 'b'
    assert out['secrets'] == {'secret': 'generated-2'}


def test_no_difference_is_no_change_and_force_replace_recreates():
    server = Server()
    reconcile(server, Token(), p(scope='a'))
    assert reconcile(server, Token(), p(scope='a'))['action'] == 'none'
    out = reconcile(server, Token(), p(), force_replace=True)
    assert out['action'] == 'replace' and list(server.objects) == [2]


def test_check_mode_plans_the_replace_without_writing():
    server = Server()
    reconcile(server, Token(), p(scope='a'))
    server.log = []
    out = reconcile(server, Token(), p(scope='b'), check_mode=True)
    assert out['action'] == 'replace' and server.log == [] and out['secrets'] == {}


def test_refused_create_leaves_the_old_object():
    server = Server()
    reconcile(server, Token(), p(scope='a'))
    server.fail['create'] = True
    with pytest.raises(ProGetError) as e:
        reconcile(server, Token(), p(scope='b'))
    assert "failed to replace token 't'" in str(e.value) and list(server.objects) == [1]


def test_failed_delete_rolls_back_the_new_object():
    server = Server()
    reconcile(server, Token(), p(scope='a'))
    server.fail['delete'] = 'once'
    with pytest.raises(ProGetError) as e:
        reconcile(server, Token(), p(scope='b'))
    assert 'the new one was deleted again, nothing changed' in str(e.value)
    assert list(server.objects) == [1]


def test_failed_delete_and_rollback_says_both_exist():
    server = Server()
    reconcile(server, Token(), p(scope='a'))
    server.fail['delete'] = 'always'
    with pytest.raises(ProGetError) as e:
        reconcile(server, Token(), p(scope='b'))
    assert 'both exist now' in str(e.value) and sorted(server.objects) == [1, 2]


def test_delete_first_order_and_its_failure_message():
    server = Server()
    token = Token()
    token.first = 'delete'
    reconcile(server, token, p(scope='a'))
    server.log = []
    reconcile(server, token, p(scope='b'))
    assert server.log == [('delete', 1), ('create', 'b')]
    server.fail['create'] = True
    with pytest.raises(ProGetError) as e:
        reconcile(server, token, p(scope='c'))
    assert 'the old token was deleted, but creating the new one failed' in str(e.value)


def test_write_only_secret_compared_only_when_shown():
    shown = Server(show_secret=True)
    reconcile(shown, Token(), p(scope='a', secret='s1'))
    assert reconcile(shown, Token(), p(scope='a', secret='s1'))['action'] == 'none'
    out = reconcile(shown, Token(), p(scope='a', secret='s2'))
    assert out['action'] == 'replace' and out['diff']['after']['secret'] == '<changed>'
    assert 's2' not in repr(out['diff']) and 's2' not in repr(out['changes'])

    hidden = Server(show_secret=False)
    reconcile(hidden, Token(), p(scope='a', secret='s1'))
    assert reconcile(hidden, Token(), p(scope='a', secret='s2'))['action'] == 'none'


# -- API keys --------------------------------------------------------------------------------
KEY = ApiKeyResource()


def kp(**kw):
    base = dict((k, None) for k in KEY.fields)
    base.update(name='ci', state='present', rotate=False)
    base.update(kw)
    return base


@pytest.mark.parametrize('params, current, message', [
    (kp(type='feed', package_permissions=['view']), None, 'a feed key needs feed or feed_group'),
    (kp(type='feed', feed='a', feed_group='g', package_permissions=['view']), None, 'not both'),
    (kp(type='system', system_apis=['feeds'], package_permissions=['view']), None,
     'package_permissions cannot be set on a system key'),
    (kp(type='feed', feed='a', package_permissions=['own']), None, "unknown permission 'own'"),
    (kp(type='system', system_apis=['all']), None, "system_apis: unknown permission 'all'"),
    (kp(type='system', system_apis=['feeds'], expiration='soon'), None, "expiration 'soon' is not a date"),
    (kp(type='personal'), None, 'a personal key needs user'),
    (kp(type='system'), None, 'a system key needs system_apis'),
    (kp(user='bob'), {'type': 'System', 'systemApis': ['feeds']}, 'user cannot be set on a system key'),
])
def test_api_key_validation(params, current, message):
    with pytest.raises(ValidationError) as e:
        KEY.validate(params, current)
    assert message in str(e.value) and "API key 'ci'" in str(e.value)


def test_api_key_several_with_one_name(proget):
    for name in ('CI', 'x', 'ci'):  # ProGet does not keep display names unique
        proget.request('POST', 'api/api-keys/create', json_body={
            'type': 'System', 'systemApis': ['feeds'], 'logging': 'None', 'displayName': name})
    ids = [k['id'] for k in proget.get_json('api/api-keys/list') if k['displayName'] in ('CI', 'ci')]
    proget.sim.clear_log()
    with pytest.raises(ValidationError) as e:
        KEY.get(proget, 'ci')
    assert "API key 'ci': 2 API keys have this display name (ids %d, %d)" % tuple(ids) in str(e.value)
    assert [(r['method'], r['path']) for r in proget.sim.read_log()] == [('GET', '/api/api-keys/list')]


def test_api_key_replace_payload_drops_the_old_types_fields():
    current = {'id': 1, 'type': 'System', 'displayName': 'ci', 'systemApis': ['feeds'], 'description': 'd',
               'logging': 'Request', 'key': 'old-secret', 'expiration': None}
    payload = KEY.replace_payload(kp(type='feed', feed='pkgs', package_permissions=['View']), {}, current)
    assert payload == {'displayName': 'ci', 'type': 'Feed', 'feed': 'pkgs', 'packagePermissions': ['view'],
                       'description': 'd', 'logging': 'Request'}


@pytest.mark.parametrize('text, expected', [
    ('2030-01-31', '2030-01-31T00:00:00'),
    ('2030-01-31T10:20', '2030-01-31T10:20:00'),
    ('2030-01-31T10:20:30Z', '2030-01-31T10:20:30'),
    ('2030-01-31T10:20:30.123+02:00', '2030-01-31T08:20:30'),
    ('2030-01-31 10:20:30-0130', '2030-01-31T11:50:30'),
])
def test_expiration_normalised_to_utc(text, expected):
    assert normalize_expiration(text) == expected
    assert parse_expiration(text).isoformat().startswith(expected)


@pytest.mark.parametrize('text', ['tomorrow', '2030-13-01', '31/01/2030', '2030-01-31T25:00'])
def test_expiration_not_a_date(text):
    with pytest.raises(ValueError):
        parse_expiration(text)


# -- licenses --------------------------------------------------------------------------------
def test_license_urls_compared_without_scheme_and_order():
    lic = LicenseResource()
    field = lic.fields['urls']
    assert field.comparable(field.to_api(['https://b.org/x', 'a.org/y'])) == field.comparable(['a.org/y', 'b.org/x'])
    assert strip_scheme('HTTP://a.org/y') == 'a.org/y' and strip_scheme('a.org/https://') == 'a.org/https://'


def test_license_files_compared_by_sha256(tmp_path):
    import hashlib
    f = tmp_path / 'L.txt'
    f.write_bytes(b'text')
    lic = LicenseResource()
    params = dict(code='X', state='present', title=None, spdx=None, urls=None, package_names=None, purls=None,
                  files=[str(f)])
    lic.validate(params, None)
    digest = hashlib.sha256(b'text').hexdigest()
    assert lic.changes(params, {'code': 'X', 'hashes': [digest.upper()]}) == {}
    assert lic.changes(params, {'code': 'X', 'hashes': []}) == {'hashes': [digest]}
