"""The prune guard of proget_state (Plan.check_empty_prunes, Plan.check_prune_limits): a plan whose prune
would delete more objects of one kind than prune_max, or a larger share of them than prune_max_percent, or
whose pruned kind declares no object, is refused before any write, naming what it would delete."""
import pytest

from ansible_collections.cac.proget.plugins.module_utils.state import Plan, StateError
from progetsim.inprocess import writes


def feeds(client, *names):
    for name in names:
        client.post_json('api/management/feeds/create', {'name': name, 'feedType': 'npm'})


def refused(client, document, **kw):
    client.sim.clear_log()
    with pytest.raises(StateError) as e:
        Plan(client, document, **kw).build()
    assert writes(client.sim) == []
    return e.value


def test_defaults_let_a_few_deletions_through(proget):
    feeds(proget, 'keep', 'a', 'b', 'c')
    plan = Plan(proget, {'feeds': [{'name': 'keep'}]}, prune=['feeds'], prune_max_percent=100).build()
    assert sorted(s['name'] for s in plan.steps if s['pruned']) == ['a', 'b', 'c']


def test_more_than_prune_max_is_refused_naming_every_object(proget):
    names = ['f%02d' % i for i in range(14)]
    feeds(proget, 'keep', *names)
    error = refused(proget, {'feeds': [{'name': 'keep'}]}, prune=['feeds'], prune_max_percent=100)
    assert len(error.problems) == 1
    msg = error.problems[0]
    assert msg.startswith('feeds: prune would delete 14 of the 15 feeds on the server (93%), more than prune_max (10): ')
    assert all("'%s'" % n in msg for n in names)
    assert 'raise the limit for this run (prune_max: 14' in msg
    # raised for this run: planned
    plan = Plan(proget, {'feeds': [{'name': 'keep'}]}, prune=['feeds'], prune_max=14, prune_max_percent=100).build()
    assert len([s for s in plan.steps if s['pruned']]) == 14


def test_more_than_prune_max_percent_is_refused(proget):
    feeds(proget, 'a', 'b', 'c', 'd')
    error = refused(proget, {'feeds': [{'name': 'a'}]}, prune=['feeds'])
    assert 'prune would delete 3 of the 4 feeds on the server (75%), more than prune_max_percent (50%)' \
        in error.problems[0]
    assert "'b', 'c', 'd'" in error.problems[0]
    # half of them is allowed
    Plan(proget, {'feeds': [{'name': 'a'}, {'name': 'b'}]}, prune=['feeds']).build()


def test_a_single_deletion_is_never_refused_by_the_percentage(proget):
    feeds(proget, 'old-name')   # renaming the only feed deletes 100% of the feeds
    plan = Plan(proget, {'feeds': [{'name': 'new-name', 'type': 'npm'}]}, prune=['feeds']).build()
    assert [(s['name'], s['action']) for s in plan.steps] == [('new-name', 'create'), ('old-name', 'delete')]
    # but prune_max 0 refuses every pruned deletion
    refused(proget, {'feeds': [{'name': 'new-name', 'type': 'npm'}]}, prune=['feeds'], prune_max=0)


def test_limits_are_per_kind_and_absent_entries_do_not_count(proget):
    feeds(proget, 'a', 'b', 'c', 'd', 'e', 'f')
    for i in range(3):
        proget.post_json('api/licenses/add', {'code': 'L%d' % i, 'title': 'l'})
    # 2 of 6 feeds pruned, 3 declared absent; 2 of 3 licenses pruned -> licenses refused, feeds not
    doc = {'feeds': [{'name': 'a'}, {'name': 'b', 'state': 'absent'}, {'name': 'c', 'state': 'absent'},
                     {'name': 'd', 'state': 'absent'}],
           'licenses': [{'code': 'L0'}]}
    error = refused(proget, doc, prune=['feeds', 'licenses'])
    assert len(error.problems) == 1 and error.problems[0].startswith('licenses: prune would delete 2 of the 3')


def test_an_empty_pruned_kind_is_refused_before_any_request(proget):
    feeds(proget, 'a')
    proget.sim.clear_log()
    for document in ({}, {'feeds': []}, {'feeds': [{'name': 'a', 'state': 'absent'}]}):
        with pytest.raises(StateError) as e:
            Plan(proget, document, prune=['feeds']).build()
        assert e.value.problems == [
            'feeds: prune is on for feeds but the document declares none of them, so every one on the server (but '
            'those in prune_protect and the built-in ones) would be deleted; nothing was changed. If that is '
            'intended, add feeds to prune_allow_empty']
    assert proget.sim.read_log() == []   # not even a list request
    plan = Plan(proget, {'feeds': []}, prune=['feeds'], prune_allow_empty=['feeds']).build()
    assert [(s['name'], s['action']) for s in plan.steps] == [('a', 'delete')]


def test_the_guard_options_are_validated(proget):
    error = refused(proget, {'feeds': [{'name': 'a'}]}, prune=['feeds'], prune_max=-1, prune_max_percent=101,
                    prune_allow_empty=['nothing'])
    text = '\n'.join(error.problems)
    assert 'prune_max: -1' in text and 'prune_max_percent: 101' in text and 'prune_allow_empty[0]' in text


def test_the_api_key_of_the_run_is_never_pruned(proget):
    """Found by the property-based tests: pruning api_keys with an empty list deleted the key the run
    connects with (the sim's plain-text key storage shows it), and every later request was refused."""
    plan = Plan(proget, {'api_keys': []}, prune=['api_keys'], prune_allow_empty=['api_keys']).build()
    assert [s for s in plan.steps if s['pruned']] == []
