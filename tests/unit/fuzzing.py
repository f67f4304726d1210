"""Hypothesis strategies for the property-based tests (test_properties.py, reliability/test_fuzz_playbook.py):
state documents generated from the JSON schema of proget_state (``state.schema()``), inside it, and
one mutation just outside it with the path of the bad value.

Strings are drawn mostly from small pools of plausible values per option (names shared between kinds, so
that references resolve and names collide now and then), sometimes as arbitrary text; integers near the
bounds; every optional option now and then. Profiles: ``ci`` (the default, in ``make test``: fixed seed,
fixed number of examples) and ``long`` (``make fuzz-long``: many more, random seed).
"""
import os
import re
import string

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from ansible_collections.cac.proget.plugins.module_utils.state import schema

settings.register_profile('ci', derandomize=True, database=None, deadline=None, print_blob=True,
                          suppress_health_check=list(HealthCheck))
settings.register_profile('long', derandomize=False, database=None, deadline=None, print_blob=True,
                          suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get('HYPOTHESIS_PROFILE', 'ci'))
# examples per test: make test runs the ci numbers; make fuzz-long multiplies them
SCALE = float(os.environ.get('CAC_FUZZ_SCALE', '1'))


def examples(n):
    return max(1, int(n * SCALE))


SCHEMA = schema()
NAMES = ['a', 'b', 'c-1', 'Dev_2', 'nuget.org', 'A']
POOLS = {
    'name': NAMES, 'feed': NAMES, 'user': NAMES + ['Anonymous', 'Admin'], 'group': NAMES + ['Administrators'],
    'members': NAMES + ['Admin'], 'connectors': NAMES, 'task': ['Administer', 'Publish Packages', 'a', 'b'],
    'code': ['MIT-X', 'L1', 'l1', 'Apache-9'], 'title': ['A license', ''],
    'type': ['nuget', 'npm', 'asset', 'universal', 'pypi', 'NuGet', 'system', 'feed', 'personal', 'disk', 's3'],
    'url': ['https://upstream.example/v3/', 'http://u.example/', 'ftp://nope/'],
    'urls': ['licenses.example/mit', 'https://l.example/a'], 'spdx': ['MIT', 'Apache-2.0'],
    'package_names': ['pkg', 'Newtonsoft.Json'], 'purls': ['pkg:nuget/a@1.0'],
    'system_apis': ['feeds', 'sca', 'sbom-upload', 'full-control', 'bogus'],
    'package_permissions': ['view', 'add', 'promote', 'delete', 'bogus'],
    'attributes': ['Feeds_ViewFeed', 'Feeds_AddPackage', 'Admin_ConfigureProGet', 'Nope_Nope'],
    'expiration': ['2030-01-31', '2030-01-31T18:00:00Z', '', 'next week'],
    'email': ['a@example.com', ''], 'display_name': ['Someone', ''], 'description': ['text', '', 'x' * 300],
    'password': ['s3cret-pw', ''], 'key': ['chosen-key-1', 'x y'], 'username': ['svc', ''],
    'path': ['a.txt', 'dir/b.bin', 'dir', '../x', 'a//b'], 'content': ['hello', ''],
    'src': ['/nonexistent/file'], 'content_type': ['text/plain', 'application/json'],
    'filters': ['Microsoft.*', '!Bad.*'], 'alternate_names': ['alt'], 'drop_path': ['/drop', ''],
    'feed_group': ['fg'], 'value': ['v', 'http://proget.example/', ''],
    'prune_protect': NAMES, 'keep_package_ids': ['a*'], 'delete_package_ids': ['b*'],
}
TEXT = st.text(alphabet=string.ascii_letters + string.digits + ' ._-/\\:*!@é\u2603', max_size=12)


def _string(key):
    pool = POOLS.get(key)
    if pool is None:
        return st.one_of(st.sampled_from(['x', 'Custom.Setting', '']), TEXT)
    return st.one_of(st.sampled_from(pool), st.sampled_from(pool), st.sampled_from(pool), TEXT)


def _integer(node):
    low, high = node.get('minimum'), node.get('maximum')
    near = st.integers(min_value=low if low is not None else 0, max_value=high if high is not None else 40)
    wide = st.integers(min_value=low if low is not None else -10, max_value=high if high is not None else 2 ** 33)
    return st.one_of(near, near, near, wide)


SCALAR = st.one_of(st.booleans(), st.integers(-5, 5), _string('value'))


def from_schema(node, key=None, depth=0):
    """A strategy for values that the schema ``node`` accepts."""
    if 'enum' in node:
        return st.sampled_from(node['enum'])
    kind = node.get('type')
    if kind == 'object':
        props = node.get('properties')
        if props is None:   # a free dict of scalars (variables, user_metadata, storage properties)
            keys = st.sampled_from(['Region', 'BucketName', 'RegionEndpoint', 'SecretAccessKey', 'k1', 'K 2'])
            return st.dictionaries(keys, SCALAR if depth < 3 else st.just('v'), max_size=3)
        required = node.get('required', [])
        return st.fixed_dictionaries(
            dict((k, from_schema(props[k], k, depth + 1)) for k in required),
            optional=dict((k, from_schema(v, k, depth + 1)) for k, v in props.items() if k not in required))
    if kind == 'array':
        items = from_schema(node.get('items') or {}, key, depth + 1)
        if node.get('uniqueItems'):
            return st.lists(items, max_size=3, unique_by=lambda v: repr(v))
        return st.lists(items, max_size=3)
    if kind == 'string':
        return _string(key)
    if kind == 'integer':
        return _integer(node)
    if kind == 'boolean':
        return st.booleans()
    if isinstance(kind, list) or kind is None:   # raw (a setting's value)
        return SCALAR
    raise AssertionError('no strategy for %r' % (node,))


KINDS = [k for k, v in SCHEMA['properties'].items() if v.get('type') == 'array' and 'properties' in v.get('items', {})]
OPTIONS = [k for k in SCHEMA['properties'] if k not in KINDS]


def entries(kind, max_size=3):
    return st.lists(from_schema(SCHEMA['properties'][kind]['items']), max_size=max_size)


@st.composite
def documents(draw, kinds=None, options=True):
    """A state document inside the schema (kinds: a few of them, each a short list; options: the prune
    options, now and then)."""
    chosen = draw(st.lists(st.sampled_from(kinds or KINDS), min_size=1, max_size=4, unique=True))
    doc = dict((kind, draw(entries(kind))) for kind in chosen)
    if options:
        for option in OPTIONS:
            if draw(st.integers(0, 4)) == 0:
                doc[option] = draw(from_schema(SCHEMA['properties'][option], option))
    return doc


# -- one step outside the schema --------------------------------------------------------------------
WRONG = {
    'string': [12345, ['list'], {'a': 1}, True],
    'integer': ['ten', 1.5, [1], True],
    'boolean': ['maybe', 2, ['yes']],
    'array': ['not-a-list', 7, {'a': 1}],
    'object': ['not-a-dict', 3, [1, 2]],
}


def _positions(value, node, path):
    """(path, schema node, parent, key) of every value in ``value`` the schema describes."""
    out = [(path, node, None, None)]
    kind = node.get('type')
    if kind == 'object' and isinstance(value, dict) and node.get('properties') is not None:
        for key, item in value.items():
            sub = node['properties'].get(key)
            if sub is not None:
                for found in _positions(item, sub, path + [key]):
                    out.append(found if found[2] is not None else (found[0], found[1], value, key))
    elif kind == 'array' and isinstance(value, list):
        for index, item in enumerate(value):
            for found in _positions(item, node.get('items') or {}, path + [index]):
                out.append(found if found[2] is not None else (found[0], found[1], value, index))
    return out


def path_text(parts):
    out = ''
    for part in parts:
        out += '[%d]' % part if isinstance(part, int) else ('.' if out else '') + str(part)
    return out or '(document)'


@st.composite
def outside(draw, kinds=None):
    """(document, path) : a document inside the schema with one change that takes it outside, and the
    path of the bad value (what the error must name)."""
    doc = draw(documents(kinds))
    positions = [p for p in _positions(doc, SCHEMA, []) if p[2] is not None]
    mutation = draw(st.sampled_from(['wrong_type', 'unknown_key', 'missing', 'enum', 'bounds', 'not_entry',
                                     'unknown_kind']))
    if mutation == 'unknown_kind' or not positions:
        key = draw(st.sampled_from(['user', 'feed', 'setting', 'apikeys', 'prune_maximum']))
        doc[key] = draw(st.sampled_from([[{'name': 'x', 'password': 'p'}], [], 'x']))
        return doc, [key]
    if mutation == 'unknown_key':
        objects = [p for p in positions if isinstance(p[0][-1], int) and isinstance(
            p[2][p[3]], dict) and p[1].get('properties') is not None]
        if objects:
            path, node, parent, key = draw(st.sampled_from(objects))
            bad = draw(st.sampled_from(['bogus', 'pasword', 'Name', 'feed_type', 'colour']))
            parent[key][bad] = draw(SCALAR)
            return doc, path + [bad]
    if mutation == 'missing':
        objects = [p for p in positions if isinstance(p[2][p[3]], dict) and p[1].get('required')]
        if objects:
            path, node, parent, key = draw(st.sampled_from(objects))
            gone = draw(st.sampled_from(node['required']))
            parent[key].pop(gone, None)
            return doc, path + [gone]
    if mutation == 'enum':
        enums = [p for p in positions if 'enum' in p[1]]
        if enums:
            path, node, parent, key = draw(st.sampled_from(enums))
            parent[key] = draw(st.sampled_from(['nope', 'Present ', 'FEEDS', '']))
            if parent[key] in node['enum']:
                parent[key] = 'nope'
            return doc, path
    if mutation == 'bounds':
        bounded = [p for p in positions if p[1].get('type') == 'integer' and
                   (p[1].get('minimum') is not None or p[1].get('maximum') is not None)]
        if bounded:
            path, node, parent, key = draw(st.sampled_from(bounded))
            if node.get('maximum') is not None and draw(st.booleans()):
                parent[key] = node['maximum'] + draw(st.integers(1, 10 ** 6))
            elif node.get('minimum') is not None:
                parent[key] = node['minimum'] - draw(st.integers(1, 10 ** 6))
            else:
                parent[key] = node['maximum'] + 1
            return doc, path
    if mutation == 'not_entry':
        items = [p for p in positions if isinstance(p[0][-1], int) and p[1].get('type') == 'object']
        if items:
            path, node, parent, key = draw(st.sampled_from(items))
            parent[key] = draw(st.sampled_from(['name', 5, None, ['a']]))
            return doc, path
    # a value of another type
    typed = [p for p in positions if p[1].get('type') in WRONG and 'enum' not in p[1]]
    if not typed:
        doc['prune_max'] = 'many'
        return doc, ['prune_max']
    path, node, parent, key = draw(st.sampled_from(typed))
    parent[key] = draw(st.sampled_from(WRONG[node['type']]))
    return doc, path


# -- documents that mostly apply (the converge property needs many of them) --------------------------
FEED_TYPES = ['nuget', 'npm', 'pypi', 'universal', 'asset', 'maven', 'helm', 'docker']
GOOD_NAMES = ['a', 'b', 'c-1', 'Dev_2', 'e.e']


@st.composite
def plausible_documents(draw):
    """Documents whose entries are mostly right (valid names, types, references to declared objects), so
    that most of them apply; the rest of the values still vary (optional options, their values, case)."""
    def some(pool, min_size=0, max_size=3):
        if not pool:
            return []
        return draw(st.lists(st.sampled_from(pool), min_size=min_size, max_size=max_size, unique=True))

    def maybe(key, strategy):
        return {key: draw(strategy)} if draw(st.booleans()) else {}

    doc = {}
    connectors = some(GOOD_NAMES)
    doc['connectors'] = [dict(name='conn-' + n, type='nuget', url='https://upstream.example/%s/' % n,
                              **maybe('timeout', st.integers(1, 100))) for n in connectors]
    feeds = some(GOOD_NAMES, 1)
    doc['feeds'] = []
    for n in feeds:
        feed = dict(name='feed-' + n, type=draw(st.sampled_from(FEED_TYPES)))
        feed.update(maybe('description', st.sampled_from(['', 'a feed', 'Ünïcode ☃'])))
        feed.update(maybe('active', st.booleans()))
        if feed['type'] == 'nuget' and connectors:
            feed.update(maybe('connectors', st.lists(st.sampled_from(['conn-' + c for c in connectors]),
                                                     max_size=2, unique=True)))
        feed.update(maybe('retention_rules', st.lists(st.fixed_dictionaries(
            {'keep_versions_count': st.integers(1, 50)},
            optional={'delete_prerelease_versions': st.booleans(), 'keep_package_ids': st.just(['a*'])}),
            max_size=2)))
        feed.update(maybe('variables', st.dictionaries(st.sampled_from(['Env', 'Team']), st.sampled_from(['x', 'y']),
                                                       max_size=2)))
        doc['feeds'].append(feed)
    users = some(GOOD_NAMES)
    doc['users'] = [dict(name='user-' + n, **maybe('display_name', st.sampled_from(['User', '']))) for n in users]
    groups = some(GOOD_NAMES, max_size=2)
    doc['groups'] = [dict(name='group-' + n, members=some(['user-' + u for u in users]),
                          **maybe('members_mode', st.sampled_from(['replace', 'add']))) for n in groups]
    tasks = some(GOOD_NAMES, max_size=2)
    doc['tasks'] = [dict(name='task-' + n, attributes=some(['Feeds_ViewFeed', 'Feeds_AddPackage'], 1))
                    for n in tasks]
    doc['permissions'] = [{'group': 'Administrators', 'task': 'Administer'}]
    for who in some(['user-' + u for u in users] + ['group-' + g for g in groups], max_size=2):
        entry = {'user' if who.startswith('user-') else 'group': who,
                 'task': draw(st.sampled_from(['task-' + t for t in tasks] or ['Publish Packages']))}
        if draw(st.booleans()):
            entry['feed'] = 'feed-' + draw(st.sampled_from(feeds))
        entry.update(maybe('deny', st.booleans()))
        doc['permissions'].append(entry)
    doc['licenses'] = [dict(code='LIC-' + n.upper(), title='License ' + n,
                            **maybe('urls', st.just(['licenses.example/' + n]))) for n in some(GOOD_NAMES)]
    doc['api_keys'] = []
    for n in some(GOOD_NAMES):
        if draw(st.booleans()):
            key = dict(name='key-' + n, type='system', system_apis=some(['feeds', 'sca', 'sbom-upload'], 1))
        else:
            key = dict(name='key-' + n, type='feed', feed='feed-' + draw(st.sampled_from(feeds)),
                       package_permissions=some(['view', 'add', 'promote', 'delete'], 1))
        key.update(maybe('description', st.sampled_from(['ci', ''])))
        key.update(maybe('key', st.just('chosen-secret-' + n)))
        doc['api_keys'].append(key)
    doc['settings'] = [dict(name='Custom.' + n, value=draw(st.sampled_from(['v', 'http://x/', '']))) for n in
                       some(GOOD_NAMES)]
    asset_feeds = [f['name'] for f in doc['feeds'] if f['type'] == 'asset']
    doc['assets'] = [dict(feed=asset_feeds[0], path='dir/file-%d.txt' % i, content='content %d' % i)
                     for i in range(draw(st.integers(0, 2)))] if asset_feeds else []
    kinds = draw(st.lists(st.sampled_from(sorted(doc)), min_size=1, unique=True))
    out = dict((k, doc[k]) for k in kinds)
    # references need what they name: keep the kinds they refer to
    needs = {'feeds': ['connectors'], 'groups': ['users'], 'permissions': ['users', 'groups', 'tasks', 'feeds'],
             'api_keys': ['feeds'], 'assets': ['feeds']}
    while any(other not in out for kind in out for other in needs.get(kind, ())):
        for kind in list(out):
            for other in needs.get(kind, ()):
                out[other] = doc[other]
    return out


# a message that says where: a document path, an option name, an object's label, or the security setup
WHERE_TEXT = re.compile(r"[a-z_]+\[\d+\]|\b[a-z_]+: |security: |'[^']+'")
