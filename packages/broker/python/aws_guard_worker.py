# aws-guard warm executor worker (docs/warm-executor.md): imports the AWS CLI once, preloads the JSON
# models of common services, then forks one fresh child per command and runs the CLI's own `aws` script in it.
# Standard library only. Control channel: fd 3 (a socket only the broker holds), JSON lines both ways.
# The command's stdin/stdout/stderr are Unix-socket connections the broker makes to LISTEN_PATH, each starting
# with a fixed 64-byte header that names the request (a random token) and the role: in, out, err or req. The
# `req` stream carries the command (argv, environment with its credentials, bwrap layout): only the fork reads
# it, after the fork, so no request's credentials ever enter the worker's memory (and so no later fork's).
import errno
import json
import os
import random
import selectors
import signal
import socket
import sys
import time

HEADER_BYTES = 64
CTL_FD = 3
# Connections whose request never comes are dropped after this long.
ORPHAN_SECONDS = 30.0
# Set by main under bubblewrap: the namespace module (aws_guard_sandbox.py) and the sandboxes' parent directory.
SANDBOX = None
WRITABLE_ROOT = None
PRELOAD_SERVICES = ['s3', 'sts', 'iam', 'ec2', 'ssm', 'secretsmanager', 'lambda', 'dynamodb', 'logs',
                    'cloudformation', 'kms', 'ecr', 'sqs', 'sns']


def probe(cli_path):
    """Says which awscli this interpreter imports and whether the CLI script runs it (detection)."""
    import awscli
    import botocore
    with open(cli_path, 'rb') as f:
        script = f.read(65536).decode('utf-8', 'replace')
    print(json.dumps({'python': sys.executable, 'pythonVersion': sys.version.split()[0],
                      'awscli': awscli.__version__, 'awscliFile': awscli.__file__,
                      'botocore': botocore.__version__,
                      'scriptImportsAwscli': 'awscli.clidriver' in script}))


# --- The JSON cache: every model file the worker preloaded is handed, once, to each child. -----------------
_json_cache = {}


def install_json_cache():
    """botocore reads model JSON through JSONFileLoader.load_file: serve preloaded files from memory.

    A child gets a preloaded object the first time it asks for a path and then reads the disk as usual, so
    repeated loads within one command behave as in a fresh process (botocore mutates some loaded dicts).
    """
    from botocore import loaders
    original = loaders.JSONFileLoader.load_file

    def load_file(self, file_path):
        cached = _json_cache.pop(file_path, None)
        if cached is not None:
            return cached
        return original(self, file_path)

    def preload(file_path):
        value = original(loaders.JSONFileLoader(), file_path)
        if value is not None:
            _json_cache[file_path] = value

    loaders.JSONFileLoader.load_file = load_file
    return preload


def install_listing_cache(immutable):
    """Listing the services walks ~400 directories per type per session; the installation's do not change.

    Only the botocore and awscli data directories (`immutable`) are listed once; any other search path
    (AWS_DATA_PATH, ~/.aws/models) is listed by every command, as the CLI does.
    """
    from botocore import loaders
    listed = {}

    def services_in(file_loader, location, type_name):
        key = (location, type_name)
        if key in listed:
            return listed[key]
        found = set()
        for service in os.listdir(location):
            full_dirname = os.path.join(location, service)
            if not os.path.isdir(full_dirname):
                continue
            for api_version in os.listdir(full_dirname):
                if file_loader.exists(os.path.join(full_dirname, api_version, type_name)):
                    found.add(service)
                    break
        if location in immutable:
            listed[key] = frozenset(found)
        return found

    @loaders.instance_cache
    def list_available_services(self, type_name):
        services = set()
        for location in self._potential_locations():
            services |= services_in(self.file_loader, location, type_name)
        return sorted(services)

    loaders.Loader.list_available_services = list_available_services
    for location in immutable:
        for type_name in ('service-2', 'paginators-1', 'waiters-2', 'endpoint-rule-set-1'):
            if os.path.isdir(location):
                services_in(loaders.JSONFileLoader(), location, type_name)


def data_dirs():
    import awscli
    import botocore.loaders
    return (botocore.loaders.Loader.BUILTIN_DATA_PATH, os.path.join(os.path.dirname(os.path.abspath(awscli.__file__)), 'data'))


def preload_models(preload):
    import botocore.loaders
    import awscli
    # The same search paths the CLI's session uses: botocore's data and the CLI's own data directory.
    loader = botocore.loaders.create_loader()
    loader.search_paths.append(os.path.join(os.path.dirname(awscli.__file__), 'data'))
    seen = set()

    def want(name, kind, api_version=None):
        try:
            full = kind if api_version is None else os.path.join(name, api_version, kind)
            for base in loader.search_paths:
                candidate = os.path.join(base, full)
                for ext in ('.json', '.json.gz'):
                    if os.path.isfile(candidate + ext) and candidate not in seen:
                        seen.add(candidate)
                        preload(candidate)
                        return
        except Exception:  # noqa: BLE001 - a model that does not load is simply not preloaded
            return

    for name in ('endpoints', 'partitions', '_retry', 'sdk-default-configuration', 'cli'):
        want(None, name)
    for service in PRELOAD_SERVICES:
        try:
            version = loader.determine_latest_version(service, 'service-2')
        except Exception:  # noqa: BLE001 - not in this botocore: nothing to preload
            continue
        for kind in ('service-2', 'service-2.sdk-extras', 'paginators-1', 'paginators-1.sdk-extras', 'waiters-2',
                     'endpoint-rule-set-1'):
            want(service, kind, version)


def preload_modules():
    # What every command imports: the driver pulls in botocore, the customizations and their handlers.
    import awscli.clidriver  # noqa: F401
    import awscli.handlers  # noqa: F401 - the plugin the driver loads: every customization
    import awscli.formatter  # noqa: F401
    import awscli.paramfile  # noqa: F401
    import botocore.client  # noqa: F401
    import botocore.endpoint  # noqa: F401
    import botocore.httpsession  # noqa: F401
    import botocore.parsers  # noqa: F401
    import botocore.serialize  # noqa: F401
    import botocore.auth  # noqa: F401
    import botocore.regions  # noqa: F401
    import botocore.retries.standard  # noqa: F401
    for optional in ('s3transfer.manager', 'awscli.customizations.s3.subcommands', 'jmespath', 'urllib3',
                     'botocore.endpoint_provider', 'awscli.table', 'yaml'):
        try:
            __import__(optional)
        except ImportError:
            pass


# --- The CLI's event handlers, registered once. -------------------------------------------------------
# The names awscli.clidriver.create_clidriver uses (awscli 1.16 to 1.45): with any other body the CLI builds its
# own driver, as without the template.
CREATE_CLIDRIVER_NAMES = ('botocore', 'session', 'Session', 'EnvironmentVariables', '_set_user_agent_for_session',
                          'load_plugins', 'full_config', 'get', 'get_component', 'CLIDriver')


def install_handler_template():
    """Registering botocore's and the CLI's ~400 event handlers is a third of a warm command's own CPU (~16 ms):
    the same registrations from no input in every command. The worker makes them once, on an emitter that the
    fork's CLI session then takes as its own (its copy-on-write copy: what a command adds to it never reaches the
    worker or another fork). Only the handlers: the session itself (config, profile, region, credentials) is built
    in the fork from the request's environment, as before. A config that names plugins gets the CLI's own driver:
    the CLI initialises those before its built-in ones, an order a pre-built emitter cannot keep.
    """
    import awscli.clidriver as clidriver
    import awscli.handlers
    import botocore.session
    from botocore.hooks import HierarchicalEmitter
    original = clidriver.create_clidriver
    if original.__code__.co_names != CREATE_CLIDRIVER_NAMES:
        return False
    template = HierarchicalEmitter()
    # What Session.__init__ and load_plugins register, through a session's EventAliaser, onto the template.
    registering = botocore.session.Session(event_hooks=template)
    awscli.handlers.awscli_initialize(registering.get_component('event_emitter'))
    unused = [template]

    def create_clidriver():
        if not unused:
            return original()
        session = botocore.session.Session(clidriver.EnvironmentVariables, event_hooks=unused[0],
                                           include_builtin_handlers=False)
        clidriver._set_user_agent_for_session(session)
        if session.full_config.get('plugins'):
            return original()
        unused.pop()
        return clidriver.CLIDriver(session=session)

    clidriver.create_clidriver = create_clidriver
    return True


# --- The child: becomes the command. -------------------------------------------------------------------
def run_child(req, fds):
    code = 255
    try:
        os.setsid()
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        stdin = fds.get('in')
        if stdin is None:
            stdin = os.open(os.devnull, os.O_RDONLY)
        os.dup2(stdin, 0)
        os.dup2(fds['out'], 1)
        os.dup2(fds['err'], 2)
        # The worker reads headers without blocking, and O_NONBLOCK belongs to the open socket, shared by every
        # copy: a CLI expects blocking stdio (a read must wait for the agent's stdin, a write for a slow reader).
        for fd in (0, 1, 2, fds['req']):
            os.set_blocking(fd, True)
        spec = read_spec(fds['req'])
        # Nothing of the worker's stays open: its control socket, listening socket, other requests' streams.
        os.closerange(3, 1 << 20)
        if SANDBOX is not None:
            cwd = SANDBOX.enter(spec['bwrap'], WRITABLE_ROOT, req['workerPid'])
        elif spec.get('bwrap') is not None:
            raise RuntimeError('bubblewrap isolation asked of a worker that runs without it')
        else:
            cwd = req['cwd']
        os.umask(req.get('umask', 0o022))
        import resource
        for name, (soft, hard) in (req.get('rlimits') or {}).items():
            resource.setrlimit(getattr(resource, 'RLIMIT_' + name.upper()), (soft, hard))
        # The environment is the request's, wholesale (os.environ writes through to the C environment).
        os.environ.clear()
        os.environ.update(spec['env'])
        coerce_c_locale()
        redo_import_time_env()
        os.chdir(cwd)
        random.seed()
        sys.argv = [spec['cliPath']] + list(spec['args'])
        code = run_script(spec['cliPath'])
    except BaseException as e:  # noqa: BLE001 - the child must never return into the worker's loop
        try:
            if SANDBOX is not None and isinstance(e, SANDBOX.SandboxError):
                os.write(2, ('aws-guard: warm sandbox: %s\n' % e).encode())
            else:
                import traceback
                traceback.print_exc()
        except BaseException:  # noqa: BLE001
            pass
        code = 255
    finally:
        os._exit(code)


def read_spec(fd):
    """The `req` stream: one JSON object, ended by the broker's half-close."""
    chunks = []
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            return json.loads(b''.join(chunks))
        chunks.append(chunk)


def coerce_c_locale():
    """PEP 538, as a fresh interpreter does it at start-up: under the C locale it sets LC_CTYPE=C.UTF-8."""
    env = os.environ
    if env.get('PYTHONCOERCECLOCALE') == '0' or env.get('LC_ALL'):
        return
    ctype = env.get('LC_CTYPE') or env.get('LANG') or 'C'
    if ctype in ('C', 'POSIX'):
        env['LC_CTYPE'] = 'C.UTF-8'


def redo_import_time_env():
    """`import awscli` appends its data directory to AWS_DATA_PATH; the worker imported it under its own env."""
    import awscli
    paths = []
    if 'AWS_DATA_PATH' in os.environ:
        for path in os.environ['AWS_DATA_PATH'].split(os.pathsep):
            paths.append(os.path.expanduser(os.path.expandvars(path)))
    paths.append(os.path.join(os.path.dirname(os.path.abspath(awscli.__file__)), 'data'))
    os.environ['AWS_DATA_PATH'] = os.pathsep.join(paths)
    if isinstance(getattr(awscli, '_awscli_data_path', None), list):
        awscli._awscli_data_path[:] = paths


def exit_code(value):
    """What the interpreter does with sys.exit(value)."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value & 0xFF
    try:
        sys.stderr.write(str(value) + '\n')
    except BaseException:  # noqa: BLE001
        pass
    return 1


def run_script(cli_path):
    """Runs the CLI's own script as __main__, then what interpreter shutdown does: threads, atexit, flush."""
    import runpy
    import threading
    import atexit
    try:
        runpy.run_path(cli_path, run_name='__main__')
        code = 0
    except SystemExit as e:
        code = exit_code(e.code)
    except BaseException:  # noqa: BLE001 - an uncaught exception: traceback and 1, as the interpreter does
        sys.excepthook(*sys.exc_info())
        code = 1
    try:
        threading._shutdown()
    except BaseException:  # noqa: BLE001
        pass
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:  # noqa: BLE001 - a failed flush at exit is exit status 120 in CPython
            code = 120
    return code


# --- The worker: one control channel, one listening socket, many children. -----------------------------
class Worker:
    def __init__(self, listen_path):
        self.ctl = socket.socket(fileno=CTL_FD)
        self.ctl.setblocking(False)
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(listen_path)
        self.listener.listen(128)
        self.listener.setblocking(False)
        self.sel = selectors.DefaultSelector()
        self.sel.register(self.ctl, selectors.EVENT_READ, 'ctl')
        self.sel.register(self.listener, selectors.EVENT_READ, 'listen')
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        os.set_blocking(self.wake_w, False)
        signal.set_wakeup_fd(self.wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        self.sel.register(self.wake_r, selectors.EVENT_READ, 'wake')
        self.ctl_buf = b''
        self.requests = {}    # id -> request
        self.streams = {}     # id -> {role: socket}
        self.pending = {}     # socket -> (header bytes so far, accepted at)
        self.children = {}    # pid -> id

    def send(self, msg):
        data = (json.dumps(msg) + '\n').encode()
        self.ctl.setblocking(True)
        try:
            self.ctl.sendall(data)
        finally:
            self.ctl.setblocking(False)

    def serve(self, handler_template):
        self.send({'event': 'ready', 'pid': os.getpid(), 'preloaded': len(_json_cache), 'handlerTemplate': handler_template})
        while True:
            for key, _ in self.sel.select(timeout=5.0):
                if key.data == 'ctl':
                    self.read_ctl()
                elif key.data == 'listen':
                    self.accept()
                elif key.data == 'wake':
                    self.drain_wake()
                else:
                    self.read_header(key.fileobj)
            self.reap()
            self.drop_orphans()

    def read_ctl(self):
        try:
            data = self.ctl.recv(65536)
        except BlockingIOError:
            return
        if not data:
            # The broker is gone: so is the worker (running children keep running to their end).
            os._exit(0)
        self.ctl_buf += data
        while b'\n' in self.ctl_buf:
            line, self.ctl_buf = self.ctl_buf.split(b'\n', 1)
            req = json.loads(line)
            self.requests[req['id']] = dict(req, at=time.monotonic())
            self.maybe_start(req['id'])

    def accept(self):
        while True:
            try:
                conn, _ = self.listener.accept()
            except BlockingIOError:
                return
            conn.setblocking(False)
            self.pending[conn] = (b'', time.monotonic())
            self.sel.register(conn, selectors.EVENT_READ, 'header')

    def read_header(self, conn):
        got, at = self.pending[conn]
        try:
            # Never more than the header: what follows on an `in` stream is the command's stdin.
            data = conn.recv(HEADER_BYTES - len(got))
        except BlockingIOError:
            return
        except OSError:
            data = b''
        if not data:
            self.forget(conn)
            conn.close()
            return
        got += data
        if len(got) < HEADER_BYTES:
            self.pending[conn] = (got, at)
            return
        self.forget(conn)
        parts = got.decode('ascii', 'replace').split()
        if len(parts) != 3 or parts[0] != 'AWSG1' or parts[1] not in ('in', 'out', 'err', 'req'):
            conn.close()
            return
        _, role, rid = parts
        self.streams.setdefault(rid, {'at': time.monotonic()})[role] = conn
        self.maybe_start(rid)

    def forget(self, conn):
        self.pending.pop(conn, None)
        try:
            self.sel.unregister(conn)
        except (KeyError, ValueError):
            pass

    def maybe_start(self, rid):
        req = self.requests.get(rid)
        streams = self.streams.get(rid, {})
        if req is None or 'out' not in streams or 'err' not in streams or 'req' not in streams or (req.get('readsStdin') and 'in' not in streams):
            return
        del self.requests[rid]
        del self.streams[rid]
        socks = {role: s for role, s in streams.items() if role != 'at'}
        fds = {role: s.fileno() for role, s in socks.items()}
        if not os.path.isdir(req['cwd']):
            self.send({'event': 'failed', 'id': rid, 'error': 'cwd %s: %s' % (req['cwd'], os.strerror(errno.ENOENT))})
        else:
            for stream in (sys.stdout, sys.stderr):
                stream.flush()
            req['workerPid'] = os.getpid()
            try:
                pid = os.fork()
            except OSError as e:
                self.send({'event': 'failed', 'id': rid, 'error': 'fork: ' + e.strerror})
                pid = -1
            if pid == 0:
                run_child(req, fds)
            if pid > 0:
                self.children[pid] = rid
                self.send({'event': 'started', 'id': rid, 'pid': pid})
        # The worker's copies go, so the broker sees end-of-output when the command's side closes.
        for s in socks.values():
            s.close()

    def drain_wake(self):
        try:
            while os.read(self.wake_r, 4096):
                pass
        except BlockingIOError:
            pass

    def reap(self):
        while self.children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            rid = self.children.pop(pid, None)
            if rid is None:
                continue
            if os.WIFSIGNALED(status):
                self.send({'event': 'exited', 'id': rid, 'code': None, 'signal': signal.Signals(os.WTERMSIG(status)).name})
            else:
                self.send({'event': 'exited', 'id': rid, 'code': os.WEXITSTATUS(status), 'signal': None})

    def drop_orphans(self):
        now = time.monotonic()
        for conn, (_, at) in list(self.pending.items()):
            if now - at > ORPHAN_SECONDS:
                self.forget(conn)
                conn.close()
        for rid, streams in list(self.streams.items()):
            if rid not in self.requests and now - streams['at'] > ORPHAN_SECONDS:
                for role, s in streams.items():
                    if role != 'at':
                        s.close()
                del self.streams[rid]


def main():
    if len(sys.argv) == 3 and sys.argv[1] == '--probe':
        return probe(sys.argv[2])
    if len(sys.argv) not in (3, 5) or (len(sys.argv) == 5 and sys.argv[3] != '--sandboxes'):
        sys.stderr.write('usage: aws_guard_worker.py CLI_PATH LISTEN_PATH [--sandboxes DIR] | --probe CLI_PATH\n')
        return 2
    cli_path, listen_path = sys.argv[1], sys.argv[2]
    if len(sys.argv) == 5:
        # Under bubblewrap: every command gets its own namespaces, and binds writable only from this directory.
        global SANDBOX, WRITABLE_ROOT
        import importlib.util
        spec = importlib.util.spec_from_file_location(
            'aws_guard_sandbox', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'aws_guard_sandbox.py'))
        SANDBOX = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(SANDBOX)
        WRITABLE_ROOT = os.path.realpath(sys.argv[4])
    # The CLI's script sees its own directory first on sys.path, as when it runs as a program.
    sys.path[0] = os.path.dirname(os.path.abspath(cli_path))
    preload_modules()
    preload_models(install_json_cache())
    install_listing_cache(data_dirs())
    handler_template = install_handler_template()
    # What the worker built is moved out of the collector's sight, so a fork's collections do not walk (and so
    # copy) the pages of the preloaded modules and models: gc.freeze exists for pre-fork servers (Python >= 3.7).
    import gc
    gc.collect()
    gc.freeze()
    Worker(listen_path).serve(handler_template)
    return 0


if __name__ == '__main__':
    sys.exit(main())
