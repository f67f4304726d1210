"""Shared by every pytest suite: `import progetsim` works (tests/ on sys.path)."""
import os
import sys

TESTS = os.path.dirname(os.path.abspath(__file__))
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)
