"""Docker plumbing for the proget_server role suite (no registry, no Docker SDK: the CLI).

* ``ensure_daemon()``: use the running engine, or start Debian's ``docker.io`` daemon
  (installed with apt-get when ``dockerd`` is missing) with ``--storage-driver=vfs
  --iptables=false``; its log goes to ``build/docker/dockerd.log``.
* ``build_standin(tags)``: a ProGet stand-in image made WITHOUT any registry: a rootfs tarball
  holding this machine's Debian ``python3.11`` (binary, the shared libraries it and its
  extension modules load, the standard library without tests) plus ``tests/progetsim`` and a
  small entry point (``standin.py``), loaded with ``docker import``. One import per tag, each
  with ``PROGET_STANDIN_VERSION`` set, so every tag is a distinct image (as two ProGet
  releases are). The tarball is cached under ``build/docker/`` and rebuilt only when its inputs
  (the sim's sources, the entry point, the interpreter) change; an image whose label carries
  the same input hash is reused.
* ``docker(*args)``: run the CLI, return stdout (raises ``DockerError`` with stderr).
* ``Tracker``: remembers every container / network / volume a test made and removes them.
"""

import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
ROOT = os.path.dirname(TESTS)
BUILD = os.path.join(ROOT, 'build', 'docker')
SIM_DIR = os.path.join(TESTS, 'progetsim')
ENTRY = os.path.join(HERE, 'standin.py')
PYTHON = '/usr/bin/python3.11'
STDLIB = '/usr/lib/python3.11'
STANDIN_REPO = os.environ.get('CAC_STANDIN_REPO', 'cac-test/proget')
SOCKET = '/var/run/docker.sock'


class DockerError(RuntimeError):
    pass


def docker(*args, check=True, timeout=300, input=None):
    proc = subprocess.run(['docker'] + [str(a) for a in args], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=timeout, input=input)
    if check and proc.returncode != 0:
        raise DockerError('docker %s: exit %d: %s' % (' '.join(str(a) for a in args), proc.returncode,
                                                     proc.stderr.decode('utf-8', 'replace').strip()))
    return proc.stdout.decode('utf-8', 'replace')


def inspect(kind, name):
    """docker <kind> inspect name -> dict, or None when it does not exist."""
    proc = subprocess.run(['docker', kind, 'inspect', name], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        return None
    data = json.loads(proc.stdout.decode())
    return data[0] if data else None


# --------------------------------------------------------------------------------------
# the daemon
# --------------------------------------------------------------------------------------

def daemon_running():
    if not shutil.which('docker'):
        return False
    return subprocess.run(['docker', 'info'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                          timeout=60).returncode == 0


def ensure_daemon(timeout=90):
    """Return a description of the engine; start dockerd when none answers."""
    if daemon_running():
        return 'running engine'
    if not shutil.which('dockerd'):
        env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
        subprocess.run(['apt-get', 'update'], check=True, stdout=subprocess.DEVNULL, env=env)
        subprocess.run(['apt-get', 'install', '-y', '--no-install-recommends', 'docker.io'], check=True,
                       stdout=subprocess.DEVNULL, env=env)
    os.makedirs(BUILD, exist_ok=True)
    log = open(os.path.join(BUILD, 'dockerd.log'), 'ab')
    # setsid: the daemon outlives the test session (later runs reuse it), like a system service
    subprocess.Popen(['dockerd', '--storage-driver=vfs', '--iptables=false'], stdout=log,
                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    log.close()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(SOCKET) and daemon_running():
            return 'started dockerd (log: %s)' % os.path.join(BUILD, 'dockerd.log')
        time.sleep(0.5)
    with open(os.path.join(BUILD, 'dockerd.log'), 'rb') as f:
        tail = f.read()[-3000:].decode('utf-8', 'replace')
    raise DockerError('dockerd did not answer within %ss; log tail:\n%s' % (timeout, tail))


# --------------------------------------------------------------------------------------
# the stand-in image
# --------------------------------------------------------------------------------------

def _ldd(path):
    out = subprocess.run(['ldd', path], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.decode()
    libs = set()
    for line in out.splitlines():
        parts = line.split()
        if '=>' in parts:
            target = parts[parts.index('=>') + 1]
            if target.startswith('/'):
                libs.add(target)
        elif parts and parts[0].startswith('/'):
            libs.add(parts[0])
    return libs


def _sources():
    files = [ENTRY, PYTHON]
    for base, dirs, names in os.walk(SIM_DIR):
        dirs[:] = sorted(d for d in dirs if d != '__pycache__')
        files.extend(os.path.join(base, n) for n in sorted(names) if n.endswith('.py'))
    return files


def input_hash():
    h = hashlib.sha256()
    for path in _sources():
        h.update(path.encode() + b'\0')
        with open(path, 'rb') as f:
            h.update(hashlib.sha256(f.read()).digest())
    return h.hexdigest()[:16]


def _add(tar, src, arcname=None, seen=None):
    arcname = (arcname or src).lstrip('/')
    if seen is not None:
        if arcname in seen:
            return
        seen.add(arcname)
    real = os.path.realpath(src)
    info = tar.gettarinfo(real, arcname)
    info.uid = info.gid = 0
    info.uname = info.gname = 'root'
    if info.isfile():
        with open(real, 'rb') as f:
            tar.addfile(info, f)
    else:
        tar.addfile(info)


def build_rootfs(path):
    """Write the stand-in rootfs tarball to path."""
    skip_dirs = {'test', 'tests', 'idlelib', 'tkinter', 'turtledemo', 'ensurepip', 'lib2to3',
                 '__pycache__', 'pydoc_data', 'distutils', 'site-packages', 'dist-packages'}
    libs = set(_ldd(PYTHON))
    dynload = os.path.join(STDLIB, 'lib-dynload')
    for name in os.listdir(dynload):
        if name.endswith('.so'):
            libs |= _ldd(os.path.join(dynload, name))
    tmp = path + '.tmp'
    seen = set()
    with tarfile.open(tmp, 'w') as tar:
        for d in ('tmp', 'etc', 'usr/bin', 'var/proget/database', 'var/proget/packages',
                  'var/proget/backups', 'usr/share/ProGet/LocalStorage', 'run/secrets', 'proc', 'sys', 'dev'):
            info = tarfile.TarInfo(d)
            info.type = tarfile.DIRTYPE
            info.mode = 0o1777 if d == 'tmp' else 0o755
            tar.addfile(info)
            seen.add(d)
        for name in ('passwd', 'group'):
            data = b'root:x:0:0:root:/root:/usr/bin/python3\n' if name == 'passwd' else b'root:x:0:\n'
            info = tarfile.TarInfo('etc/' + name)
            info.size = len(data)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
        _add(tar, PYTHON, '/usr/bin/python3', seen)
        for lib in sorted(libs):
            _add(tar, lib, lib, seen)
            # the loader path the binaries ask for (/lib64/ld-linux..., /lib/x86_64-linux-gnu/...)
            _add(tar, lib, os.path.realpath(lib), seen)
        for base, dirs, names in os.walk(STDLIB):
            rel = os.path.relpath(base, STDLIB)
            dirs[:] = sorted(d for d in dirs if d not in skip_dirs and not (rel == '.' and d.startswith('config-')))
            for n in sorted(names):
                if n.endswith('.py') or (base == dynload and n.endswith('.so') and '_test' not in n):
                    _add(tar, os.path.join(base, n), os.path.join(base, n), seen)
        for base, dirs, names in os.walk(SIM_DIR):
            dirs[:] = sorted(d for d in dirs if d != '__pycache__')
            for n in sorted(names):
                if n.endswith('.py'):
                    src = os.path.join(base, n)
                    _add(tar, src, '/opt/standin/' + os.path.relpath(src, TESTS), seen)
        _add(tar, ENTRY, '/opt/standin/standin.py', seen)
    os.replace(tmp, path)


def image_id(ref):
    data = inspect('image', ref)
    return data['Id'] if data else None


def build_standin(tags, repo=STANDIN_REPO):
    """Make sure repo:tag exists for every tag (a distinct image per tag). -> {tag: image id}."""
    os.makedirs(BUILD, exist_ok=True)
    digest = input_hash()
    tarball = os.path.join(BUILD, 'standin-rootfs-%s.tar' % digest)
    ids = {}
    for tag in tags:
        ref = '%s:%s' % (repo, tag)
        data = inspect('image', ref)
        if data and (data.get('Config') or {}).get('Labels', {}).get('cac.standin.hash') == digest:
            ids[tag] = data['Id']
            continue
        if not os.path.exists(tarball):
            for old in os.listdir(BUILD):
                if old.startswith('standin-rootfs-') and old.endswith('.tar'):
                    os.unlink(os.path.join(BUILD, old))
            build_rootfs(tarball)
        docker('import',
               '--change', 'LABEL cac.standin.hash=%s' % digest,
               '--change', 'ENV PROGET_STANDIN_VERSION=%s' % tag,
               '--change', 'ENV PYTHONPATH=/opt/standin/tests',
               '--change', 'ENV PYTHONDONTWRITEBYTECODE=1',
               '--change', 'EXPOSE 80',
               '--change', 'WORKDIR /',
               '--change', 'CMD ["/usr/bin/python3", "/opt/standin/standin.py"]',
               tarball, ref, timeout=600)
        ids[tag] = image_id(ref)
    return ids


# --------------------------------------------------------------------------------------
# cleanup
# --------------------------------------------------------------------------------------

class Tracker(object):
    """Names a test run creates; ``cleanup()`` removes them (containers, then networks, volumes)."""

    def __init__(self):
        self.containers, self.networks, self.volumes, self.paths = [], [], [], []

    def cleanup(self):
        errors = []
        for name in self.containers:
            if inspect('container', name):
                try:
                    docker('rm', '-f', '-v', name)
                except DockerError as e:
                    errors.append(str(e))
        for name in self.networks:
            if inspect('network', name):
                try:
                    docker('network', 'rm', name)
                except DockerError as e:
                    errors.append(str(e))
        for name in self.volumes:
            if inspect('volume', name):
                try:
                    docker('volume', 'rm', '-f', name)
                except DockerError as e:
                    errors.append(str(e))
        for path in self.paths:
            shutil.rmtree(path, ignore_errors=True)
        return errors
