/**
 * Python: the plain-value encoding that carries values between the solution's process, the test
 * process and the grader. Only exact built-in types cross (None, bool, int, float, str, bytes,
 * list, tuple, dict, set, frozenset, complex; numpy scalars become their Python value); anything
 * else raises PlainValueError, so an object of the solution's own class can never reach a
 * comparison. JSON objects are always tags ({"$tuple": …}, {"$dict": [[k, v], …]}), so a decoded
 * value cannot be mistaken for another.
 */
export const PLAIN_VALUES_SOURCE = String.raw`
import base64 as _base64, json as _json, math as _math

class PlainValueError(Exception):
    pass

def _type_name(t):
    module = getattr(t, '__module__', '?')
    return t.__qualname__ if module == 'builtins' else '%s.%s' % (module, t.__qualname__)

def encode_plain(value, depth=0):
    t = type(value)
    if value is None or t is bool or t is str:
        return value
    if t is int:
        return value if -2**53 <= value <= 2**53 else {'$int': str(value)}
    if t is float:
        return value if _math.isfinite(value) else {'$float': repr(value)}
    if depth > 64:
        raise PlainValueError('a value nested more than 64 levels deep')
    if t is list:
        return [encode_plain(item, depth + 1) for item in value]
    if t is tuple:
        return {'$tuple': [encode_plain(item, depth + 1) for item in value]}
    if t is dict:
        return {'$dict': [[encode_plain(k, depth + 1), encode_plain(v, depth + 1)] for k, v in value.items()]}
    if t is set or t is frozenset:
        return {'$' + t.__name__: [encode_plain(item, depth + 1) for item in value]}
    if t is bytes:
        return {'$bytes': _base64.b64encode(value).decode()}
    if t is complex:
        return {'$complex': [encode_plain(value.real), encode_plain(value.imag)]}
    if getattr(t, '__module__', '') == 'numpy' and hasattr(value, 'item') and getattr(value, 'shape', None) == ():
        return encode_plain(value.item(), depth)
    raise PlainValueError('a value of type %s, not a plain value (None, bool, int, float, str, bytes, list, tuple, dict, set)' % _type_name(t))

_TAGS = {
    '$int': int,
    '$float': float,
    '$tuple': lambda items: tuple(decode_plain(i) for i in items),
    '$dict': lambda pairs: {decode_plain(k): decode_plain(v) for k, v in pairs},
    '$set': lambda items: set(decode_plain(i) for i in items),
    '$frozenset': lambda items: frozenset(decode_plain(i) for i in items),
    '$bytes': lambda text: _base64.b64decode(text.encode(), validate=True),
    '$complex': lambda parts: complex(decode_plain(parts[0]), decode_plain(parts[1])),
}

def decode_plain(data):
    t = type(data)
    if data is None or t in (bool, int, float, str):
        return data
    if t is list:
        return [decode_plain(item) for item in data]
    if t is dict and len(data) == 1:
        (tag, inner), = data.items()
        if tag in _TAGS:
            return _TAGS[tag](inner)
    raise PlainValueError('not a plain-value encoding: %s' % _json.dumps(data)[:100])
`;
