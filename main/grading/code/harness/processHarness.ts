/**
 * Python: what every sandboxed process of a test does before its role runs
 * (`python3 -I -c SOURCE`, inside the OS sandbox):
 *  1. reads its configuration from fd 3 and closes it (nothing of it is left on disk);
 *  2. keeps the per-run nonce only inside the `report` closure, which writes JSON lines to fd 4;
 *  3. forks: the child sets the resource limits and runs the role's `_run(cfg, report)`; the
 *     parent waits, reaping orphans, and reports how the child ended. A line on fd 4 without the
 *     nonce is ignored by the grader.
 * Calls between the solution's process and the test process travel over fd 5 (in) and fd 6 (out):
 * marshal frames from the test process (trusted by the solution's), JSON lines back (parsed with
 * `json`, which is safe on hostile input, unlike marshal).
 */
export const PROCESS_PRELUDE_SOURCE = String.raw`
import marshal, os, resource, sys

def _read_config():
    chunks = []
    while True:
        chunk = os.read(3, 1 << 16)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(3)
    return marshal.loads(b''.join(chunks))

def _reporter(nonce):
    def report(**fields):
        fields['nonce'] = nonce
        try:
            write_all(4, (dumps_json(fields) + '\n').encode())
        except OSError:
            pass
    return report

def _set_limits(cfg):
    def limit(name, value):
        if value is not None:
            resource.setrlimit(getattr(resource, name), (value, value))
    limit('RLIMIT_CORE', 0)
    limit('RLIMIT_NOFILE', 256)
    limit('RLIMIT_AS', cfg['memoryBytes'])
    limit('RLIMIT_FSIZE', cfg['fileBytes'])
    limit('RLIMIT_CPU', cfg['cpuSeconds'])
    limit('RLIMIT_NPROC', cfg['maxProcesses'])
    if cfg.get('setNoNewPrivs'):
        try:
            import ctypes
            ctypes.CDLL(None).prctl(38, 1, 0, 0, 0)  # PR_SET_NO_NEW_PRIVS: setuid programs gain nothing
        except Exception:
            pass
    os.umask(0o077)
    os.chdir(cfg['work'])
    sys.path.insert(0, cfg['work'])

def _describe(e):
    text = str(e)
    return type(e).__name__ + (': ' + text[:300] if text else '')

def _verdict_of(e, phase, stdio=False):
    """(status, message) for an exception that ended a phase."""
    if isinstance(e, SystemExit):
        code = e.code
        if stdio and (code is None or code == 0):
            return 'done', ''
        if stdio:
            return 'exit', 'exited with status %s' % (code,)
        return 'fail', 'exited (status %s) during the %s, before the tests finished' % (code, phase)
    if isinstance(e, MemoryError):
        return 'memory', 'MemoryError in the %s' % phase
    if isinstance(e, AssertionError):
        return 'fail', 'assertion failed' + (': ' + str(e)[:300] if str(e) else '')
    if isinstance(e, SyntaxError):
        return 'crash', 'syntax error in the %s: %s (line %s)' % (phase, e.msg, e.lineno)
    if isinstance(e, RecursionError):
        return 'crash', _describe(e)
    return 'crash', '%s raised %s' % (phase, _describe(e))

def _flush():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass

def _main():
    cfg = _read_config()
    report = _reporter(cfg.pop('nonce'))
    report(type='setup')
    child = os.fork()
    if child == 0:
        try:
            _set_limits(cfg)
        except BaseException as e:
            report(type='result', status='sandbox', message='sandbox setup failed: %s' % _describe(e))
            os._exit(70)
        # Nothing the candidate can reach by name holds the nonce.
        for name in ('_main', '_reporter', '_read_config'):
            globals().pop(name, None)
        _run(cfg, report)
        _flush()
        os._exit(0)
    for fd in (0, 1, 2, 5, 6):
        try:
            os.close(fd)
        except OSError:
            pass
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

/** The line that starts a harness, after every definition. */
export const PROCESS_START_SOURCE = '\n_main()\n';
