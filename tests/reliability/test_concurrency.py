"""Concurrency: four (and eight, with every kind and API keys whose secret ProGet generates)
ansible-playbook runs applying the same document to one sim at the same time all succeed and leave
exactly one of each object; two documents with disjoint names applied at the
same time touch only their own objects.
"""
import json

from docs import STATE_PLAY, assert_exact, document, live, parallel


def small(prefix):
    return document(prefix=prefix, connectors=6, feeds=20, licenses=6, api_keys=6, settings=6)


def test_four_runs_of_one_document_leave_one_of_each(sim, play_runner):
    doc = small('c')
    runners = [play_runner(sim=sim) for _ in range(4)]
    results = parallel([lambda r=r: r(STATE_PLAY, extra_vars={'doc': doc}) for r in runners])
    assert all(r.rc == 0 for r in results)
    assert_exact(sim, doc, 'c')   # no duplicate API key, feed, connector, license
    # a fifth run finds nothing to do
    sim.clear_log()
    again = play_runner(sim=sim)(STATE_PLAY, extra_vars={'doc': doc}).task('state')['result']
    assert not again['changed'] and sim.writes() == []
    print('\nFIGURES concurrency: 4 concurrent runs of one %d-object document held' % sum(map(len, doc.values())))


def test_two_documents_touch_only_their_own_objects(sim, play_runner):
    bystander = small('z')
    play_runner(sim=sim)(STATE_PLAY, extra_vars={'doc': bystander})
    before = live(sim)
    one, two = small('a'), small('b')
    parallel([lambda: play_runner(sim=sim)(STATE_PLAY, extra_vars={'doc': one}),
              lambda: play_runner(sim=sim)(STATE_PLAY, extra_vars={'doc': two})])
    assert_exact(sim, one, 'a')
    assert_exact(sim, two, 'b')
    after = live(sim)
    for kind in ('connectors', 'feeds', 'licenses', 'api_keys'):
        assert [n for n in after[kind] if n.lower().startswith('z-')] == \
            [n for n in before[kind] if n.lower().startswith('z-')], kind
    assert_exact(sim, bystander, 'z')


EIGHT_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: state
      cac.proget.proget_state:
        connectors: "{{ doc.connectors }}"
        feeds: "{{ doc.feeds }}"
        users: "{{ doc.users }}"
        groups: "{{ doc.groups }}"
        tasks: "{{ doc.tasks }}"
        permissions: "{{ doc.permissions }}"
        licenses: "{{ doc.licenses }}"
        api_keys: "{{ doc.api_keys }}"
        settings: "{{ doc.settings }}"
        assets: "{{ doc.assets }}"
'''


def test_eight_runs_of_one_document_leave_one_of_each(sim, play_runner):
    """Eight ansible-playbook runs of one document at the same time, every kind, API keys with secrets that
    ProGet generates among them (display names are not unique in ProGet: the runs must not leave two keys
    with one name)."""
    sim.config(edition='basic', latency_ms=15)   # the runs overlap for longer
    doc = small('e')
    for i, key in enumerate(doc['api_keys']):
        if i % 2:
            key.pop('key')   # a generated secret: only the display name tells two keys apart
    doc.update(
        users=[{'name': 'e-user-%d' % i, 'display_name': 'User %d' % i} for i in range(4)],
        groups=[{'name': 'e-group', 'members': ['e-user-0', 'e-user-1']}],
        tasks=[{'name': 'e-task', 'attributes': ['Feeds_ViewFeed', 'Feeds_DownloadPackage']}],
        permissions=[{'group': 'Administrators', 'task': 'Administer'},
                     {'group': 'e-group', 'task': 'e-task', 'feed': 'e-feed-000'},
                     {'user': 'e-user-2', 'task': 'e-task'}],
        assets=[{'feed': 'e-feed-005', 'path': 'same/file-%d.txt' % i, 'content': 'content %d' % i}
                for i in range(3)])
    runners = [play_runner(sim=sim) for _ in range(8)]
    results = parallel([lambda r=r: r(EIGHT_PLAY, extra_vars={'doc': doc}, expect_rc=None) for r in runners])
    failed = [r for r in results if r.rc != 0]
    assert not failed, failed[0].stdout[-3000:]
    assert_exact(sim, doc, 'e')   # one of each feed, connector, license and API key

    def names(kind, key='name'):
        return sorted(str(o.get(key)) for o in sim.api('GET', 'api/security/%s/list' % kind, expect=200).json())
    assert [n for n in names('users') if n.startswith('e-')] == ['e-user-%d' % i for i in range(4)]
    assert [n for n in names('groups') if n.startswith('e-')] == ['e-group']
    assert [n for n in names('tasks') if n.startswith('e-')] == ['e-task']
    permissions = sim.api('GET', 'api/security/permissions/list', expect=200).json()
    described = sorted(json.dumps(dict((k, v) for k, v in p.items() if k != 'id'), sort_keys=True) for p in permissions)
    assert len(described) == len(set(described)), described
    for entry in doc['assets']:
        assert sim.api('GET', 'endpoints/e-feed-005/content/' + entry['path'], expect=200).text == entry['content']
    sim.config(latency_ms=0)
    deduplicated = len([e for e in sim.writes() if e['path'].startswith(('/api/api-keys/delete',
                                                                         '/api/security/permissions/delete'))])
    sim.clear_log()
    again = play_runner(sim=sim)(EIGHT_PLAY, extra_vars={'doc': doc}).task('state')['result']
    assert not again['changed'] and sim.writes() == []
    print('\nFIGURES concurrency: 8 concurrent runs of one %d-object document held (every kind); %d API keys '
          'and permissions created twice at the same time were deleted again by the run that created the second one'
          % (sum(len(v) for v in doc.values()), deduplicated))
