"""proget_license and proget_license_info through real ansible-playbook runs."""
import hashlib

LICENSE_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: license
      cac.proget.proget_license:
        code: "{{ lic_code | default('MIT') }}"
        title: "{{ lic_title | default(omit) }}"
        spdx: "{{ lic_spdx | default(omit) }}"
        urls: "{{ lic_urls | default(omit) }}"
        package_names: "{{ lic_packages | default(omit) }}"
        purls: "{{ lic_purls | default(omit) }}"
        files: "{{ lic_files | default(omit) }}"
        state: "{{ lic_state | default('present') }}"
'''


def licenses_on_server(sim):
    return sim.api('GET', 'api/licenses/list', expect=200).json()


def license_on_server(sim, code):
    found = [lic for lic in licenses_on_server(sim) if lic['code'].lower() == code.lower()]
    return found[0] if found else None


def sha(data):
    return hashlib.sha256(data).hexdigest()


def test_license_lifecycle_create_noop_update_files_check_diff_delete(sim, run_play, tmp_path):
    mit_text, other_text = b'Permission is hereby granted, free of charge...\n', b'Another text\n'
    mit_file, other_file = tmp_path / 'MIT.txt', tmp_path / 'other.txt'
    mit_file.write_bytes(mit_text)
    other_file.write_bytes(other_text)
    create = dict(lic_title='MIT License', lic_spdx=['MIT'], lic_packages=['Foo'],
                  lic_urls=['https://opensource.org/licenses/MIT', 'spdx.org/licenses/MIT.html'],
                  lic_files=[str(mit_file)])

    first = run_play(LICENSE_PLAY, extra_vars=create, diff=True)
    task = first.task('license')
    assert task['changed'] and task['result']['action'] == 'create'
    lic = license_on_server(sim, 'MIT')
    assert lic['title'] == 'MIT License' and lic['spdx'] == ['MIT'] and lic['packageNames'] == ['Foo']
    assert lic['urls'] == ['opensource.org/licenses/MIT', 'spdx.org/licenses/MIT.html']
    assert lic['hashes'] == [sha(mit_text)]
    assert sim.api('GET', 'api/licenses/files/download?code=MIT').text == mit_text.decode()
    assert task['result']['license']['id'] == lic['id']
    assert task['diff']['after']['files'] == [sha(mit_text)]

    # second run: the same in other spellings (scheme, case, order) is no change; one request
    sim.clear_log()
    second = run_play(LICENSE_PLAY, extra_vars=dict(
        create, lic_code='mit', lic_spdx=['mit'],
        lic_urls=['http://spdx.org/licenses/MIT.html', 'opensource.org/licenses/MIT']))
    assert second.recap['localhost']['changed'] == 0
    assert [(e['method'], e['path']) for e in sim.log()] == [('GET', '/api/licenses/list')]

    # update one list: only it is sent, by id; the rest stays
    sim.clear_log()
    third = run_play(LICENSE_PLAY, extra_vars=dict(lic_purls=['pkg:nuget/Foo@1.2.3']))
    assert third.task('license')['result']['action'] == 'update'
    lic2 = license_on_server(sim, 'MIT')
    assert lic2['purls'] == ['pkg:nuget/Foo@1.2.3'] and lic2['spdx'] == ['MIT'] and lic2['hashes'] == [sha(mit_text)]
    assert [e['path'] for e in sim.writes()] == ['/api/licenses/update']

    # check mode + diff: swap the file, change the title; nothing written
    sim.clear_log()
    check = run_play(LICENSE_PLAY, extra_vars=dict(lic_title='MIT', lic_files=[str(other_file)]), check=True, diff=True)
    task = check.task('license')
    assert task['changed'] and task['result']['action'] == 'update'
    assert task['diff']['before'] == {'code': 'MIT', 'title': 'MIT License', 'files': [sha(mit_text)]}
    assert task['diff']['after'] == {'code': 'MIT', 'title': 'MIT', 'files': [sha(other_text)]}
    assert sim.writes() == []

    # for real: the new file is attached, the old one removed, the title updated
    real = run_play(LICENSE_PLAY, extra_vars=dict(lic_title='MIT', lic_files=[str(other_file)]), diff=True)
    assert real.task('license')['diff'] == task['diff']
    lic3 = license_on_server(sim, 'MIT')
    assert lic3['title'] == 'MIT' and lic3['hashes'] == [sha(other_text)] and lic3['id'] == lic['id']
    assert sorted(e['path'] for e in sim.writes()) == ['/api/licenses/files/add', '/api/licenses/files/delete',
                                                       '/api/licenses/update']

    # files left out are not managed; files: [] removes them all
    sim.clear_log()
    run_play(LICENSE_PLAY, extra_vars=dict(lic_title='MIT'))
    assert sim.writes() == []
    run_play(LICENSE_PLAY, extra_vars=dict(lic_files=[], lic_spdx=[]))
    lic4 = license_on_server(sim, 'MIT')
    assert lic4['hashes'] == [] and lic4['spdx'] == [] and lic4['packageNames'] == ['Foo']

    # delete, then absent stays absent
    gone = run_play(LICENSE_PLAY, extra_vars=dict(lic_state='absent'))
    assert gone.task('license')['changed'] and license_on_server(sim, 'MIT') is None
    sim.clear_log()
    again = run_play(LICENSE_PLAY, extra_vars=dict(lic_state='absent', lic_code='mit'))
    assert not again.task('license')['changed'] and sim.writes() == []


def test_info_module(sim, run_play):
    for code in ('MIT', 'Apache-2.0'):
        sim.api('POST', 'api/licenses/add', json={'code': code, 'title': code}, expect=200)
    play = '''
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: all
          cac.proget.proget_license_info: {}
        - name: one
          cac.proget.proget_license_info: {code: apache-2.0}
        - name: missing
          cac.proget.proget_license_info: {code: nope}
    '''
    result = run_play(play)
    assert sorted(lic['code'] for lic in result.task('all')['result']['licenses']) == ['Apache-2.0', 'MIT']
    assert [lic['code'] for lic in result.task('one')['result']['licenses']] == ['Apache-2.0']
    assert result.task('missing')['result']['licenses'] == []


BAD_INPUT_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: no code
      cac.proget.proget_license: {title: Nameless}
      ignore_errors: true
    - name: empty code
      cac.proget.proget_license: {code: "", title: Nameless}
      ignore_errors: true
    - name: missing file
      cac.proget.proget_license: {code: ACME, title: ACME, files: [/nonexistent/LICENSE.txt]}
      ignore_errors: true
    - name: missing file on update
      cac.proget.proget_license: {code: MIT, files: [/nonexistent/MIT.txt]}
      ignore_errors: true
    - name: no title on create
      cac.proget.proget_license: {code: NEW}
      ignore_errors: true
'''


def test_bad_input_fails_clearly_before_any_write(sim, run_play):
    sim.api('POST', 'api/licenses/add', json={'code': 'MIT', 'title': 'MIT'}, expect=200)
    sim.clear_log()
    result = run_play(BAD_INPUT_PLAY)
    expected = {
        'no code': 'missing required arguments: code',
        'empty code': 'license: code must not be empty',
        'missing file': "license 'ACME': files[0]: /nonexistent/LICENSE.txt does not exist",
        'missing file on update': "license 'MIT': files[0]: /nonexistent/MIT.txt does not exist",
        'no title on create': "license 'NEW' does not exist; to create it, set title",
    }
    for name, text in expected.items():
        task = result.task(name)
        assert task['failed'], name
        assert text in task['msg'], (name, task['msg'])
    assert sim.writes() == []
    assert [lic['code'] for lic in licenses_on_server(sim)] == ['MIT']
