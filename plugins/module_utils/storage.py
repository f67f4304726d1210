# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where a feed keeps its packages: ``/api/storage`` (proget-api.md section 2.6; docs
feeds/storage-*.md; pgutil FeedStorageConfiguration.cs, FeedStorageType.cs).

A feed's storage is ``{"id": "disk"|"s3"|"azure", "properties": {"<PascalCase name>": value}}``;
a POST replaces the whole configuration. Secret properties (an S3 secret access key, an Azure
connection string) are write-only: the docs do not say that ProGet returns them, so they are never
compared, shown or exported; they are sent whenever the storage is written (a new feed, another
type, a changed property) and on every run with ``update_secrets: always``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.cac.proget.plugins.module_utils.fields import (
    CHANGED_MARK, SENT_MARK, WRITE_ONLY_MARK, Field, ValidationError)

SECRET_PROPERTIES = ('SecretAccessKey', 'ConnectionString')

FIELD = Field('storage', type='dict', suboptions=dict(
    type=Field('id', required_on_create=True),
    properties=Field(type='dict'),
    update_secrets=Field(choices=('on_create', 'always'), no_log=False),
))


def is_secret(name):
    return str(name).lower() in [s.lower() for s in SECRET_PROPERTIES]


def _get(props, name):
    for key, value in (props or {}).items():
        if str(key).lower() == str(name).lower():
            return value
    return None


def _same(a, b):
    if a is None or b is None or isinstance(a, bool) or isinstance(b, bool):
        return a == b or (a in (None, '') and b in (None, ''))
    return str(a) == str(b)


def read(client, feed):
    """The feed's storage as ProGet shows it, secret properties left out."""
    return shown(client.get_json('api/storage', params={'feed': feed}))


def write(client, feed, config):
    client.post_json('api/storage', config, params={'feed': feed})
    return shown(config)


def shown(config):
    """A configuration without its secret properties (what may be shown, compared or exported)."""
    if not isinstance(config, dict):
        return config
    props = dict((k, v) for k, v in (config.get('properties') or {}).items() if not is_secret(k) and v is not None)
    return dict(id=str(config.get('id') or '').lower(), properties=props)


def masked(config):
    """A configuration being sent, as reported: secret values replaced by SENT_MARK."""
    props = dict((k, SENT_MARK if is_secret(k) and v not in (None, '') else v)
                 for k, v in (config.get('properties') or {}).items())
    return dict(config, properties=props)


_XML_SECRET = re.compile(r'\b(%s)="[^"]*"' % '|'.join(SECRET_PROPERTIES), re.IGNORECASE)


def scrub_xml(text):
    """A feed's ``packageStore`` (persisted XML) with the secret attributes masked."""
    return _XML_SECRET.sub(lambda m: '%s="%s"' % (m.group(1), SENT_MARK), text) if isinstance(text, str) else text


def secrets_of(option):
    return [v for k, v in ((option or {}).get('properties') or {}).items() if is_secret(k) and v not in (None, '')]


def change(option, current, force_secrets):
    """The configuration to POST so that the feed's storage is ``option`` (or None: nothing to
    write). Declared properties are compared with what ProGet shows; undeclared ones keep their
    current value when the type stays (a POST replaces the whole configuration)."""
    want = str(option.get('type') or '').lower()
    props = dict(option.get('properties') or {})
    have = current or {}
    have_props = have.get('properties') or {}
    differs = current is None or want != str(have.get('id') or '').lower() or any(
        not _same(v, _get(have_props, k)) for k, v in props.items() if not is_secret(k))
    if not differs and not (force_secrets and secrets_of(option)):
        return None
    out = {}
    if current is not None and want == str(have.get('id') or '').lower():
        out = dict((k, v) for k, v in have_props.items() if v is not None and not is_secret(k) and _get(props, k) is None)
    out.update(props)
    return dict(id=want, properties=out)


def check(client, feed, config):
    """Refuse (before any write) a type or property the server does not list, or a missing required one."""
    types = dict((str(t.get('id')).lower(), t) for t in client.get_json('api/storage') or [])
    kind = types.get(config['id'])
    if kind is None:
        raise ValidationError("feed '%s': storage.type %r is not a storage type of this ProGet; it has: %s"
                              % (feed, config['id'], ', '.join(sorted(types))))
    known = kind.get('properties') or {}
    unknown = [k for k in config['properties'] if _get(known, k) is None and not any(
        str(k).lower() == str(n).lower() for n in known)]
    if unknown:
        raise ValidationError("feed '%s': storage.properties %s %s not properties of %s storage; it has: %s" % (
            feed, ', '.join(unknown), 'is' if len(unknown) == 1 else 'are', config['id'], ', '.join(sorted(known))))
    missing = [n for n, p in known.items() if isinstance(p, dict) and p.get('required')
               and _get(config['properties'], n) in (None, '')]
    if missing:
        raise ValidationError("feed '%s': %s storage needs storage.properties %s" % (feed, config['id'], ', '.join(missing)))
    for name, value in config['properties'].items():
        prop = next((p for n, p in known.items() if str(n).lower() == str(name).lower()), {}) or {}
        if prop.get('type') == 'boolean' and value is not None and not isinstance(value, bool):
            raise ValidationError("feed '%s': storage.properties.%s must be true or false" % (feed, name))


def diff_view(config, option, written):
    """The storage as a diff side: secrets declared in ``option`` shown as marks."""
    if config is None:
        return None
    out = dict(type=config.get('id'), properties=dict(config.get('properties') or {}))
    for name in ((option or {}).get('properties') or {}):
        if is_secret(name):
            out['properties'][name] = CHANGED_MARK if written else WRITE_ONLY_MARK
    return out
