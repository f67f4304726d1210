"""Fixtures for the integration suite (tests/integration/fixtures.py); the API is in harness.py."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fixtures import *  # noqa: E402,F401,F403  pylint: disable=wrong-import-position,wildcard-import
