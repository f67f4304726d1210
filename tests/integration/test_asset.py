"""proget_asset / proget_asset_info against the sim: files, metadata, sync, multipart, faults."""
import hashlib
import os

import pytest


def _asset_feed(sim, name='files', feed_type='asset'):
    sim.api('POST', 'api/management/feeds/create', json={'name': name, 'feedType': feed_type}, expect=(200, 201))
    sim.clear_log()


def _meta(sim, path, feed='files'):
    r = sim.api('GET', 'endpoints/%s/metadata/%s' % (feed, path))
    return r.json() if r.status_code == 200 else None


def _content(sim, path, feed='files'):
    return sim.api('GET', 'endpoints/%s/content/%s' % (feed, path), expect=200).content


def test_file_lifecycle_check_diff_metadata(sim, run_play, tmp_path):
    _asset_feed(sim)
    src = tmp_path / 'app.bin'
    src.write_bytes(b'A' * 3000)
    play = '''
    - hosts: localhost
      gather_facts: false
      vars: {src: "%s"}
      tasks:
        - name: file
          cac.proget.proget_asset:
            feed: files
            path: /app/app.bin
            src: "{{ src }}"
            content_type: application/x-test
            user_metadata: {owner: team-a}
            cache_header: {type: ttl, value: 60}
        - name: text
          cac.proget.proget_asset:
            feed: files
            path: conf/settings.json
            content: '{"a": 1}'
    ''' % src
    check = run_play(play, check=True, diff=True)
    assert check.task('file')['changed'] and check.task('file')['result']['uploaded']
    diff = check.task('file')['diff']
    diff = diff[0] if isinstance(diff, list) else diff
    assert diff['before'] == {} and diff['after']['size'] == 3000 and diff['after']['user_metadata'] == {'owner': 'team-a'}
    assert sim.writes() == []
    first = run_play(play)
    assert first.task('file')['changed'] and first.task('text')['changed']
    meta = _meta(sim, 'app/app.bin')
    assert meta['sha256'] == hashlib.sha256(b'A' * 3000).hexdigest()
    assert meta['type'] == 'application/x-test'
    assert meta['userMetadata'] == {'owner': 'team-a'}
    assert meta['cacheHeader'] == {'type': 'TTL', 'value': 60}
    assert _content(sim, 'conf/settings.json') == b'{"a": 1}'
    assert first.task('file')['result']['checksum'] == meta['sha256']
    sim.clear_log()
    second = run_play(play)
    assert second.changed == 0
    assert sim.writes() == []
    assert len(sim.log()) == 2  # one metadata GET per file
    # a changed file and changed metadata: check mode says so, then it is uploaded
    src.write_bytes(b'B' * 3000)
    sim.clear_log()
    play2 = play.replace('owner: team-a', 'owner: team-b').replace('value: 60', 'value: 120')
    changed = run_play(play2)
    assert changed.task('file')['result']['uploaded'] and not changed.task('text')['changed']
    meta = _meta(sim, 'app/app.bin')
    assert meta['sha256'] == hashlib.sha256(b'B' * 3000).hexdigest()
    assert meta['userMetadata'] == {'owner': 'team-b'} and meta['cacheHeader']['value'] == 120
    # metadata only (replace mode) does not upload
    sim.clear_log()
    meta_only = '''
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: meta
          cac.proget.proget_asset:
            feed: files
            path: app/app.bin
            src: "%s"
            user_metadata: {stage: prod}
            metadata_mode: replace
            cache_header: {type: inherit}
    ''' % src
    r = run_play(meta_only, diff=True)
    assert r.task('meta')['changed'] and not r.task('meta')['result']['uploaded']
    assert [e['method'] for e in sim.writes()] == ['POST']
    assert 'metadata' in sim.writes()[0]['path']
    meta = _meta(sim, 'app/app.bin')
    assert meta['userMetadata'] == {'stage': 'prod'} and 'cacheHeader' not in meta
    assert run_play(meta_only).changed == 0


def test_absent_and_info(sim, run_play):
    _asset_feed(sim)
    for p in ('a/one.txt', 'a/b/two.txt', 'top.txt'):
        sim.api('POST', 'endpoints/files/content/' + p, data=b'x', expect=201)
    sim.clear_log()
    play = '''
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: list all
          cac.proget.proget_asset_info: {feed: files, recursive: true}
        - name: list a
          cac.proget.proget_asset_info: {feed: files, path: a, list: true}
        - name: one
          cac.proget.proget_asset_info: {feed: files, path: a/one.txt}
        - name: missing
          cac.proget.proget_asset_info: {feed: files, path: nope.txt}
        - name: folder without recursive
          cac.proget.proget_asset: {feed: files, path: a, state: absent}
          ignore_errors: true
        - name: file absent
          cac.proget.proget_asset: {feed: files, path: top.txt, state: absent}
        - name: folder absent
          cac.proget.proget_asset: {feed: files, path: a, state: absent, recursive: true}
        - name: missing absent
          cac.proget.proget_asset: {feed: files, path: a, state: absent, recursive: true}
    '''
    r = run_play(play)
    paths = sorted(i['path'] for i in r.task('list all')['result']['items'])
    assert paths == ['a', 'a/b', 'a/b/two.txt', 'a/one.txt', 'top.txt']
    assert sorted(i['path'] for i in r.task('list a')['result']['items']) == ['a/b', 'a/one.txt']
    assert r.task('one')['result']['asset']['sha1'] == hashlib.sha1(b'x').hexdigest()
    assert r.task('missing')['result']['exists'] is False
    bad = r.task('folder without recursive')
    assert bad['failed'] and 'not empty' in bad['msg'] and "'a'" in bad['msg']
    assert r.task('file absent')['changed'] and r.task('folder absent')['changed']
    assert not r.task('missing absent')['changed']
    assert sim.api('GET', 'endpoints/files/dir/', params={'recursive': 'true'}).json() == []


def test_directory_sync_500_files(sim, run_play, tmp_path):
    _asset_feed(sim)
    src = tmp_path / 'site'
    for i in range(500):
        d = src / ('d%02d' % (i % 10))
        d.mkdir(parents=True, exist_ok=True)
        (d / ('f%03d.txt' % i)).write_text('file %d\n' % i)
    sim.api('POST', 'endpoints/files/content/site/stale.txt', data=b'old', expect=201)
    sim.api('POST', 'endpoints/files/content/site/d00/f000.txt', data=b'different', expect=201)
    sim.clear_log()
    play = '''
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: sync
          cac.proget.proget_asset: {feed: files, path: site, state: directory, src: "%s", delete: true}
    ''' % src
    check = run_play(play, check=True, diff=True)
    plan = check.task('sync')['result']['plan']
    assert len(plan['upload']) == 500 and plan['delete'] == ['stale.txt'] and plan['unchanged'] == 0
    assert sim.writes() == [] and len(sim.log()) == 2  # folder metadata + ONE listing
    run_play(play)
    listing = sim.api('GET', 'endpoints/files/dir/site', params={'recursive': 'true'}).json()
    files = [i for i in listing if i['type'] != 'dir']
    assert len(files) == 500
    assert _content(sim, 'site/d00/f000.txt') == b'file 0\n'
    sim.clear_log()
    again = run_play(play)
    assert again.changed == 0 and sim.writes() == [] and len(sim.log()) == 2
    (src / 'd03' / 'f003.txt').write_text('changed')
    (src / 'new.txt').write_text('new')
    os.remove(str(src / 'd09' / 'f499.txt'))
    sim.clear_log()
    r = run_play(play)
    plan = r.task('sync')['result']['plan']
    assert sorted(plan['upload']) == ['d03/f003.txt', 'new.txt'] and plan['delete'] == ['d09/f499.txt']
    assert _content(sim, 'site/d03/f003.txt') == b'changed'
    assert _meta(sim, 'site/d09/f499.txt') is None


def test_multipart_200mib_and_fault_in_the_middle(sim, run_play, tmp_path):
    _asset_feed(sim)
    big = tmp_path / 'big.bin'
    size = 200 * 1024 * 1024
    with open(str(big), 'wb') as f:   # sparse, instant; a few real bytes so the hash means something
        f.truncate(size)
        f.seek(123456789)
        f.write(b'proget')
    play = '''
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: big
          cac.proget.proget_asset: {feed: files, path: big/big.bin, src: "%s", part_size: 20971520}
    ''' % big
    # fault: every 5th request fails (500); the 5th is a part in the middle of the upload
    sim.config(fail_every=5)
    failed = run_play(play, expect_rc=2)
    t = failed.task('big')
    assert t['failed'] and 'of 10' in t['msg'] and 'nothing was published' in t['msg']
    sim.config(fail_every=0)
    assert _meta(sim, 'big/big.bin') is None  # no partial file
    sim.clear_log()
    run_play(play)
    parts = [e for e in sim.log() if 'multipart=upload' in e['query']]
    assert len(parts) == 10 and any('multipart=complete' in e['query'] for e in sim.log())
    meta = _meta(sim, 'big/big.bin')
    h = hashlib.sha256()
    with open(str(big), 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            h.update(chunk)
    assert meta['size'] == size and meta['sha256'] == h.hexdigest()
    sim.clear_log()
    assert run_play(play).changed == 0 and sim.writes() == []


def test_bad_input(sim, run_play, tmp_path):
    _asset_feed(sim)
    _asset_feed(sim, 'nuget-feed', 'nuget')
    real = tmp_path / 'real.txt'
    real.write_text('x')
    play = '''
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: missing src
          cac.proget.proget_asset: {feed: files, path: a.txt, src: /nonexistent/file.txt}
          ignore_errors: true
        - name: dotdot
          cac.proget.proget_asset: {feed: files, path: ../etc/passwd, content: x}
          ignore_errors: true
        - name: not asset
          cac.proget.proget_asset: {feed: nuget-feed, path: a.txt, content: x}
          ignore_errors: true
        - name: missing feed
          cac.proget.proget_asset: {feed: nope, path: a.txt, content: x}
          ignore_errors: true
        - name: both
          cac.proget.proget_asset: {feed: files, path: a.txt, content: x, src: "%s"}
          ignore_errors: true
        - name: small part
          cac.proget.proget_asset: {feed: files, path: a.txt, src: "%s", part_size: 100}
          ignore_errors: true
        - name: bad ttl
          cac.proget.proget_asset: {feed: files, path: a.txt, content: x, cache_header: {type: ttl, value: soon}}
          ignore_errors: true
    ''' % (real, real)
    r = run_play(play)
    msgs = dict((n, r.task(n)['msg']) for n in ('missing src', 'dotdot', 'not asset', 'missing feed', 'both',
                                                 'small part', 'bad ttl'))
    assert all(r.task(n)['failed'] for n in msgs)
    assert '/nonexistent/file.txt' in msgs['missing src']
    assert "'..'" in msgs['dotdot']
    assert 'not an asset directory' in msgs['not asset'] and 'nuget' in msgs['not asset']
    assert "'nope' does not exist" in msgs['missing feed']
    assert 'mutually exclusive' in msgs['both']
    assert 'part_size 100' in msgs['small part'] and '1024' in msgs['small part']
    assert 'cache_header.value' in msgs['bad ttl']
    assert sim.writes() == []
    # nothing for dotdot / bad part size even reached the server
    assert not any('passwd' in e['path'] for e in sim.log())


@pytest.mark.parametrize('key_kind', ['feed-view-only'])
def test_asset_auth_errors_name_the_status(sim_factory, play_runner, key_kind):
    sim = sim_factory(anonymous='none', system_key='root-key')
    _asset_feed(sim)
    r = sim.api('POST', 'api/api-keys/create', json={'type': 'Feed', 'feed': 'files', 'packagePermissions': ['view'],
                                                     'logging': 'None', 'displayName': 'viewer'})
    key = r.text  # the key's text (docs apikeys/create.md)
    play = '''
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: upload with a view key
          cac.proget.proget_asset: {feed: files, path: a.txt, content: x}
          ignore_errors: true
    '''
    res = play_runner(sim=sim, api_key=key)(play)
    msg = res.task('upload with a view key')['msg']
    assert res.task('upload with a view key')['failed'] and 'HTTP 401' in msg
    assert 'the API key or user was refused, or lacks the permission to upload or delete assets' in msg
    assert key not in res.stdout
