"""Fixtures for the fleet suite (make fleet): the integration suite's (tests/integration/fixtures.py)."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'integration'))

from fixtures import *  # noqa: E402,F401,F403  pylint: disable=wrong-import-position,wildcard-import
