"""proget_download, proget_package_info and the proget_versions lookup against the sim.

Packages are uploaded through the sim's HTTP API (real .upack / .nupkg zips)."""
import hashlib
import zipfile

from progetsim.packagefiles import nupkg, upack


VERSIONS = ['1.0.0', '1.10.0', '1.2.0', '2.0.0-rc.1', '2.0.0-beta.2', '2.0.0-beta.11', '2.0.0-beta', '1.2.0-alpha']
NEWEST_FIRST = ['2.0.0-rc.1', '2.0.0-beta.11', '2.0.0-beta.2', '2.0.0-beta', '1.10.0', '1.2.0', '1.2.0-alpha', '1.0.0']


def seed(sim):
    for name, ftype in (('tools', 'universal'), ('nugets', 'nuget'), ('files', 'asset')):
        sim.api('POST', 'api/management/feeds/create', json={'name': name, 'feedType': ftype}, expect=200)
    for v in VERSIONS:
        sim.api('POST', 'upack/tools/upload', data=upack('deploy', v, 'acme'),
                headers={'Content-Type': 'application/zip'}, expect=200)
    sim.api('POST', 'upack/tools/upload', data=upack('other', '0.1.0'), headers={'Content-Type': 'application/zip'},
            expect=200)
    for v in ('1.0.0', '1.1.0', '2.0.0-preview1'):
        sim.api('PUT', 'api/v2/package/nugets', files={'package': ('p.nupkg', nupkg('Acme.Core', v))}, expect=201)
    sim.api('POST', 'endpoints/files/content/app/app.bin', data=b'A' * 5000, expect=201)
    sim.clear_log()


def test_package_info_and_lookup(sim, run_play):
    seed(sim)
    play = '''
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: universal
          cac.proget.proget_package_info: {feed: tools, api: universal}
        - name: one universal
          cac.proget.proget_package_info: {feed: tools, api: universal, name: deploy, group: acme}
        - name: generic
          cac.proget.proget_package_info: {feed: tools, name: deploy}
        - name: nuget
          cac.proget.proget_package_info: {feed: nugets, api: nuget, name: acme.core}
        - name: missing
          cac.proget.proget_package_info: {feed: nugets, name: nothing}
        - name: lookup
          ansible.builtin.set_fact:
            versions: "{{ query('cac.proget.proget_versions', 'deploy', feed='tools', group='acme', api='universal') }}"
            stable: "{{ query('cac.proget.proget_versions', 'deploy', feed='tools', group='acme', stable_only=true) }}"
            nuget_versions: "{{ query('cac.proget.proget_versions', 'Acme.Core', feed='nugets', api='nuget') }}"
        - name: show
          ansible.builtin.debug: {var: versions}
    '''
    r = run_play(play)
    pkgs = r.task('universal')['result']['packages']
    assert [(p['group'], p['name']) for p in pkgs] == [('', 'other'), ('acme', 'deploy')]
    deploy = pkgs[1]
    assert deploy['versions'] == NEWEST_FIRST
    assert deploy['latest_version'] == '2.0.0-rc.1' and deploy['latest_stable_version'] == '1.10.0'
    assert [v['version'] for v in r.task('one universal')['result']['versions']] == NEWEST_FIRST
    assert [v['version'] for v in r.task('generic')['result']['versions']] == NEWEST_FIRST
    assert r.task('generic')['result']['versions'][0]['sha256']
    nuget = r.task('nuget')['result']['packages']
    assert nuget[0]['versions'] == ['2.0.0-preview1', '1.1.0', '1.0.0']
    assert r.task('missing')['result']['versions'] == []
    facts = r.task('lookup')['result']['ansible_facts']
    assert facts['versions'] == NEWEST_FIRST
    assert facts['stable'] == ['1.10.0', '1.2.0', '1.0.0']
    assert facts['nuget_versions'] == ['2.0.0-preview1', '1.1.0', '1.0.0']
    assert sim.writes() == []


def test_download_asset_and_packages(sim, run_play, tmp_path):
    seed(sim)
    dest = tmp_path / 'out'
    dest.mkdir()
    play = '''
    - hosts: localhost
      gather_facts: false
      vars: {dest: "%s"}
      tasks:
        - name: asset
          cac.proget.proget_download: {feed: files, path: app/app.bin, dest: "{{ dest }}/app.bin", mode: "0640"}
        - name: upack latest
          cac.proget.proget_download: {feed: tools, api: universal, group: acme, name: deploy, latest: true,
                                       dest: "{{ dest }}"}
        - name: upack stable
          cac.proget.proget_download: {feed: tools, api: universal, group: acme, name: deploy, latest: true,
                                       stable_only: true, dest: "{{ dest }}/stable.upack"}
        - name: nuget
          cac.proget.proget_download: {feed: nugets, api: nuget, name: Acme.Core, version: 1.1.0, dest: "{{ dest }}"}
        - name: generic
          cac.proget.proget_download: {feed: tools, group: acme, name: deploy, version: 1.2.0,
                                       dest: "{{ dest }}/generic.upack"}
    ''' % dest
    check = run_play(play, check=True)
    assert all(check.task(n)['changed'] for n in ('asset', 'upack latest', 'nuget', 'generic'))
    assert not list(dest.iterdir())
    first = run_play(play, diff=True)
    assert (dest / 'app.bin').read_bytes() == b'A' * 5000
    assert oct((dest / 'app.bin').stat().st_mode & 0o777) == '0o640'
    assert first.task('asset')['result']['checksum'] == hashlib.sha256(b'A' * 5000).hexdigest()
    assert first.task('upack latest')['result']['version'] == '2.0.0-rc.1'
    with zipfile.ZipFile(str(dest / 'deploy-2.0.0-rc.1.upack')) as z:
        assert z.read('package/readme.txt') == b'v2.0.0-rc.1'
    with zipfile.ZipFile(str(dest / 'stable.upack')) as z:
        assert z.read('package/readme.txt') == b'v1.10.0'
    with zipfile.ZipFile(str(dest / 'Acme.Core-1.1.0.nupkg')) as z:
        assert z.read('lib/a.dll') == b'1.1.0'
    with zipfile.ZipFile(str(dest / 'generic.upack')) as z:
        assert z.read('package/readme.txt') == b'v1.2.0'
    assert not [p for p in dest.iterdir() if p.name.endswith('.part')]
    sim.clear_log()
    second = run_play(play)
    assert second.changed == 0
    # skipped by hash: no content download at all
    assert not any('/content/' in e['path'] or '/download' in e['path'] or '/api/v2/package' in e['path']
                   for e in sim.log())
    # a changed dest is replaced
    (dest / 'app.bin').write_bytes(b'tampered')
    third = run_play(play)
    assert third.task('asset')['changed'] and (dest / 'app.bin').read_bytes() == b'A' * 5000


def test_download_bad_input(sim, run_play, tmp_path):
    seed(sim)
    play = '''
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: missing asset
          cac.proget.proget_download: {feed: files, path: nope.bin, dest: "%s/x"}
          ignore_errors: true
        - name: missing version
          cac.proget.proget_download: {feed: tools, api: universal, name: deploy, group: acme, version: 9.9.9,
                                       dest: "%s/x"}
          ignore_errors: true
        - name: no version
          cac.proget.proget_download: {feed: tools, name: deploy, dest: "%s/x"}
          ignore_errors: true
        - name: bad dest dir
          cac.proget.proget_download: {feed: files, path: app/app.bin, dest: /nonexistent/dir/x}
          ignore_errors: true
    ''' % (tmp_path, tmp_path, tmp_path)
    r = run_play(play)
    assert "'nope.bin'" in r.task('missing asset')['msg']
    assert '9.9.9' in r.task('missing version')['msg'] and "'tools'" in r.task('missing version')['msg']
    assert 'latest' in r.task('no version')['msg']
    assert '/nonexistent/dir' in r.task('bad dest dir')['msg']
    assert not (tmp_path / 'x').exists()
