"""Concurrency: four ansible-playbook runs applying the same document to one sim at the same time
all succeed and leave exactly one of each object; two documents with disjoint names applied at the
same time touch only their own objects.
"""
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
