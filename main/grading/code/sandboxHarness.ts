/**
 * The Python program that runs one test inside the sandbox (`python3 -I -c HARNESS config.json`).
 * It starts as root of the new namespaces (or as the user, where there are none) and:
 *  1. reads its configuration and deletes the file (the candidate's code must not read the nonce);
 *  2. hides /tmp, /var/tmp and /dev/shm behind private tmpfs mounts and binds the work directory
 *     back in at the same path, so that "/tmp/anything" written by the candidate vanishes;
 *  3. forks: the child sets the resource limits, drops to the sandbox user id (when started as
 *     root) with no_new_privs, and runs the candidate; the parent waits, reaping orphans (it is
 *     the namespace's init) and reports how the child ended. When it exits, the kernel kills
 *     every process left in the PID namespace.
 * Reports go to fd 3 as JSON lines carrying the nonce; a line without it is the candidate's forgery.
 * (Code that walks the interpreter's stack frames can still find it: the sandbox contains damage,
 * it does not prove that a pass was honest.)
 */
export const HARNESS_SOURCE = String.raw`
import ctypes, json, os, resource, signal, sys

cfg_path = sys.argv[1]
with open(cfg_path) as f:
    cfg = json.load(f)
os.unlink(cfg_path)
work = cfg['work']

def reporter(nonce):
    def report(**fields):
        fields['nonce'] = nonce
        try:
            os.write(3, (json.dumps(fields) + '\n').encode())
        except OSError:
            pass
    return report

report = reporter(cfg.pop('nonce'))

notes = []
private_tmp = False
if cfg.get('privateTmp'):
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        MS_NOSUID, MS_NODEV, MS_BIND, MS_REC, MS_PRIVATE = 2, 4, 4096, 16384, 1 << 18
        if libc.mount(None, b'/', None, MS_REC | MS_PRIVATE, None) != 0:
            raise OSError(ctypes.get_errno(), 'mount --make-rprivate /')
        keep = os.open(work, os.O_RDONLY | os.O_DIRECTORY)
        for d in cfg['hide']:
            if os.path.isdir(d) and libc.mount(b'tmpfs', d.encode(), b'tmpfs', MS_NOSUID | MS_NODEV, b'size=64m,mode=1777') != 0:
                raise OSError(ctypes.get_errno(), 'mount tmpfs on ' + d)
        os.makedirs(work, exist_ok=True)
        if libc.mount(('/proc/self/fd/%d' % keep).encode(), work.encode(), None, MS_BIND, None) != 0:
            raise OSError(ctypes.get_errno(), 'bind ' + work)
        os.close(keep)
        private_tmp = True
    except OSError as e:
        notes.append('private /tmp not set up: %s' % e)
report(type='setup', privateTmp=private_tmp, notes=notes)

def run_child(cfg, report):
    try:
        def limit(name, value):
            if value is not None:
                resource.setrlimit(getattr(resource, name), (value, value))
        limit('RLIMIT_CORE', 0)
        limit('RLIMIT_NOFILE', 256)
        limit('RLIMIT_AS', cfg['memoryBytes'])
        limit('RLIMIT_FSIZE', cfg['fileBytes'])
        limit('RLIMIT_CPU', cfg['cpuSeconds'])
        limit('RLIMIT_NPROC', cfg['maxProcesses'])
        uid = cfg.get('uid')
        if uid is not None:
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
        try:
            ctypes.CDLL(None).prctl(38, 1, 0, 0, 0)  # PR_SET_NO_NEW_PRIVS: setuid programs gain nothing
        except Exception:
            pass
        os.umask(0o077)
        os.chdir(work)
        sys.path.insert(0, work)
    except BaseException as e:
        report(type='result', status='sandbox', message='sandbox setup failed: %s: %s' % (type(e).__name__, e))
        os._exit(70)

    # The candidate runs in this function's frame: nothing it can reach by name holds the nonce.
    for name in ('cfg', 'report', 'reporter', 'f'):
        globals().pop(name, None)
    mode = cfg['mode']
    namespace = {'__name__': '__main__' if mode == 'stdio' else 'solution', '__builtins__': __builtins__, '__file__': os.path.join(work, 'solution.py')}
    phase = 'solution'

    def describe(e):
        text = str(e)
        return type(e).__name__ + (': ' + text[:300] if text else '')

    try:
        exec(compile(cfg['solution'], 'solution.py', 'exec'), namespace)
        if mode == 'stdio':
            status, message = 'done', ''
        else:
            phase = 'test'
            if mode == 'function':
                exec(compile(cfg['test'], 'test.py', 'exec'), namespace)
                if cfg['entryPoint'] not in namespace:
                    raise NameError('the solution defines no %s' % cfg['entryPoint'])
                namespace['check'](namespace[cfg['entryPoint']])
                status, message = 'pass', ''
            elif mode == 'assert':
                exec(compile(cfg['test'], 'test.py', 'exec'), namespace)
                status, message = 'pass', ''
            else:
                import io, unittest
                namespace['__name__'] = 'tests'
                exec(compile(cfg['test'], 'test.py', 'exec'), namespace)
                suite = unittest.TestSuite()
                loader = unittest.TestLoader()
                for value in list(namespace.values()):
                    if isinstance(value, type) and issubclass(value, unittest.TestCase) and value is not unittest.TestCase:
                        suite.addTests(loader.loadTestsFromTestCase(value))
                result = unittest.TextTestRunner(stream=io.StringIO(), verbosity=0).run(suite)
                if result.testsRun == 0:
                    status, message = 'fail', 'no unittest test methods found'
                elif result.wasSuccessful():
                    status, message = 'pass', '%d unittest tests passed' % result.testsRun
                else:
                    bad = result.failures + result.errors
                    first = bad[0][1].strip().splitlines()[-1] if bad[0][1].strip() else ''
                    status = 'fail'
                    message = '%d of %d unittest tests failed (%s): %s' % (len(bad), result.testsRun, ', '.join(t.id().split('.')[-1] for t, _ in bad[:5]), first[:300])
    except SystemExit as e:
        code = e.code
        if mode == 'stdio' and (code is None or code == 0):
            status, message = 'done', ''
        elif mode == 'stdio':
            status, message = 'exit', 'exited with status %s' % (code,)
        else:
            status, message = 'fail', 'exited (status %s) during the %s, before the tests finished' % (code, phase)
    except MemoryError:
        status, message = 'memory', 'MemoryError in the %s' % phase
    except AssertionError as e:
        status, message = 'fail', 'assertion failed' + (': ' + str(e)[:300] if str(e) else '')
    except SyntaxError as e:
        status, message = 'crash', 'syntax error in the %s: %s (line %s)' % (phase, e.msg, e.lineno)
    except RecursionError as e:
        status, message = 'crash', describe(e)
    except BaseException as e:
        status, message = 'crash', '%s raised %s' % (phase, describe(e))
    try:
        sys.stdout.flush()
    except BaseException:
        pass
    report(type='result', status=status, message=message)

child = os.fork()
if child == 0:
    run_child(cfg, report)
    os._exit(0)

while True:
    try:
        pid, status = os.wait()
    except ChildProcessError:
        break
    if pid == child:
        if os.WIFSIGNALED(status):
            report(type='exit', signal=os.WTERMSIG(status))
        else:
            report(type='exit', code=os.WEXITSTATUS(status))
        break
`;
