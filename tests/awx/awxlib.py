"""What AWX / Automation Controller does around a job, without AWX: the credential injection and
the call of ``ansible_runner.run()`` (AWX's RunJob: a private data directory with ``project/``,
``inventory/``, ``env/``; the credential type's injectors rendered into environment variables and
files; events collected through ``event_handler``).

* :func:`inject` renders the "ProGet" credential type (``examples/awx/credential_type.yml``) for
  some credential inputs as AWX does (``CredentialType.inject_credential``): every ``env``
  injector is a template rendered in a sandbox; a string field left empty is undefined, so it
  renders as ``''`` (AWX injects every declared variable, empty ones too); a boolean field left
  out is ``False``; each ``file`` injector is written to a file of its own under
  ``<private_data_dir>/env`` and ``tower.filename.<name>`` is its path.
* :class:`Job` lays out a private data directory and runs a playbook of it with
  ``ansible_runner.run()``; ``.events`` holds every job event, ``.artifacts()`` every file
  ansible-runner wrote.
"""
import json
import os
import tempfile

import yaml

import harness

ROOT = harness.ROOT
CREDENTIAL_TYPE = os.path.join(ROOT, 'examples', 'awx', 'credential_type.yml')


def credential_type():
    with open(CREDENTIAL_TYPE) as f:
        return yaml.safe_load(f)


def inject(inputs, private_data_dir):
    """(env, files): the environment AWX gives a job that uses one ProGet credential."""
    from jinja2.sandbox import ImmutableSandboxedEnvironment
    ct = credential_type()
    namespace = dict((k, v) for k, v in inputs.items() if v not in ('', None))
    for field in ct['inputs']['fields']:
        if field['type'] == 'boolean' and field['id'] not in namespace:
            namespace[field['id']] = False   # AWX: a boolean left out of the credential is False
    sandbox = ImmutableSandboxedEnvironment()
    env_dir = os.path.join(private_data_dir, 'env')
    os.makedirs(env_dir, exist_ok=True)
    files, filenames = {}, {}
    for key, template in ct['injectors'].get('file', {}).items():
        content = sandbox.from_string(template).render(**namespace)
        fd, path = tempfile.mkstemp(prefix='awx_', dir=env_dir)
        with os.fdopen(fd, 'w') as f:
            f.write(content)
        os.chmod(path, 0o600)
        files[path] = content
        filenames[key.split('.', 1)[1]] = path
    namespace['tower'] = {'filename': filenames}
    env = dict((name, sandbox.from_string(template).render(**namespace))
               for name, template in ct['injectors']['env'].items())
    return env, files


class Job:
    """One AWX job: a private data directory with the project's playbooks and the inventory."""

    def __init__(self, base, name, project, inventory, collections, credential_env, extravars=None,
                 verbosity=0):
        self.name = name
        self.private_data_dir = os.path.join(str(base), name)
        os.makedirs(os.path.join(self.private_data_dir, 'project'))
        os.makedirs(os.path.join(self.private_data_dir, 'inventory'))
        for filename, text in project.items():
            with open(os.path.join(self.private_data_dir, 'project', filename), 'w') as f:
                f.write(text)
        self.inventory = os.path.join(self.private_data_dir, 'inventory', 'hosts.json')
        with open(self.inventory, 'w') as f:
            json.dump(inventory, f, indent=1)
        self.collections = collections
        self.credential_env = credential_env
        self.extravars = extravars or {}
        self.verbosity = verbosity
        self.events = []
        self.statuses = []
        self.runner = None

    def envvars(self):
        """What AWX's RunJob.build_env sets (the parts a playbook can notice), plus the credential's."""
        env = {
            'ANSIBLE_COLLECTIONS_PATHS': self.collections,
            'ANSIBLE_COLLECTIONS_PATH': self.collections,
            'ANSIBLE_ROLES_PATH': os.path.join(self.private_data_dir, 'project', 'roles'),
            'ANSIBLE_FORCE_COLOR': 'False',
            'ANSIBLE_HOST_KEY_CHECKING': 'False',
            'ANSIBLE_RETRY_FILES_ENABLED': 'False',
            'ANSIBLE_INVENTORY_UNPARSED_FAILED': 'True',
            'ANSIBLE_PARAMIKO_RECORD_HOST_KEYS': 'False',
            'ANSIBLE_LOCALHOST_WARNING': 'False',
            'AWX_HOST': 'https://awx.example.com',
            'JOB_ID': '42',
            'INVENTORY_ID': '7',
            'PROJECT_REVISION': 'main',
            'MAX_EVENT_RES': '700000',
            'PATH': os.path.join(harness.ansible_venv(), 'bin') + os.pathsep + os.environ.get('PATH', ''),
        }
        env.update(self.credential_env)
        return env

    def run(self, playbook, **kw):
        import ansible_runner
        self.runner = ansible_runner.run(
            private_data_dir=self.private_data_dir,
            ident=self.name,
            playbook=playbook,
            inventory=self.inventory,
            envvars=self.envvars(),
            extravars=self.extravars,
            verbosity=self.verbosity or None,
            quiet=True,
            settings={'suppress_ansible_output': True, 'job_timeout': 900},
            event_handler=self._event,
            status_handler=lambda data, runner_config=None: self.statuses.append(data.get('status')),
            **kw)
        return self

    def _event(self, event):
        self.events.append(event)
        return True

    @property
    def status(self):
        return self.runner.status

    @property
    def rc(self):
        return self.runner.rc

    def stdout(self):
        return ''.join(e.get('stdout') or '' for e in self.events)

    def artifact_dir(self):
        return os.path.join(self.private_data_dir, 'artifacts', self.name)

    def artifacts(self):
        """path -> text of every file ansible-runner wrote for this job (artifacts/<ident>/...)."""
        out = {}
        for root, _, names in os.walk(self.artifact_dir()):
            for name in names:
                path = os.path.join(root, name)
                with open(path, 'rb') as f:
                    out[path] = f.read().decode('utf-8', 'replace')
        return out

    def results(self, task):
        """The ``res`` of every runner_on_ok/failed event of a task (by name), per host."""
        out = {}
        for e in self.events:
            data = e.get('event_data') or {}
            if e.get('event') in ('runner_on_ok', 'runner_on_failed') and data.get('task') == task:
                out[data.get('host')] = dict(data.get('res') or {}, _event=e['event'])
        return out

    def stats(self):
        for e in self.events:
            if e.get('event') == 'playbook_on_stats':
                return e['event_data']
        return {}

    def describe(self):
        return 'job %s: status %s, rc %s\n%s' % (self.name, self.status, self.rc, self.stdout()[-6000:])
