# aws-guard warm executor under bubblewrap (docs/warm-executor.md, "Under bubblewrap"): gives one fork of the
# worker the filesystem, pid and IPC namespaces a spawned `bwrap ... -- aws` would have, then drops every
# capability. It interprets the very bwrap options the broker builds for a spawned CLI (exec/bwrap-argv.ts), so
# both executors get one layout; anything it does not know is refused. Standard library only (ctypes, libc).
import ctypes
import os
import platform
import signal
import stat

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWPID = 0x20000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_CAPBSET_DROP = 1, 4, 24
PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 38, 47, 4
SYS_PIVOT_ROOT = {'x86_64': 155, 'aarch64': 41}
CAP_VERSION_3 = 0x20080522
# The (empty) directory of the worker's namespace where each command's new root is built (worker-bwrap-argv.ts).
NEW_ROOT = '/.aws-guard-root'
# How create-sandbox.ts names every request's sandbox in the parent directory.
SANDBOX_PREFIX = 'aws-guard-req-'
# What bwrap's --dev provides (bwrap.c setup_newroot): device nodes bound from the worker's /dev, and links.
DEV_NODES = ('null', 'zero', 'full', 'random', 'urandom', 'tty')
DEV_LINKS = (('fd', '/proc/self/fd'), ('stdin', '/proc/self/fd/0'), ('stdout', '/proc/self/fd/1'),
             ('stderr', '/proc/self/fd/2'), ('core', '/proc/kcore'), ('ptmx', 'pts/ptmx'))
# Every option exec/bwrap-argv.ts emits: flags that must be there, and the operations, with their arity.
REQUIRED_FLAGS = ('--unshare-pid', '--unshare-ipc', '--die-with-parent')
OPERATIONS = {'--proc': 1, '--dev': 1, '--tmpfs': 1, '--ro-bind': 2, '--bind': 2, '--chdir': 1}

_libc = ctypes.CDLL(None, use_errno=True)


class SandboxError(Exception):
    pass


def _check(result, what):
    if result != 0:
        err = ctypes.get_errno()
        raise SandboxError('%s: %s' % (what, os.strerror(err)))


def _mount(source, target, fstype, flags, data=None):
    enc = lambda s: None if s is None else s.encode()  # noqa: E731
    _check(_libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)),
           'mount %s on %s' % (source or fstype, target))


def _prctl(option, arg):
    _check(_libc.prctl(option, ctypes.c_ulong(arg), 0, 0, 0), 'prctl %d' % option)


def parse_bwrap_argv(argv):
    """bwrap options (no program) → (operations in order, chdir). Fails closed on anything unexpected."""
    ops, chdir, flags, i = [], None, set(), 0
    while i < len(argv):
        opt = argv[i]
        if opt in REQUIRED_FLAGS:
            flags.add(opt)
            i += 1
        elif opt == '--cap-drop' and i + 1 < len(argv) and argv[i + 1] == 'ALL':
            flags.add(opt)
            i += 2
        elif opt in OPERATIONS and i + OPERATIONS[opt] < len(argv):
            args = argv[i + 1:i + 1 + OPERATIONS[opt]]
            for path in args:
                if not path.startswith('/') or os.path.normpath(path) != path or '\0' in path:
                    raise SandboxError('bwrap path not absolute and normal: %r' % path)
            if opt == '--chdir':
                chdir = args[0]
            else:
                ops.append((opt, args))
            i += 1 + OPERATIONS[opt]
        else:
            raise SandboxError('unsupported bwrap option %r' % opt)
    if flags != set(REQUIRED_FLAGS) | {'--cap-drop'} or chdir is None:
        raise SandboxError('bwrap options lack %s' % sorted(set(REQUIRED_FLAGS) | {'--cap-drop', '--chdir'} - flags))
    return ops, chdir


def _within(path, root):
    return path == root or path.startswith(root.rstrip('/') + '/')


def _make_target(path, is_dir):
    """Creates the mount point inside the new root, refusing to pass through a symlink (which would lead out)."""
    parts = [p for p in path[len(NEW_ROOT):].split('/') if p]
    at = NEW_ROOT
    for index, part in enumerate(parts):
        at = at + '/' + part
        try:
            st = os.lstat(at)
        except FileNotFoundError:
            if index == len(parts) - 1 and not is_dir:
                os.close(os.open(at, os.O_CREAT | os.O_WRONLY | os.O_NOFOLLOW, 0o644))
            else:
                os.mkdir(at, 0o755)
            continue
        if stat.S_ISLNK(st.st_mode):
            raise SandboxError('mount point %s passes through a symlink' % path)
    return at


def _bind(real, dest, writable):
    target = _make_target(NEW_ROOT + dest, os.path.isdir(real))
    _mount(real, target, None, MS_BIND | MS_REC)
    flags = MS_BIND | MS_REMOUNT | MS_NOSUID | MS_NODEV | (0 if writable else MS_RDONLY)
    _mount(None, target, None, flags)


def _dev(dest):
    target = _make_target(NEW_ROOT + dest, True)
    _mount('tmpfs', target, 'tmpfs', MS_NOSUID | MS_NODEV, 'mode=0755')
    for node in DEV_NODES:
        path = target + '/' + node
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_NOFOLLOW, 0o666))
        _mount('/dev/' + node, path, None, MS_BIND)
    for name, link in DEV_LINKS:
        os.symlink(link, target + '/' + name)
    os.mkdir(target + '/shm', 0o755)
    os.mkdir(target + '/pts', 0o755)
    _mount('devpts', target + '/pts', 'devpts', MS_NOSUID | MS_NOEXEC, 'newinstance,ptmxmode=0666,mode=620')


def build_root(ops, writable_root):
    """The request's layout, built on a fresh tmpfs and made the root; the worker's own view is detached."""
    _mount(None, '/', None, MS_REC | MS_PRIVATE)
    _mount('tmpfs', NEW_ROOT, 'tmpfs', MS_NOSUID | MS_NODEV, 'mode=0755')
    # The request's sandbox is the first writable bind (bwrap-argv.ts puts it first). Every writable bind must come
    # from inside it, and no bind at all from another request's sandbox (create-sandbox.ts names them all
    # SANDBOX_PREFIX…); a read-only bind may come from elsewhere in the parent (a CLI installed under /tmp).
    sandbox = next((os.path.realpath(args[0]) for opt, args in ops if opt == '--bind'), None)
    if sandbox is None or not _within(sandbox, writable_root) or sandbox == writable_root:
        raise SandboxError('no request sandbox inside %s to bind' % writable_root)
    for opt, args in ops:
        if opt == '--proc':
            _mount('proc', _make_target(NEW_ROOT + args[0], True), 'proc', MS_NOSUID | MS_NODEV | MS_NOEXEC)
        elif opt == '--dev':
            _dev(args[0])
        elif opt == '--tmpfs':
            _mount('tmpfs', _make_target(NEW_ROOT + args[0], True), 'tmpfs', MS_NOSUID | MS_NODEV, 'mode=0755')
        else:
            source = os.path.realpath(args[0])
            other = _within(source, writable_root) and source[len(writable_root):].lstrip('/').startswith(SANDBOX_PREFIX)
            if (opt == '--bind' or other) and not _within(source, sandbox):
                raise SandboxError('bind source %s is outside the request sandbox %s' % (args[0], sandbox))
            _bind(source, args[1], opt == '--bind')
    os.chdir(NEW_ROOT)
    number = SYS_PIVOT_ROOT.get(platform.machine())
    if number is None:
        raise SandboxError('pivot_root: unsupported machine %s' % platform.machine())
    _check(_libc.syscall(number, b'.', b'.'), 'pivot_root')
    # The old root is stacked on the new one: detaching it leaves only the request's layout.
    _check(_libc.umount2(b'.', MNT_DETACH), 'umount old root')
    os.chdir('/')


class _CapHeader(ctypes.Structure):
    _fields_ = [('version', ctypes.c_uint32), ('pid', ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [('effective', ctypes.c_uint32), ('permitted', ctypes.c_uint32), ('inheritable', ctypes.c_uint32)]


def drop_capabilities():
    """Every capability set to empty (bounding, ambient, effective, permitted, inheritable) and no_new_privs."""
    _prctl(PR_SET_NO_NEW_PRIVS, 1)
    with open('/proc/sys/kernel/cap_last_cap') as f:
        last = int(f.read())
    for cap in range(last + 1):
        _prctl(PR_CAPBSET_DROP, cap)
    _prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)
    header = _CapHeader(CAP_VERSION_3, 0)
    data = (_CapData * 2)()
    _check(_libc.capset(ctypes.byref(header), ctypes.byref(data)), 'capset')


def _status(wait_status):
    """As bwrap reports its command: the exit code, or 128 + the signal that killed it."""
    if os.WIFSIGNALED(wait_status):
        return 128 + os.WTERMSIG(wait_status)
    return os.WEXITSTATUS(wait_status)


def _detach_stdio():
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)


def _init(child):
    """pid 1 of the command's namespace, as bwrap's init: reaps, and ends (taking the namespace) with the CLI."""
    _detach_stdio()
    while True:
        try:
            pid, wait_status = os.waitpid(-1, 0)
        except ChildProcessError:
            return 255
        except InterruptedError:
            continue
        if pid == child:
            return _status(wait_status)


def enter(bwrap_argv, writable_root, worker_pid):
    """Called in the worker's fork (own session, stdio set). Returns the CLI's cwd, and only in the process that
    runs the CLI (pid 2 of a new pid namespace, no capabilities, its root the request's layout)."""
    ops, chdir = parse_bwrap_argv(bwrap_argv)
    # As bwrap's --die-with-parent: the command goes with its worker (and so with the broker, whose death ends the
    # worker's bwrap). A worker already gone is seen as a new parent.
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != worker_pid:
        os._exit(255)
    # A pipe whose write end only this process holds: the namespace's init sees end-of-file once it is gone.
    alive_r, alive_w = os.pipe()
    _check(_libc.unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC), 'unshare')
    init = os.fork()
    if init > 0:
        # The outer process, as bwrap's own: waits, then exits with the command's status. A stop's SIGTERM kills
        # it, and its death kills the namespace's init (PDEATHSIG), so the kernel kills everything inside.
        os.close(alive_r)
        _detach_stdio()
        while True:
            try:
                _, wait_status = os.waitpid(init, 0)
                os._exit(_status(wait_status))
            except InterruptedError:
                continue
    os.close(alive_w)
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    os.set_blocking(alive_r, False)
    try:
        if os.read(alive_r, 1) == b'':
            os._exit(255)
    except BlockingIOError:
        pass
    os.close(alive_r)
    build_root(ops, writable_root)
    drop_capabilities()
    # Not dumpable: the command (same uid, no capabilities either) cannot ptrace its init or read its /proc.
    _prctl(PR_SET_DUMPABLE, 0)
    # An init without handlers is sent no signal from inside (the kernel's rule for pid 1): SIGINT would be one.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    cli = os.fork()
    if cli > 0:
        os._exit(_init(cli))
    signal.signal(signal.SIGINT, signal.default_int_handler)
    _prctl(PR_SET_DUMPABLE, 1)
    return chdir
