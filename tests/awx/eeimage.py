"""An execution environment image built with ansible-builder on this machine, without a registry.

``make awx-ee`` (not part of ``make test``: the build copies a few hundred MB per step on Docker's
``vfs`` storage driver, about half an hour) runs ``python tests/awx/eeimage.py`` and then
``tests/awx/test_ee.py`` with ``CAC_EE_IMAGE`` set to the image it printed.

1. A base image made locally: the Debian 13 rootfs of the ansible-core 2.20+ suites
   (``scripts/rootfs.sh``, debootstrap) imported with ``docker import``, plus a virtualenv
   ``/opt/ee`` (ansible-builder's ``pip_install`` step runs ``python -m ensurepip``, which Debian
   disables for its system Python but not in a venv) and ``/usr/local/bin/pkgmgr``, which takes
   ansible-builder's dnf-style calls (``install -y PKG``, ``clean all``) to apt-get.
   The CAs this machine adds to its system store are copied in (PyPI may be reached through a
   TLS-inspecting proxy).
2. ``ansible-builder build`` of an EE definition like ``examples/awx/execution-environment.yml``
   with that base image, ansible-core and ansible-runner from PyPI (``--network=host``), and the
   collection from the tarball built from this repository; the collection's
   ``meta/execution-environment.yml`` brings ``requests`` and ``jsonschema``.

The image is tagged ``cac-test/ee-proget:<hash of its inputs>`` (the base, the EE definition, the
collection's requirement files) and reused while they do not change; the jobs use the collection
built from the current tree, installed into the project's ``collections/`` as AWX's project sync does.
"""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'docker'))

import dockerlib  # noqa: E402  pylint: disable=wrong-import-position

ROOTFS = os.path.expanduser('~/.cache/cac-proget/rootfs-trixie')
TOOLS = os.path.join(ROOT, '.venv', 'tools', 'bin')
BUILD = os.path.join(ROOT, 'build', 'ee')
LOCAL_CAS = '/usr/local/share/ca-certificates'

PKGMGR = r'''#!/bin/sh
# ansible-builder calls "$PKGMGR install -y [options] PKG..." and "$PKGMGR clean all" (dnf's syntax)
set -e
cmd="$1"; shift
case "$cmd" in
  install)
    pkgs=$(for a in "$@"; do case "$a" in -*) ;; *) printf '%s ' "$a" ;; esac; done)
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $pkgs ;;
  clean) apt-get clean ;;
  *) exec apt-get "$cmd" "$@" ;;
esac
'''

BASE_DOCKERFILE = '''FROM cac-test/ee-base:raw
COPY pkgmgr /usr/local/bin/pkgmgr
COPY ca/ /usr/local/share/ca-certificates/
RUN chmod 0755 /usr/local/bin/pkgmgr && update-ca-certificates >/dev/null \\
    && python3 -m venv /opt/ee && /opt/ee/bin/python -m pip --version
ENV PATH=/opt/ee/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
'''

EE_DEFINITION = '''---
# examples/awx/execution-environment.yml with a base image made on this machine
version: 3
images:
  base_image:
    name: cac-test/ee-base:latest
dependencies:
  python_interpreter:
    python_path: /opt/ee/bin/python3
  ansible_core:
    package_pip: ansible-core==2.19.14
  ansible_runner:
    package_pip: ansible-runner==2.4.3
  galaxy:
    collections:
      - name: /build/collections/{tarball}
        type: file
additional_build_files:
  - src: {tarball_path}
    dest: collections
options:
  package_manager_path: /usr/local/bin/pkgmgr
'''


def run(cmd, **kw):
    print('+ ' + ' '.join(cmd), flush=True)
    subprocess.run(cmd, check=True, **kw)


def base_image():
    """cac-test/ee-base:latest from the Debian 13 rootfs (scripts/rootfs.sh builds it if needed)."""
    run([os.path.join(ROOT, 'scripts', 'rootfs.sh')], stdout=subprocess.DEVNULL)
    tar = subprocess.Popen(['tar', '-C', ROOTFS, '--exclude=./work', '--exclude=./proc/*', '--exclude=./sys/*',
                            '--exclude=./dev/*', '-cf', '-', '.'], stdout=subprocess.PIPE)
    subprocess.run(['docker', 'import', '--change', 'CMD ["bash"]', '-', 'cac-test/ee-base:raw'], stdin=tar.stdout,
                   check=True, stdout=subprocess.DEVNULL)
    tar.wait()
    context = tempfile.mkdtemp(prefix='ee-base-', dir=BUILD)
    with open(os.path.join(context, 'pkgmgr'), 'w') as f:
        f.write(PKGMGR)
    with open(os.path.join(context, 'Dockerfile'), 'w') as f:
        f.write(BASE_DOCKERFILE)
    # the CAs this machine adds to the system's (a TLS-inspecting proxy on the way to PyPI): the build's
    # pip trusts the system store (truststore), as pip on the host does
    os.makedirs(os.path.join(context, 'ca'))
    for name in sorted(os.listdir(LOCAL_CAS)) if os.path.isdir(LOCAL_CAS) else []:
        if name.endswith('.crt'):
            shutil.copy(os.path.join(LOCAL_CAS, name), os.path.join(context, 'ca', name))
    run(['docker', 'build', '--network=host', '-q', '-t', 'cac-test/ee-base:latest', context],
        env=dict(os.environ, DOCKER_BUILDKIT='0'), stdout=subprocess.DEVNULL)


def image_tag():
    """cac-test/ee-proget:<hash>, keyed on what shapes the image: the base image, the EE definition, and
    the collection's requirements (meta/execution-environment.yml, requirements.txt, bindep.txt). The
    collection baked in may be older than the code under test: the jobs of test_ee.py install the current
    tarball into the project's collections/ directory, as AWX's project sync does, and that one is used."""
    digest = hashlib.sha256()
    for part in [PKGMGR, BASE_DOCKERFILE, EE_DEFINITION]:
        digest.update(part.encode())
    for path in ('scripts/rootfs.sh', 'meta/execution-environment.yml', 'requirements.txt', 'bindep.txt'):
        with open(os.path.join(ROOT, path), 'rb') as f:
            digest.update(f.read())
    return 'cac-test/ee-proget:%s' % digest.hexdigest()[:12]


def build():
    os.makedirs(BUILD, exist_ok=True)
    dockerlib.ensure_daemon()
    dist = tempfile.mkdtemp(prefix='dist-', dir=BUILD)
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith('ANSIBLE_'))
    run([os.path.join(TOOLS, 'ansible-galaxy'), 'collection', 'build', '--force', '--output-path', dist, ROOT],
        env=env, stdout=subprocess.DEVNULL)
    (tarball,) = [f for f in os.listdir(dist) if f.endswith('.tar.gz')]
    tag = image_tag()
    if dockerlib.inspect('image', tag):
        return tag
    base_image()
    definition = os.path.join(dist, 'execution-environment.yml')
    with open(definition, 'w') as f:
        f.write(EE_DEFINITION.format(tarball=tarball, tarball_path=os.path.join(dist, tarball)))
    run([os.path.join(TOOLS, 'ansible-builder'), 'build', '-f', definition, '-c', os.path.join(dist, 'context'),
         '-t', tag, '--container-runtime', 'docker', '--extra-build-cli-args=--network=host', '-v', '2'],
        env=dict(os.environ, DOCKER_BUILDKIT='0'))
    return tag


if __name__ == '__main__':
    print(build())
