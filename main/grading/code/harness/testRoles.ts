/**
 * Python: the test process of `function` (HumanEval `check(candidate)`) and `assert` tests. It
 * never runs the candidate's code: every function the solution defines is a proxy that sends its
 * arguments as plain values to the solution's process (fd 6) and reads a plain value back (fd 5).
 * So the test's `==`, `assert`, builtins and exception handling are all this process's own, and
 * its pass is reported only after the test code has run to its end.
 */
export const TEST_ROLES_SOURCE = String.raw`
import builtins as _builtins, json

class SolutionFailure(BaseException):
    """A call the solution could not answer with a plain value. Not an Exception: a test's
    "except Exception" must not turn it into a pass."""

def _connect():
    replies = os.fdopen(5, 'rb')
    def exchange(message):
        if message is not None:
            write_frame(6, message)
        line = replies.readline()
        if not line:
            raise SolutionFailure("the solution's process ended")
        try:
            return json.loads(line)
        except ValueError:
            raise SolutionFailure("the solution's process sent something that is not a reply")
    return exchange

def _proxy(exchange, name):
    def call(*args, **kwargs):
        try:
            request = {'call': name, 'args': encode_plain(list(args)), 'kwargs': encode_plain(dict(kwargs))}
        except PlainValueError as e:
            raise SolutionFailure('the test passed %s to %s; only plain values reach the solution' % (e, name))
        reply = exchange(request)
        if 'value' in reply:
            try:
                return decode_plain(reply['value'])
            except (PlainValueError, ValueError, TypeError) as e:
                raise SolutionFailure('%s answered with %s' % (name, e))
        if 'raised' in reply:
            kind, text = str(reply['raised'][0]), str(reply['raised'][1])
            known = getattr(_builtins, kind, None)
            if isinstance(known, type) and issubclass(known, Exception):
                raise known(text)
            raise RuntimeError('%s: %s' % (kind, text))
        raise SolutionFailure(str(reply.get('refused', 'an unexpected reply from the solution')))
    call.__name__ = call.__qualname__ = name
    return call

def _solution_names(hello, exchange):
    """The test namespace's view of the solution: proxies for its functions, the same imports made
    here, its plain constants by value. Names of builtins are left alone: a solution that defines
    abs() or len() does not replace the test's."""
    names, proxies = {}, {}
    for name in hello.get('functions', []):
        name = str(name)
        proxies[name] = _proxy(exchange, name)
    for name, (module, qualname) in dict(hello.get('imports', {})).items():
        try:
            value = __import__('importlib').import_module(str(module))
            for part in (str(qualname).split('.') if qualname else []):
                value = getattr(value, part)
            names[str(name)] = value
        except Exception:
            pass
    for name, encoded in dict(hello.get('values', {})).items():
        try:
            names[str(name)] = decode_plain(encoded)
        except (PlainValueError, ValueError, TypeError):
            pass
    names.update(proxies)
    usable = {n: v for n, v in names.items() if n.isidentifier() and not n.startswith('__') and not hasattr(_builtins, n)}
    return usable, proxies

def _run(cfg, report):
    exchange = _connect()
    phase = 'solution'
    try:
        hello = exchange(None)
        if 'failed' in hello:
            status, message = hello['failed']
            report(type='result', status=str(status), message=str(message))
            return
        namespace = {'__name__': 'tests', '__builtins__': _builtins}
        usable, proxies = _solution_names(hello, exchange)
        namespace.update(usable)
        phase = 'test'
        exec(compile(cfg['test'], 'test.py', 'exec'), namespace)
        if cfg['mode'] == 'function':
            entry = cfg['entryPoint']
            if entry not in proxies:
                raise NameError('the solution defines no %s' % entry)
            namespace['check'](proxies[entry])
        status, message = 'pass', ''
    except SolutionFailure as e:
        status, message = 'fail', str(e)
    except NameError as e:
        others = hello.get('others', []) if isinstance(hello, dict) else []
        name = getattr(e, 'name', None)
        note = ' (%s is not a function or a plain value of the solution; tests reach only those, through another process)' % name if name in others else ''
        status, message = 'crash', '%s raised %s%s' % (phase, _describe(e), note)
    except BaseException as e:
        status, message = _verdict_of(e, phase)
    _flush()
    report(type='result', status=status, message=message)
`;
