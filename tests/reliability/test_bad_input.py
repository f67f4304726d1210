"""Bad input: a table of invalid inputs across every module, both roles' variables and the state
document. Each fails with a message naming the option or path; the request log shows no write.

The cases run in three playbooks at once (``ignore_errors`` per task; role cases in block/rescue).
"""
import os

import yaml

from docs import parallel

HUGE = 'x' * 20000
TRAVERSAL = '../../etc/passwd'

# (id, module or 'role:<name>', args or role vars, words the message must contain)
CASES = [
    # proget_feed
    ('feed-missing-name', 'proget_feed', {'type': 'nuget'}, ['name']),
    ('feed-unknown-type', 'proget_feed', {'name': 'f1', 'type': 'nugget'}, ['nugget']),
    ('feed-unknown-key', 'proget_feed', {'name': 'f1', 'type': 'nuget', 'colour': 'red'}, ['colour']),
    ('feed-bool-type', 'proget_feed', {'name': 'f1', 'type': 'nuget', 'active': 'maybe'}, ['active']),
    ('feed-state-enum', 'proget_feed', {'name': 'f1', 'state': 'gone'}, ['state']),
    ('feed-rules-type', 'proget_feed', {'name': 'f1', 'type': 'nuget',
                                        'retention_rules': [{'keep_versions_count': 'ten'}]}, ['keep_versions_count']),
    ('feed-rule-negative', 'proget_feed', {'name': 'f1', 'type': 'nuget',
                                           'retention_rules': [{'keep_versions_count': -5}]}, ['keep_versions_count']),
    ('feed-name-slash', 'proget_feed', {'name': 'a/b', 'type': 'nuget'}, ['name']),
    ('feed-name-space', 'proget_feed', {'name': 'my feed', 'type': 'nuget'}, ['name']),
    ('feed-name-huge', 'proget_feed', {'name': 'n' * 5000, 'type': 'nuget'}, ['name']),
    ('feed-variables-type', 'proget_feed', {'name': 'f1', 'type': 'nuget', 'variables': [1, 2]}, ['variables']),
    ('feed-url-scheme', 'proget_feed', {'name': 'f1', 'type': 'nuget', 'url': 'ftp://host/'}, ['url']),
    ('feed-timeout-negative', 'proget_feed', {'name': 'f1', 'type': 'nuget', 'timeout': -5}, ['timeout']),
    # proget_feed_info / connector / connector_info
    ('feed-info-unknown', 'proget_feed_info', {'nam': 'x'}, ['nam']),
    ('conn-missing-name', 'proget_connector', {'type': 'nuget'}, ['name']),
    ('conn-timeout-type', 'proget_connector', {'name': 'c1', 'type': 'nuget', 'connector_url': 'https://a/',
                                               'connector_timeout': 'slow'}, ['connector_timeout']),
    ('conn-timeout-negative', 'proget_connector', {'name': 'c1', 'type': 'nuget', 'connector_url': 'https://a/',
                                                   'connector_timeout': -1}, ['connector_timeout']),
    ('conn-update-password-enum', 'proget_connector', {'name': 'c1', 'update_password': 'sometimes'}, ['update_password']),
    ('conn-cache-minutes-type', 'proget_connector', {'name': 'c1', 'metadata_cache_minutes': 'x'}, ['metadata_cache_minutes']),
    ('conn-unknown-type', 'proget_connector', {'name': 'c1', 'type': 'cobol', 'connector_url': 'https://a/'}, ['cobol']),
    ('conn-info-bool', 'proget_connector_info', {'feeds': 'perhaps'}, ['feeds']),
    # proget_license / info
    ('lic-missing-code', 'proget_license', {'title': 'x'}, ['code']),
    ('lic-urls-type', 'proget_license', {'code': 'L1', 'urls': {'a': 1}}, ['urls']),
    ('lic-file-missing', 'proget_license', {'code': 'L1', 'files': ['/nonexistent/LICENSE']}, ['files']),
    ('lic-info-unknown', 'proget_license_info', {'codes': ['x']}, ['codes']),
    # proget_api_key / info
    ('key-type-enum', 'proget_api_key', {'name': 'k1', 'type': 'admin'}, ['type']),
    ('key-system-apis-enum', 'proget_api_key', {'name': 'k1', 'type': 'system', 'system_apis': ['everything']},
     ['system_apis']),
    ('key-system-needs-apis', 'proget_api_key', {'name': 'k1', 'type': 'system'}, ['system_apis']),
    ('key-logging-enum', 'proget_api_key', {'name': 'k1', 'type': 'system', 'system_apis': ['feeds'],
                                            'logging': 'loud'}, ['logging']),
    ('key-expiration-format', 'proget_api_key', {'name': 'k1', 'type': 'system', 'system_apis': ['feeds'],
                                                 'expiration': 'next tuesday'}, ['expiration']),
    ('key-conflicting-scope', 'proget_api_key', {'name': 'k1', 'type': 'feed', 'feed': 'f1',
                                                 'system_apis': ['feeds']}, ['system_apis']),
    ('key-rotate-type', 'proget_api_key', {'name': 'k1', 'rotate': 'often'}, ['rotate']),
    ('key-info-type-enum', 'proget_api_key_info', {'type': 'robot'}, ['type']),
    # proget_setting
    ('setting-missing-value', 'proget_setting', {'name': 'Web.BaseUrl'}, ['value']),
    ('setting-missing-name', 'proget_setting', {'value': 'x'}, ['name']),
    ('setting-secret-type', 'proget_setting', {'name': 'X', 'value': 'y', 'secret': 'sure'}, ['secret']),
    # proget_native_api
    ('native-missing-method', 'proget_native_api', {'arguments': {}}, ['method']),
    ('native-arguments-type', 'proget_native_api', {'method': 'Feeds_GetFeeds', 'arguments': [1]},
     ['arguments']),
    # proget_asset / info
    ('asset-traversal', 'proget_asset', {'feed': 'files', 'path': TRAVERSAL, 'content': 'x'}, ['..']),
    ('asset-traversal-middle', 'proget_asset', {'feed': 'files', 'path': 'a/../../b', 'content': 'x'}, ['..']),
    ('asset-content-and-src', 'proget_asset', {'feed': 'files', 'path': 'a.txt', 'content': 'x', 'src': '/etc/hostname'},
     ['content', 'src']),
    ('asset-missing-feed', 'proget_asset', {'path': 'a.txt', 'content': 'x'}, ['feed']),
    ('asset-state-enum', 'proget_asset', {'feed': 'files', 'path': 'a', 'state': 'file'}, ['state']),
    ('asset-metadata-mode-enum', 'proget_asset', {'feed': 'files', 'path': 'a', 'content': 'x',
                                                  'metadata_mode': 'merge'}, ['metadata_mode']),
    ('asset-part-size-negative', 'proget_asset', {'feed': 'files', 'path': 'a', 'content': 'x', 'part_size': -1},
     ['part_size']),
    ('asset-src-missing', 'proget_asset', {'feed': 'files', 'path': 'a', 'src': '/nonexistent/file'}, ['src']),
    ('asset-info-traversal', 'proget_asset_info', {'feed': 'files', 'path': TRAVERSAL}, ['..']),
    # proget_download / package_info / server_info
    ('download-missing-dest', 'proget_download', {'feed': 'f', 'name': 'p', 'version': '1.0.0'}, ['dest']),
    ('download-api-enum', 'proget_download', {'feed': 'f', 'name': 'p', 'dest': '/tmp/x', 'api': 'maven'}, ['api']),
    ('package-info-missing-feed', 'proget_package_info', {'name': 'p'}, ['feed']),
    ('server-info-unknown', 'proget_server_info', {'verbose': True}, ['verbose']),
    # the state document
    ('state-feeds-not-list', 'proget_state', {'feeds': 'feed-a'}, ['feeds']),
    ('state-unknown-key', 'proget_state', {'feeds': [{'name': 'a', 'type': 'nuget', 'bogus': 1}]}, ['feeds[0]', 'bogus']),
    ('state-prune-enum', 'proget_state', {'prune': ['users']}, ['prune']),
    ('state-key-apis-enum', 'proget_state', {'api_keys': [{'name': 'k', 'type': 'system', 'system_apis': ['nope']}]},
     ['api_keys[0]', 'nope']),
    ('state-setting-missing-value', 'proget_state', {'settings': [{'name': 'X'}]}, ['settings[0]', 'value']),
    ('state-asset-traversal', 'proget_state', {'assets': [{'feed': 'files', 'path': TRAVERSAL, 'content': 'a'}]},
     ['assets[0]', '..']),
    ('state-conn-timeout-type', 'proget_state', {'connectors': [{'name': 'c', 'type': 'nuget', 'timeout': 'slow'}]},
     ['connectors[0]', 'timeout']),
    ('state-license-missing-code', 'proget_state', {'licenses': [{'title': 'no code'}]}, ['licenses[0]', 'code']),
    ('state-rule-huge-number', 'proget_state', {'feeds': [{'name': 'a', 'type': 'nuget',
                                                           'retention_rules': [{'keep_versions_count': 10 ** 30}]}]},
     ['feeds[0]', 'keep_versions_count']),
    ('state-huge-name', 'proget_state', {'feeds': [{'name': HUGE, 'type': 'nuget'}]}, ['feeds[0]', 'name']),
    ('module-huge-integer', 'proget_connector', {'name': 'c1', 'type': 'nuget', 'connector_url': 'https://a/',
                                                 'connector_timeout': 10 ** 12}, ['connector_timeout']),
    ('state-name-forbidden', 'proget_state', {'feeds': [{'name': 'a b/c', 'type': 'nuget'}]}, ['feeds[0]', 'name']),
    # a file in Latin-1: ansible-core 2.19 refuses the undecodable text itself; under 2.17 the
    # module gets surrogates and the engine refuses them (engine.check_values), naming the option
    ('state-non-utf8', 'proget_state', {'feeds': [{'name': 'a', 'type': 'nuget',
                                                   'description': "{{ lookup('file', latin1) }}"}]}, ['utf']),
    ('module-non-utf8', 'proget_license', {'code': 'L2', 'title': "{{ lookup('file', latin1) }}"}, ['utf']),
    # roles: argument_specs
    ('role-config-feeds-type', 'role:proget_config', {'proget_feeds': 'feed-a'}, ['proget_feeds']),
    ('role-config-timeout-type', 'role:proget_config', {'proget_timeout': 'soon'}, ['proget_timeout']),
    ('role-config-bad-document', 'role:proget_config', {'proget_feeds': [{'name': 'a', 'type': 'nugget'}]}, ['nugget']),
    ('role-server-state-enum', 'role:proget_server', {'proget_server_state': 'gone'}, ['proget_server_state']),
    ('role-server-port-type', 'role:proget_server', {'proget_server_port': 'eighty'}, ['proget_server_port']),
    ('role-server-platform-enum', 'role:proget_server', {'proget_server_platform': 'solaris'},
     ['proget_server_platform']),
]


def playbook(cases):
    tasks = []
    for ident, what, args, _ in cases:
        if what.startswith('role:'):
            tasks.append({'block': [{'name': 'role ' + ident, 'ansible.builtin.include_role': {'name': 'cac.proget.' + what[5:]},
                                     'vars': args}],
                          'rescue': [{'name': ident, 'ansible.builtin.debug': {'msg': '{{ ansible_failed_result.msg }}'}}]})
        else:
            tasks.append({'name': ident, 'cac.proget.' + what: args, 'ignore_errors': True})
    return yaml.safe_dump([{'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}], width=10 ** 9)


def test_bad_input_table_has_forty_cases():
    assert len(CASES) >= 40


def test_every_bad_input_fails_naming_the_option_and_writes_nothing(sim, play_runner, tmp_path):
    latin1 = tmp_path / 'latin1.txt'
    latin1.write_bytes(b'caf\xe9 cr\xe8me')
    sim.api('POST', 'api/management/feeds/create', json={'name': 'files', 'feedType': 'asset'}, expect=(200, 201))
    sim.clear_log()
    # three playbooks at once (the cases are independent): a third of the wall time on 2 cores
    chunks = [CASES[i::3] for i in range(3)]
    results = parallel([lambda c=c: play_runner(sim=sim)(playbook(c), extra_vars={'latin1': str(latin1)},
                                                         expect_rc=None) for c in chunks])
    by_case = {}
    for chunk, result in zip(chunks, results):
        for case in chunk:
            by_case[case[0]] = result
    bad = []
    for ident, what, _, words in CASES:
        result = by_case[ident]
        try:
            task = result.task(ident)
        except KeyError:
            bad.append('%s: no result' % ident)
            continue
        msg = str(task.get('msg') or '')
        if not what.startswith('role:') and not task['failed']:
            bad.append('%s: did not fail (%s)' % (ident, msg[:200]))
        elif not all(w.lower() in msg.lower() for w in words):
            bad.append('%s: message lacks %s: %s' % (ident, words, msg[:400]))
    assert not bad, '\n'.join(bad)
    assert sim.writes() == []
    print('\nFIGURES bad_input: %d inputs tried' % len(CASES))
