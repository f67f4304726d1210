"""Offline stand-in for the get-pip.py script ansible-test downloads from
ci-files.testing.ansible.com (not reachable from every CI network).

ansible-test runs it (via runpy, GET_PIP=...) inside a fresh venv without pip, with
pip-install style arguments such as `pip==24.2 --no-setuptools --no-wheel`.
We bootstrap pip with the stdlib `ensurepip`, then `pip install` the requested packages
from the normal package index (pip config and PIP_* environment apply).
Installed by scripts/sanity.sh as ~/.ansible/test/cache/get_pip_<version>.py when missing.
"""
import subprocess
import sys


def main(argv):
    args = [a for a in argv if a not in ('--no-setuptools', '--no-wheel')]
    subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'],
                          stdout=subprocess.DEVNULL)
    if any(not a.startswith('-') for a in args):
        subprocess.check_call([sys.executable, '-m', 'pip', 'install', '-q'] + args)
    if '--no-setuptools' in argv:
        subprocess.call([sys.executable, '-m', 'pip', 'uninstall', '-y', '-q', 'setuptools'],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


if __name__ == '__main__':
    main(sys.argv[1:])
