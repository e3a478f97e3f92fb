/**
 * Python: the plain-value encoding that carries values between the solution's process, the test
 * process and the grader. Only exact built-in types cross (None, bool, int, float, str, bytes,
 * list, tuple, dict, set, frozenset, complex; numpy scalars become their Python value); anything
 * else raises PlainValueError, so an object of the solution's own class can never reach a
 * comparison. JSON objects are always tags ({"$tuple": …}, {"$dict": [[k, v], …]}), so a decoded
 * value cannot be mistaken for another.
 */
export const PLAIN_VALUES_SOURCE = String.raw`
import marshal as _marshal, math as _math

_JSON_ESCAPES = {'"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t'}

def _json_string(text):
    if text.isascii() and text.isprintable() and '"' not in text and '\\' not in text:
        return '"' + text + '"'
    out = []
    for ch in text:
        code = ord(ch)
        if ch in _JSON_ESCAPES:
            out.append(_JSON_ESCAPES[ch])
        elif code < 0x20 or code == 0x7f or 0xd800 <= code <= 0xdfff:
            out.append('\\u%04x' % code)
        else:
            out.append(ch)
    return '"' + ''.join(out) + '"'

def dumps_json(value):
    """JSON text of None/bool/int/float/str/list/tuple/dict values, without importing json (and re)."""
    t = type(value)
    if value is None:
        return 'null'
    if t is bool:
        return 'true' if value else 'false'
    if t is int:
        return str(value)
    if t is float:
        return repr(value) if _math.isfinite(value) else 'null'
    if t is str:
        return _json_string(value)
    if t is list or t is tuple:
        return '[' + ','.join(dumps_json(item) for item in value) + ']'
    if t is dict:
        return '{' + ','.join(_json_string(str(k)) + ':' + dumps_json(v) for k, v in value.items()) + '}'
    return _json_string(repr(value))

def write_all(fd, data):
    while data:
        data = data[os.write(fd, data):]

def read_exact(fd, size):
    chunks = []
    while size > 0:
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b''.join(chunks)

def write_frame(fd, value):
    """A marshal frame, for data that goes only to a process trusting its sender."""
    data = _marshal.dumps(value)
    write_all(fd, len(data).to_bytes(4, 'little') + data)

def read_frame(fd):
    size = read_exact(fd, 4)
    if size is None:
        return None
    data = read_exact(fd, int.from_bytes(size, 'little'))
    return None if data is None else _marshal.loads(data)

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
        import base64
        return {'$bytes': base64.b64encode(value).decode()}
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
    '$bytes': lambda text: __import__('base64').b64decode(text.encode(), validate=True),
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
    raise PlainValueError('not a plain-value encoding: %s' % dumps_json(data)[:100])
`;
