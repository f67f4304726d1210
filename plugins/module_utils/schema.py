# -*- coding: utf-8 -*-
# Copyright (c) cac.proget contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""JSON Schema of the state document, generated from the same Fields the modules use.

``document_schema()`` is the schema; ``validate_document()`` checks a document against it and
returns every problem with its path (``feeds[3].retention_rules[0].keep_versions_count``).
The file ``schemas/proget_state.schema.json`` (for editors) is written from it by
``make schema`` and a unit test keeps the two equal.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import traceback

try:
    import jsonschema
    HAS_JSONSCHEMA = True
    JSONSCHEMA_IMPORT_ERROR = None
except ImportError:  # pragma: no cover - reported by the module
    jsonschema = None
    HAS_JSONSCHEMA = False
    JSONSCHEMA_IMPORT_ERROR = traceback.format_exc()

from ansible_collections.cac.proget.plugins.module_utils.masking import looks_secret

SCHEMA_ID = 'https://cac.proget/schemas/proget_state.schema.json'
_JSON_TYPES = {'str': 'string', 'int': 'integer', 'bool': 'boolean', 'float': 'number',
               'path': 'string', 'raw': None, 'list': 'array', 'dict': 'object'}


def option_schema(spec, description=None):
    """JSON schema of one option given its Ansible argument spec entry."""
    kind = spec.get('type', 'str')
    out = {}
    json_type = _JSON_TYPES.get(kind)
    if json_type:
        out['type'] = json_type
    if kind == 'list':
        elements = spec.get('elements')
        if spec.get('options'):
            out['items'] = options_schema(spec['options'])
        elif elements:
            out['items'] = option_schema({'type': elements})
    elif kind == 'dict':
        if spec.get('options'):
            out.update(options_schema(spec['options']))
        else:
            out['additionalProperties'] = {'type': ['string', 'number', 'boolean']}
    if spec.get('choices'):
        out['enum'] = list(spec['choices'])
    if 'default' in spec and spec['default'] is not None:
        out['default'] = spec['default']
    if description:
        out['description'] = description
    return out


def options_schema(options, required=()):
    """An object schema whose properties are Ansible options (unknown keys are errors)."""
    properties = dict((name, option_schema(spec)) for name, spec in sorted(options.items()))
    out = {'type': 'object', 'properties': properties, 'additionalProperties': False}
    required = sorted(set(required) | set(n for n, s in options.items() if s.get('required')))
    if required:
        out['required'] = required
    return out


def kind_schema(resource):
    spec = resource.argument_spec()
    return {'type': 'array', 'items': options_schema(spec),
            'description': 'Declared %s: the options of the single-object module, one dict each.'
                           % resource.plural.replace('_', ' ')}


def document_schema(kinds, extra=None):
    """The schema of the whole document: one array per kind plus ``extra`` top-level options."""
    properties = dict((plural, kind_schema(resource)) for plural, resource in kinds.items())
    properties.update(extra or {})
    return {
        '$schema': 'https://json-schema.org/draft/2020-12/schema',
        '$id': SCHEMA_ID,
        'title': 'cac.proget state document',
        'description': 'The desired state of one ProGet server, applied by cac.proget.proget_state.',
        'type': 'object',
        'properties': dict(sorted(properties.items())),
        'additionalProperties': False,
    }


def _path(parts):
    out = ''
    for part in parts:
        out += '[%d]' % part if isinstance(part, int) else ('.' if out else '') + str(part)
    return out or '(document)'


def validate_document(schema, document):
    """Every schema violation as ``'<path>: <message>'``, sorted by path; [] when valid."""
    validator = jsonschema.Draft202012Validator(schema)
    problems = []
    for error in validator.iter_errors(document):
        path = list(error.absolute_path)
        if error.validator == 'additionalProperties':
            extra = sorted(set(error.instance) - set(error.schema.get('properties', {})))
            for key in extra:
                problems.append((path + [key], 'unknown option (not one of: %s)'
                                 % ', '.join(sorted(error.schema.get('properties', {})))))
            continue
        if error.validator == 'required':
            missing = error.message.split("'")[1] if "'" in error.message else error.message
            problems.append((path + [missing], 'is required'))
            continue
        message = error.message
        if any(looks_secret(p) for p in path if isinstance(p, str)):
            # never echo a value that may be a secret (the schema's messages start with the value)
            rule = json.dumps(error.validator_value, sort_keys=True, default=str)
            message = 'the value does not match the schema (%s: %s); the value is not shown' % (
                error.validator, rule if len(rule) <= 100 else rule[:100] + '...')
        if len(message) > 300:
            message = message[:300] + '...'
        problems.append((path, message))
    problems.sort(key=lambda p: [str(x) for x in p[0]])
    return ['%s: %s' % (_path(p), m) for p, m in problems]
