/**
 * Python: the roles in which the candidate's program runs, each its only code in the process.
 * - `stdio`: the program runs as __main__; the grader compares its standard output itself.
 * - `call`: the entry point is called with the test's arguments and the result goes to the grader
 *   as a plain value (compared there, never here).
 * - `solution`: the program's definitions serve calls from the test process (fd 5 in, fd 6 out):
 *   plain values in (marshal frames), plain values out (one JSON line each).
 */
export const PROGRAM_ROLES_SOURCE = String.raw`
def _exec_solution(cfg, name):
    namespace = {'__name__': name, '__builtins__': __builtins__, '__file__': os.path.join(cfg['work'], 'solution.py')}
    exec(compile(cfg['solution'], 'solution.py', 'exec'), namespace)
    return namespace

def _entry(namespace, entry_point):
    head, _, method = entry_point.partition('.')
    if head not in namespace:
        raise NameError('the solution defines no %s' % head)
    target = namespace[head]
    # LiveCodeBench's LeetCode-style problems name "Solution.method": a fresh instance per call.
    return getattr(target(), method) if method else target

def _public_names(namespace):
    """What the test process may use of the solution: its own functions (called by proxy), what it
    imported (the test process imports the same itself) and its plain constants (by value)."""
    functions, imports, values, others = [], {}, {}, []
    module_type = type(sys)
    for name, value in namespace.items():
        if name.startswith('__'):
            continue
        if isinstance(value, module_type):
            imports[name] = [value.__name__, None]
            continue
        origin = getattr(value, '__module__', None)
        qualname = getattr(value, '__qualname__', None)
        if isinstance(origin, str) and origin not in ('solution', '__main__') and isinstance(qualname, str) and getattr(sys.modules.get(origin), qualname, None) is value:
            imports[name] = [origin, qualname]
        elif callable(value) and not isinstance(value, type):
            functions.append(name)
        else:
            try:
                values[name] = encode_plain(value)
            except PlainValueError:
                others.append(name)
    return functions, imports, values, others

def _run_stdio(cfg, report):
    try:
        _exec_solution(cfg, '__main__')
        status, message = 'done', ''
    except BaseException as e:
        status, message = _verdict_of(e, 'solution', stdio=True)
    _flush()
    report(type='result', status=status, message=message)

def _run_call(cfg, report):
    phase = 'solution'
    try:
        namespace = _exec_solution(cfg, 'solution')
        phase = 'call'
        result = _entry(namespace, cfg['entryPoint'])(*cfg['args'])
        try:
            encoded = encode_plain(result)
        except PlainValueError as e:
            _flush()
            report(type='result', status='fail', message='%s returned %s' % (cfg['entryPoint'], e))
            return
        status, message = 'value', ''
    except BaseException as e:
        status, message = _verdict_of(e, phase)
        encoded = None
    _flush()
    report(type='result', status=status, message=message, value=encoded)

def _serve_calls(namespace):
    def send(**fields):
        write_all(6, (dumps_json(fields) + '\n').encode())
    functions, imports, values, others = _public_names(namespace)
    send(ready=True, functions=functions, imports=imports, values=values, others=others)
    while True:
        request = read_frame(5)
        if request is None:
            return
        try:
            args = decode_plain(request['args'])
            kwargs = decode_plain(request['kwargs'])
            result = namespace[request['call']](*args, **kwargs)
        except BaseException as e:
            if isinstance(e, (SystemExit, KeyboardInterrupt)):
                raise
            send(raised=[type(e).__name__, str(e)[:300]])
            continue
        _flush()
        try:
            send(value=encode_plain(result))
        except PlainValueError as e:
            send(refused='%s returned %s' % (request['call'], e))

def _run_solution(cfg, report):
    try:
        namespace = _exec_solution(cfg, 'solution')
    except BaseException as e:
        status, message = _verdict_of(e, 'solution')
        write_all(6, (dumps_json({'failed': [status, message]}) + '\n').encode())
        return
    _serve_calls(namespace)

def _run(cfg, report):
    {'stdio': _run_stdio, 'call': _run_call, 'solution': _run_solution}[cfg['mode']](cfg, report)
`;
