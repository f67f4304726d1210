# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SemVer 2 ordering, as pgutil compares ProGet versions (proget-api.md section 8).

A prerelease sorts below its release; prerelease identifiers compare one by one, numeric ones
numerically and before alphanumeric ones; a longer identifier list wins when all shared ones
are equal; build metadata (``+...``) is ignored. Versions with a fourth part (NuGet ``1.2.3.4``)
and missing parts (``1.2``) are accepted. Anything else sorts below every valid version, by text.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools
import re

_SEMVER = re.compile(r'^[vV]?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?'
                     r'(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$')


def parse(version):
    """-> (core tuple of 4 ints, prerelease identifiers list or None), or None when invalid."""
    m = _SEMVER.match(str(version).strip())
    if not m:
        return None
    core = tuple(int(x or 0) for x in m.group(1, 2, 3, 4))
    pre = m.group(5).split('.') if m.group(5) else None
    return core, pre


def is_prerelease(version):
    p = parse(version)
    return p is not None and p[1] is not None


def _cmp(a, b):
    return (a > b) - (a < b)


def _cmp_ident(a, b):
    an, bn = a.isdigit(), b.isdigit()
    if an and bn:
        return _cmp(int(a), int(b))
    if an != bn:
        return -1 if an else 1
    return _cmp(a, b)


def compare(a, b):
    """-1, 0 or 1 as version ``a`` sorts below, equal to or above ``b``."""
    pa, pb = parse(a), parse(b)
    if pa is None or pb is None:
        if pa is None and pb is None:
            return _cmp(str(a), str(b))
        return -1 if pa is None else 1
    c = _cmp(pa[0], pb[0])
    if c:
        return c
    if pa[1] is None or pb[1] is None:
        if pa[1] is None and pb[1] is None:
            return 0
        return 1 if pa[1] is None else -1
    for x, y in zip(pa[1], pb[1]):
        c = _cmp_ident(x, y)
        if c:
            return c
    return _cmp(len(pa[1]), len(pb[1]))


sort_key = functools.cmp_to_key(compare)


def newest_first(versions):
    """The versions sorted newest first (a new list; duplicates kept)."""
    return sorted(versions, key=sort_key, reverse=True)


def latest(versions, stable_only=False):
    candidates = [v for v in versions if not (stable_only and is_prerelease(v))]
    return newest_first(candidates)[0] if candidates else None
