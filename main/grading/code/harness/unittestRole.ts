/**
 * Python: `unittest` tests (BigCodeBench). They inspect rich objects (DataFrames, plots) that
 * cannot cross a process boundary, so they run in the solution's process, hardened:
 *  - the test code runs first, with its own copy of the builtins; the solution's functions are
 *    added to its namespace afterwards, wrapped so that a result holding an instance of a class
 *    created by the solution (one that did not exist when the tests were loaded) fails the test;
 *  - the tests run in this harness's own loop (no unittest result object the solution could
 *    patch); a skip raised while a test runs is a failure;
 *  - an audit hook keeps frames, the garbage collector's object lists, tracing and new code
 *    objects from the solution; signal handlers receive no frame;
 *  - the builtins, unittest and every module the tests imported are compared with a snapshot
 *    after each test: a replaced attribute fails the run.
 * What this does not stop is written in docs/grading.md ("What is defended").
 */
export const UNITTEST_ROLE_SOURCE = String.raw`
import builtins as _builtins, gc as _gc, sysconfig as _sysconfig, threading as _threading

class UntrustedValue(BaseException):
    """Not an Exception, so that a test's "except Exception" cannot turn it into a pass."""

def _library_dirs():
    dirs = {_sysconfig.get_paths()[key] for key in ('stdlib', 'platstdlib', 'purelib', 'platlib')}
    dirs.update(p for p in sys.path if p.startswith(sys.base_prefix) or p.startswith(sys.prefix))
    # Frozen modules (importlib itself) are library code too; no file can be compiled under that name.
    return tuple(sorted(d.rstrip('/') + '/' for d in dirs if d)) + ('<frozen ',)

def _install_guard(library):
    local = _threading.local()
    getframe = sys._getframe
    def is_library(frame):
        return frame is not None and frame.f_code.co_filename.startswith(library)
    def from_library():
        # Frame 0 is this function, 1 the hook, 2 the code that raised the event.
        frame = getframe(2)
        return is_library(frame) and is_library(frame.f_back)
    def hook(event, args):
        if getattr(local, 'inside', False):
            return
        local.inside = True
        try:
            if event == 'sys._getframe' and not from_library():
                raise ValueError('frames are not available to the solution')
            if event == 'object.__getattr__' and args[1] in ('tb_frame', 'gi_frame', 'cr_frame', 'ag_frame', '__code__') and not from_library():
                raise AttributeError('%s is not available to the solution' % args[1])
            if event in ('sys._current_frames', 'sys.settrace', 'sys.setprofile', 'gc.get_objects', 'gc.get_referrers', 'gc.get_referents', 'code.__new__'):
                raise RuntimeError('%s is not available to the solution' % event)
            if event == 'compile' and isinstance(args[1], str) and args[1].startswith(library):
                if args[1].startswith('<'):
                    raise RuntimeError('compiling code under the name of a frozen module is not allowed')
                with open(args[1], 'rb') as f:
                    on_disk = f.read()
                source = args[0].encode() if isinstance(args[0], str) else args[0]
                if source != on_disk:
                    raise RuntimeError('compiling code under the name of a library file is not allowed')
            if event == 'open' and isinstance(args[0], str) and args[0].startswith('/proc/') and args[0].rstrip('/').endswith(('/mem', '/environ')):
                raise PermissionError('%s is not available to the solution' % args[0])
        finally:
            local.inside = False
    sys.addaudithook(hook)
    import signal as _signal_module, _signal
    set_handler = _signal.signal
    def signal(signum, handler):
        if callable(handler):
            inner = handler
            handler = lambda number, frame: inner(number, None)
        return set_handler(signum, handler)
    _signal.signal = _signal_module.signal = signal

def _snapshot(owners):
    return [(owner, dict(vars(owner))) for owner in owners]

def _changed(snapshot):
    for owner, before in snapshot:
        now = vars(owner)
        for key, value in before.items():
            if key not in now or now[key] is not value:
                return '%s.%s' % (owner.__name__, key)
        if isinstance(owner, type) and len(now) != len(before):
            return '%s (a new attribute)' % owner.__name__
    return None

def _alien(value, known, depth=0, budget=[0]):
    t = type(value)
    if t.__flags__ & (1 << 9) and id(t) not in known:  # Py_TPFLAGS_HEAPTYPE: a class made at run time
        return _type_name(t)
    if depth >= 4:
        return None
    if t in (list, tuple, set, frozenset):
        items = value
    elif t is dict:
        items = [item for pair in value.items() for item in pair]
    else:
        return None
    for item in items:
        budget[0] += 1
        if budget[0] > 100000:
            return None
        found = _alien(item, known, depth + 1, budget)
        if found:
            return found
    return None

def _guarded(name, function, known, snapshot):
    def call(*args, **kwargs):
        result = function(*args, **kwargs)
        # Checked before the test's next assertion: a patch that undoes itself later is still seen.
        changed = _changed(snapshot)
        if changed:
            raise UntrustedValue('the solution replaced %s, which the tests use' % changed)
        found = _alien(result, known, 0, [0])
        if found:
            raise UntrustedValue('%s returned an instance of %s, a class the solution made: comparing it would run the solution\'s code' % (name, found))
        return result
    call.__name__ = call.__qualname__ = name
    call.__wrapped_solution__ = True
    return call

def _test_cases(namespace, base, loader):
    """[(class, [(name, function)])], the test methods taken before the solution runs."""
    return [
        (value, [(name, getattr(value, name)) for name in loader.getTestCaseNames(value)])
        for value in list(namespace.values())
        if isinstance(value, type) and issubclass(value, base) and value is not base
    ]

def _run_case(case_class, methods, skip_type, failure):
    """[(name, status, message)] for one TestCase class, run by this loop."""
    outcomes = []
    if getattr(case_class, '__unittest_skip__', False):
        return [(n, 'skipped', 'skipped by the tests') for n, _ in methods]
    try:
        case_class.setUpClass()
    except BaseException as e:
        return [(n, 'error', 'setUpClass raised %s' % _describe(e)) for n, _ in methods]
    for name, method in methods:
        if getattr(method, '__unittest_skip__', False):
            outcomes.append((name, 'skipped', 'skipped by the tests'))
            continue
        expecting_failure = getattr(method, '__unittest_expecting_failure__', False)
        status, message = 'pass', ''
        try:
            case = case_class(name)
            case.setUp()
            try:
                method(case)
            finally:
                case.tearDown()
                case.doCleanups()
            if expecting_failure:
                status, message = 'fail', 'expected to fail, passed'
        except skip_type as e:
            status, message = 'fail', 'skipped while running (%s): a skip is not a pass' % e
        except failure as e:
            status, message = ('pass', '') if expecting_failure else ('fail', _describe(e))
        except BaseException as e:
            status, message = 'error', _describe(e)
        outcomes.append((name, status, message))
    try:
        case_class.tearDownClass()
    except BaseException as e:
        outcomes.append(('tearDownClass', 'error', _describe(e)))
    return outcomes

def _run(cfg, report):
    import unittest
    base, skip_type = unittest.TestCase, unittest.SkipTest
    phase = 'test'
    try:
        tests = {'__name__': 'tests', '__builtins__': dict(vars(_builtins))}
        exec(compile(cfg['test'], 'test.py', 'exec'), tests)
        cases = _test_cases(tests, base, unittest.TestLoader())
        case_module = sys.modules['unittest.case']
        watched = [_builtins, unittest, case_module] + [v for v in tests.values() if type(v) is type(unittest)]
        watched += [v for v in vars(case_module).values() if isinstance(v, type) and v.__module__ == 'unittest.case']
        watched += [case_class for case_class, _ in cases]
        snapshot = _snapshot(watched)
        known = {id(o) for o in _gc.get_objects() if isinstance(o, type)}
        known.update(id(t) for t in (base, skip_type, UntrustedValue))
        _install_guard(_library_dirs())
        phase = 'solution'
        solution = {'__name__': 'solution', '__builtins__': _builtins, '__file__': os.path.join(cfg['work'], 'solution.py')}
        exec(compile(cfg['solution'], 'solution.py', 'exec'), solution)
        phase = 'test'
        for name, value in solution.items():
            # A solution's abs() or len() must not replace the tests' own.
            if name.startswith('__') or name in tests or hasattr(_builtins, name):
                continue
            plain_function = callable(value) and not isinstance(value, type) and type(value) is not type(unittest)
            tests[name] = _guarded(name, value, known, snapshot) if plain_function else value
        outcomes = []
        for case_class, methods in cases:
            changed = _changed(snapshot)
            if changed:
                break
            for outcome in _run_case(case_class, methods, skip_type, base.failureException):
                outcomes.append(outcome)
                changed = changed or _changed(snapshot)
        _flush()
        if changed:
            status, message = 'fail', 'the solution replaced %s, which the tests use' % changed
        else:
            run = [o for o in outcomes if o[1] != 'skipped']
            bad = [o for o in run if o[1] != 'pass']
            if not run:
                status, message = 'fail', 'no unittest test methods ran'
            elif not bad:
                status, message = 'pass', '%d unittest tests passed' % len(run)
            else:
                status = 'fail'
                message = '%d of %d unittest tests failed (%s): %s' % (len(bad), len(run), ', '.join(o[0] for o in bad[:5]), bad[0][2][:300])
    except BaseException as e:
        _flush()
        status, message = _verdict_of(e, phase)
    report(type='result', status=status, message=message)
`;
