"""Entry point of the ProGet stand-in image (tests/docker/dockerlib.py builds it).

Reads the configuration the way ProGet's container does (proget-api.md section 11.1) and refuses
to start on what ProGet would refuse, then serves the project's ProGet test server (the sim) on
port 80 with its state in the database volume:

* ``PROGET_ENCRYPTION_KEY`` or ``PROGET_ENCRYPTION_KEY_FILE``: 32 hexadecimal characters;
* ``PROGET_POSTGRES_CONNECTION_STRING[_FILE]`` or ``PROGET_SQL_CONNECTION_STRING[_FILE]``: an
  external database; neither means the embedded PostgreSQL (data in ``/var/proget/database``);
* ``PROGET_STANDIN_VERSION`` (set per image tag): ``25.0.1`` -> ``X-ProGet-Version 25.0.1.1``.

What it saw is written (hashes only, never a secret) to ``/tmp/standin.json`` for the tests.
"""
import hashlib
import json
import os
import re
import sys


def read_secret(name):
    path = os.environ.get(name + '_FILE')
    if path:
        try:
            with open(path) as f:
                return f.read().strip(), 'file'
        except OSError as e:
            sys.stderr.write('ProGet stand-in: cannot read %s_FILE (%s): %s\n' % (name, path, e))
            sys.exit(3)
    value = os.environ.get(name)
    return (value, 'env') if value else (None, None)


def sha(value):
    return hashlib.sha256(value.encode()).hexdigest() if value else None


def main():
    key, key_from = read_secret('PROGET_ENCRYPTION_KEY')
    if key is not None and not re.match(r'^[0-9a-fA-F]{32}$', key):
        sys.stderr.write('ProGet stand-in: the encryption key must be 32 hexadecimal characters\n')
        sys.exit(4)
    pg, pg_from = read_secret('PROGET_POSTGRES_CONNECTION_STRING')
    sql, sql_from = read_secret('PROGET_SQL_CONNECTION_STRING')
    database = 'postgres' if pg else 'sqlserver' if sql else 'embedded'
    version = os.environ.get('PROGET_STANDIN_VERSION', '25.0.1')
    if version.count('.') == 2:
        version += '.1'
    data_dir = '/var/proget/database/sim'
    os.makedirs(data_dir, exist_ok=True)
    seen = {
        'version': version, 'database': database,
        'encryption_key_sha256': sha(key), 'encryption_key_from': key_from,
        'connection_string_sha256': sha(pg or sql), 'connection_string_from': pg_from or sql_from,
        'tz': os.environ.get('TZ'),
        'env_names': sorted(os.environ),
    }
    with open('/tmp/standin.json', 'w') as f:
        json.dump(seen, f)
    from progetsim.__main__ import main as sim_main
    args = ['--host', '0.0.0.0', '--port', '80', '--data-dir', data_dir, '--log', '/tmp/requests.jsonl',
            '--version', version, '--unlicensed', '--anonymous', 'admin']  # a new ProGet: anonymous = admin
    extra = os.environ.get('PROGET_STANDIN_ARGS')
    if extra:
        args += extra.split()
    sys.argv = ['progetsim'] + args
    return sim_main(args)


if __name__ == '__main__':
    sys.exit(main())
