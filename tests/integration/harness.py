"""Integration-test harness: the ProGet sim + real ``ansible-playbook`` runs.

Used by ``tests/integration/conftest.py`` (fixtures) and importable by any suite
(``sys.path`` gets ``tests/integration`` through the conftest, so ``import harness``).

Fixtures (tests/integration/conftest.py)
----------------------------------------
``sim``          function scope. The module's shared sim (one process per test module),
                 already ``reset()`` and ``clear_log()`` for this test.
``sim_server``   module scope. The same ``Sim`` without the per-test reset.
``sim_factory``  function scope. ``sim_factory(**options)`` starts an extra sim with other
                 CLI options and stops it after the test, e.g.
                 ``sim_factory(https=True, key_storage='hashed', system_key='s3cret',
                 anonymous='none', version='26.0.1', prefix='/proget', unlicensed=True)``.
                 Option names are the CLI flags with ``_`` for ``-``; ``True`` → bare flag.
``run_play``     function scope. ``run_play(playbook, ...)`` runs ``ansible-playbook``
                 against ``sim`` (``PROGET_URL``/``PROGET_API_KEY`` in the environment),
                 in this test's ``tmp_path``. See ``PlayRunner.__call__``.
``play_runner``  function scope. ``play_runner(sim=None, api_key=None)`` → a new
                 ``PlayRunner`` bound to another sim (e.g. one from ``sim_factory``).

``Sim`` (one running sim process)
---------------------------------
``.url``            base URL incl. prefix, no trailing ``/`` (``http://127.0.0.1:PORT``)
``.port``, ``.data_dir``, ``.options``, ``.ca_path`` (https: the self-signed cert, else None),
``.verify`` (what to pass as requests' ``verify=``; ``run_play`` exports ``PROGET_CA_PATH``)
``.api_key``        default key for ``.api()`` (``system_key`` option if given, else None)
``.api(method, path, key=<api_key>, expect=None, **requests_kwargs)`` → ``requests.Response``
                    ``path`` relative to ``.url``; ``key`` sent as ``X-ApiKey`` (None: anonymous);
                    ``expect=200`` (or a tuple) asserts the status.
``.log()``          ``GET /__sim/log`` → list of entries (dicts: ts, method, path, query,
                    status, bytes, ms, write, principal)
``.writes()``       the log entries with ``write: true``
``.clear_log()``    ``POST /__sim/log/clear``
``.reset()``        ``POST /__sim/reset`` (empty server; config back to the start options)
``.config(**kw)``   ``POST /__sim/config`` with kw (returns the new config); ``.config()`` reads it
``.state()``        ``GET /__sim/state`` (whole database as JSON)
``.add_user(name, password, attributes=())``  ``POST /__sim/users``
``.stop()``         terminate the process (fixtures do this for you)

``PlayRunner`` / ``run_play``
-----------------------------
``run_play(playbook, extra_vars=None, check=False, diff=False, verbosity=0, env=None,
expect_rc=0, sim=None, api_key=None, limit=None, tags=None, args=())`` → ``PlayResult``

* ``playbook``: a path (absolute, relative to cwd, or relative to
  ``tests/integration/playbooks/``) or YAML text (anything containing a newline).
  A play may say ``hosts: localhost``; inventory is ``localhost`` with
  ``ansible_connection=local`` and ``ansible_python_interpreter`` = the venv's python.
* environment: ``PROGET_URL=<sim.url>``, ``PROGET_API_KEY=<api_key or sim.api_key>`` (omitted
  when None), ``ANSIBLE_COLLECTIONS_PATH(S)=build/collections``, no retry files, no colour,
  ``ANSIBLE_LOCALHOST_WARNING=False``, ``ANSIBLE_INVENTORY_UNPARSED_WARNING=False``;
  ``env`` entries override (value ``None`` removes a variable).
* ``expect_rc``: asserts the exit code (``None`` = don't check); on mismatch the
  AssertionError shows stdout/stderr.
* The venv is ``$CAC_ANSIBLE_VENV`` (default ``.venv/core-2.19``; relative to repo root).
  The venvs of ansible-core 2.20+ (.venv/core-2.2x) are built in the Debian 13 rootfs and run
  only there: pytest itself runs inside it (``scripts/chroot.sh``, which the Makefile uses for
  those cores), where the repository has the same absolute path, so every path here (the venv,
  the sim's ``sys.executable``, the relative collection symlink) is the same as on the host.
  ``venv_problem()`` says why a venv cannot run here (the fixtures stop the session with it).

``PlayResult``: ``.rc``, ``.stdout``, ``.stderr``, ``.cmd``,
``.recap`` → ``{host: {'ok': n, 'changed': n, 'unreachable': n, 'failed': n, 'skipped': n,
'rescued': n, 'ignored': n}}``, ``.results`` → list of task results (dicts from the
``cac_results`` callback: ``play, task, action, host, status, item, changed, failed, skipped,
unreachable, msg, diff, result`` where ``result`` is the module's return values),
``.task(name)`` → the last non-item result of the task with that name (KeyError if none),
``.changed`` → recap ``changed`` of localhost, ``.failed_tasks`` → the failed results.

Example::

    def test_feed_idempotent(sim, run_play):
        play = '''
        - hosts: localhost
          gather_facts: false
          tasks:
            - name: feed
              cac.proget.proget_feed: {name: npm-internal, feed_type: npm}
        '''
        first = run_play(play)
        assert first.task('feed')['changed'] and len(sim.writes()) == 1
        sim.clear_log()
        assert run_play(play).recap['localhost']['changed'] == 0
        assert sim.writes() == []
"""

import json
import os
import re
import secrets
import shlex
import subprocess
import sys
import tempfile

import requests

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # tests/
from progetsim.testing import SimProcess  # noqa: E402  pylint: disable=wrong-import-position

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
ROOT = os.path.dirname(TESTS)
PLAYBOOKS = os.path.join(HERE, 'playbooks')
CALLBACKS = os.path.join(HERE, 'callback_plugins')
COLLECTIONS = os.path.join(ROOT, 'build', 'collections')
COLLECTION_LINK = os.path.join(COLLECTIONS, 'ansible_collections', 'cac', 'proget')

SIM_START_TIMEOUT = float(os.environ.get('CAC_SIM_START_TIMEOUT', '30'))
PLAY_TIMEOUT = float(os.environ.get('CAC_PLAY_TIMEOUT', '600'))


def ansible_venv():
    """Absolute path of the venv whose ansible-playbook the tests run."""
    venv = os.environ.get('CAC_ANSIBLE_VENV', os.path.join('.venv', 'core-2.19'))
    return venv if os.path.isabs(venv) else os.path.join(ROOT, venv)


def venv_problem(venv=None):
    """None if the venv's python runs on this system, else a sentence saying why not."""
    venv = venv or ansible_venv()
    python = os.path.join(venv, 'bin', 'python')
    if os.path.exists(python):  # follows the symlinks
        return None
    if os.path.lexists(python):
        return ('%s points at %s, which is not on this system: a venv built in the Debian 13 rootfs '
                '(ansible-core 2.20+) runs there only: scripts/chroot.sh CMD, or the make targets '
                '(make integration-2.22)' % (python, os.path.realpath(python)))
    return '%s does not exist (make venv, or scripts/venv.sh %s)' % (python, os.path.basename(venv))


def ensure_collection_link():
    """build/collections/ansible_collections/cac/proget -> repo root (same as `make collection`)."""
    if os.path.islink(COLLECTION_LINK) and os.path.realpath(COLLECTION_LINK) == os.path.realpath(ROOT):
        return COLLECTIONS
    os.makedirs(os.path.dirname(COLLECTION_LINK), exist_ok=True)
    tmp = '%s.%d.tmp' % (COLLECTION_LINK, os.getpid())
    os.symlink(os.path.relpath(ROOT, os.path.dirname(COLLECTION_LINK)), tmp)
    os.replace(tmp, COLLECTION_LINK)  # atomic even if a parallel run does the same
    return COLLECTIONS


# --------------------------------------------------------------------------------------
# the sim
# --------------------------------------------------------------------------------------

class Sim(SimProcess):
    """One running progetsim process (tests/progetsim/testing.py's SimProcess: start, stop and the
    /__sim/ control calls) plus what playbook tests need: ``api()``, ``writes()``, ``api_key``,
    ``ca_path``/``verify``. Use start_sim() (or the fixtures) to get one."""

    _DEFAULT = object()

    def __init__(self, data_dir, options, python=None):
        options = dict(options)
        options.pop('port', None)
        https, prefix = bool(options.pop('https', False)), options.pop('prefix', None) or ''
        super(Sim, self).__init__(data_dir, *_sim_args(options), https=https, prefix=prefix,
                                  python=python or sys.executable, timeout=SIM_START_TIMEOUT)
        self.options = dict(options, https=https, prefix=prefix) if (https or prefix) else options
        self.api_key = options.get('system_key')
        self.ca_path = self.cert if https else None
        # passed per request: Session.verify loses against $REQUESTS_CA_BUNDLE / $CURL_CA_BUNDLE
        self.verify = self.ca_path if self.ca_path else True
        self.stderr_file = os.path.join(self.data_dir, 'sim.out')
        self.session = requests.Session()

    def __repr__(self):
        return '<Sim %s %r>' % (self.url, self.options)

    def api(self, method, path, key=_DEFAULT, expect=None, **kw):
        """requests.request against the sim; X-ApiKey = key (default self.api_key; None: none)."""
        key = self.api_key if key is Sim._DEFAULT else key
        headers = dict(kw.pop('headers', None) or {})
        if key is not None:
            headers.setdefault('X-ApiKey', key)
        kw.setdefault('timeout', 30)
        kw.setdefault('verify', self.verify)
        r = self.session.request(method.upper(), '%s/%s' % (self.url, path.lstrip('/')), headers=headers, **kw)
        if expect is not None:
            ok = expect if isinstance(expect, (tuple, list, set)) else (expect,)
            if r.status_code not in ok:
                raise AssertionError('%s %s: expected HTTP %s, got %d: %s'
                                     % (method.upper(), path, expect, r.status_code, r.text[:1000]))
        return r

    def writes(self):
        return [e for e in self.log() if e.get('write')]

    def config(self, **kw):
        return super(Sim, self).config(**kw) if kw else self.get_config()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        super(Sim, self).stop()
        self.session.close()


def _sim_args(options):
    args = []
    for name, value in sorted(options.items()):
        if value is None or value is False:
            continue
        flag = '--' + name.replace('_', '-')
        if value is True:
            args.append(flag)
        else:
            args.extend([flag, str(value)])
    return args


def start_sim(data_dir=None, python=None, **options):
    """Start `python -m progetsim --port 0` with options (CLI flag names, '_' for '-').

    Returns a Sim once it answers; data_dir defaults to a fresh temporary directory.
    Like a real ProGet after bootstrap, the sim refuses anonymous requests and has one System key
    with full control (``sim.api_key``, given to ``run_play`` as PROGET_API_KEY), unless the options
    say otherwise (``anonymous='admin'`` for bootstrap tests, ``system_key=None`` for none).
    """
    options.setdefault('anonymous', 'none')
    options.setdefault('system_key', 'cac-test-' + secrets.token_hex(8))
    return Sim(data_dir or tempfile.mkdtemp(prefix='progetsim-'), options, python=python).start()


# --------------------------------------------------------------------------------------
# ansible-playbook
# --------------------------------------------------------------------------------------

_RECAP_RE = re.compile(r'^(\S+)\s*:\s*((?:\w+=\d+\s*)+)$')


def parse_recap(stdout):
    recap = {}
    lines = stdout.splitlines()
    try:
        start = max(i for i, l in enumerate(lines) if l.startswith('PLAY RECAP'))
    except ValueError:
        return recap
    for line in lines[start + 1:]:
        m = _RECAP_RE.match(line.strip())
        if not m:
            if line.strip():
                break
            continue
        recap[m.group(1)] = dict((k, int(v)) for k, v in re.findall(r'(\w+)=(\d+)', m.group(2)))
    return recap


class PlayResult(object):
    def __init__(self, cmd, rc, stdout, stderr, results, workdir):
        self.cmd = cmd
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.results = results
        self.workdir = workdir
        self.recap = parse_recap(stdout)

    def task(self, name, host='localhost'):
        found = [r for r in self.results if r['task'] == name and r['host'] == host and not r['item']]
        if not found:
            raise KeyError('no result for task %r on %s; tasks: %r'
                           % (name, host, [r['task'] for r in self.results]))
        return found[-1]

    @property
    def changed(self):
        return self.recap.get('localhost', {}).get('changed')

    @property
    def failed_tasks(self):
        return [r for r in self.results if r['failed'] and not r['item']]

    def __repr__(self):
        return '<PlayResult rc=%s recap=%r>' % (self.rc, self.recap)

    def describe(self):
        return ('$ %s\nrc=%s\n--- stdout ---\n%s\n--- stderr ---\n%s'
                % (' '.join(shlex.quote(c) for c in self.cmd), self.rc, self.stdout[-20000:], self.stderr[-10000:]))


class PlayRunner(object):
    """Runs ansible-playbook from $CAC_ANSIBLE_VENV against a Sim, in workdir."""

    def __init__(self, workdir, sim=None, api_key=Sim._DEFAULT, venv=None):
        self.workdir = str(workdir)
        self.sim = sim
        self.api_key = api_key
        self.venv = venv or ansible_venv()
        self.count = 0

    def _playbook_path(self, playbook, rundir):
        text = str(playbook)
        if '\n' in text:
            path = os.path.join(rundir, 'play.yml')
            with open(path, 'w') as f:
                f.write(_dedent(text))
            return path
        for cand in (text, os.path.join(PLAYBOOKS, text)):
            if os.path.isfile(cand):
                return os.path.abspath(cand)
        raise FileNotFoundError('playbook %r not found (cwd, %s)' % (text, PLAYBOOKS))

    def env(self, sim=None, api_key=Sim._DEFAULT, extra=None, rundir=None):
        sim = sim or self.sim
        if api_key is Sim._DEFAULT:
            api_key = self.api_key
        if api_key is Sim._DEFAULT:
            api_key = sim.api_key if sim is not None else None
        env = dict(os.environ)
        for k in list(env):
            if k.startswith('ANSIBLE_') or k.startswith('PROGET_'):
                del env[k]
        collections = ensure_collection_link()
        rundir = rundir or self.workdir
        env.update({
            'PATH': os.path.join(self.venv, 'bin') + os.pathsep + env.get('PATH', ''),
            'VIRTUAL_ENV': self.venv,
            'ANSIBLE_COLLECTIONS_PATH': collections,
            'ANSIBLE_COLLECTIONS_PATHS': collections,
            'ANSIBLE_CALLBACK_PLUGINS': CALLBACKS,
            'ANSIBLE_CALLBACKS_ENABLED': 'cac_results',
            'ANSIBLE_CALLBACK_WHITELIST': 'cac_results',
            'ANSIBLE_STDOUT_CALLBACK': 'default',
            'ANSIBLE_LOCALHOST_WARNING': 'False',
            'ANSIBLE_INVENTORY_UNPARSED_WARNING': 'False',
            'ANSIBLE_RETRY_FILES_ENABLED': 'False',
            'ANSIBLE_NOCOLOR': '1',
            'ANSIBLE_FORCE_COLOR': '0',
            'ANSIBLE_HOST_KEY_CHECKING': 'False',
            'ANSIBLE_HOME': os.path.join(rundir, 'ansible-home'),
            'ANSIBLE_LOCAL_TEMP': os.path.join(rundir, 'ansible-tmp'),
            'ANSIBLE_REMOTE_TEMP': os.path.join(rundir, 'ansible-remote-tmp'),
            'ANSIBLE_GALAXY_SERVER_LIST': '',
            'ANSIBLE_CONFIG': os.path.join(rundir, 'ansible.cfg'),
            'PYTHONDONTWRITEBYTECODE': '1',
        })
        env.pop('PYTHONPATH', None)
        if sim is not None:
            env['PROGET_URL'] = sim.url
            if sim.ca_path:
                env['PROGET_CA_PATH'] = sim.ca_path
        if api_key is not None:
            env['PROGET_API_KEY'] = api_key
        for k, v in (extra or {}).items():
            if v is None:
                env.pop(k, None)
            else:
                env[k] = str(v)
        return env

    def __call__(self, playbook, extra_vars=None, check=False, diff=False, verbosity=0, env=None,
                 expect_rc=0, sim=None, api_key=Sim._DEFAULT, limit=None, tags=None, args=()):
        self.count += 1
        rundir = os.path.join(self.workdir, 'play-%03d' % self.count)
        os.makedirs(rundir)
        path = self._playbook_path(playbook, rundir)
        results_file = os.path.join(rundir, 'results.jsonl')
        open(os.path.join(rundir, 'ansible.cfg'), 'w').close()
        python = os.path.join(self.venv, 'bin', 'python')
        inventory = os.path.join(rundir, 'inventory.ini')
        with open(inventory, 'w') as f:
            f.write('localhost ansible_connection=local ansible_python_interpreter=%s\n' % python)
        cmd = [os.path.join(self.venv, 'bin', 'ansible-playbook'), '-i', inventory, path]
        if extra_vars:
            ev = os.path.join(rundir, 'extra_vars.json')
            with open(ev, 'w') as f:
                json.dump(extra_vars, f)
            cmd += ['-e', '@' + ev]
        if check:
            cmd.append('--check')
        if diff:
            cmd.append('--diff')
        if verbosity:
            cmd.append('-' + 'v' * int(verbosity))
        if limit:
            cmd += ['--limit', limit]
        if tags:
            cmd += ['--tags', tags if isinstance(tags, str) else ','.join(tags)]
        cmd += list(args)
        run_env = self.env(sim=sim, api_key=api_key, extra=env, rundir=rundir)
        run_env['CAC_RESULTS_FILE'] = results_file
        proc = subprocess.run(cmd, cwd=rundir, env=run_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              stdin=subprocess.DEVNULL, timeout=PLAY_TIMEOUT)
        results = []
        if os.path.exists(results_file):
            with open(results_file) as f:
                results = [json.loads(line) for line in f if line.strip()]
        res = PlayResult(cmd, proc.returncode, proc.stdout.decode('utf-8', 'replace'),
                         proc.stderr.decode('utf-8', 'replace'), results, rundir)
        if expect_rc is not None and res.rc != expect_rc:
            raise AssertionError('ansible-playbook exited %s, expected %s\n%s' % (res.rc, expect_rc, res.describe()))
        return res


def _dedent(text):
    import textwrap
    return textwrap.dedent(text).lstrip('\n')


def which_ansible():
    """(venv, version string) of the ansible-core used, for reports."""
    venv = ansible_venv()
    problem = venv_problem(venv)
    if problem:
        return venv, 'unusable (%s)' % problem
    out = subprocess.run([os.path.join(venv, 'bin', 'python'), '-c',
                          'import ansible.release as r; print(r.__version__)'],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return venv, out.stdout.decode().strip()


__all__ = ['Sim', 'start_sim', 'PlayRunner', 'PlayResult', 'parse_recap', 'ansible_venv', 'venv_problem',
           'ensure_collection_link', 'ROOT', 'PLAYBOOKS']
