# Run as the "CLI" by warm-bwrap.test.ts (and spawned under bwrap for comparison): reports what a command can
# see and do from inside its sandbox. argv: MODE JSON where MODE is probe or hold.
import ctypes, errno, json, os, sys, time

mode, arg = sys.argv[1], json.loads(sys.argv[2])
if mode == 'hold':
    # A concurrent command holding credentials in its environment, until it is told (or times out) to end.
    for _ in range(arg['seconds'] * 10):
        if os.path.exists(arg['until']):
            break
        time.sleep(0.1)
    print('held', os.environ.get('AWS_ACCESS_KEY_ID'))
    sys.exit(0)

libc = ctypes.CDLL(None, use_errno=True)
def err(call):
    try:
        result = call()
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno))
    if isinstance(result, int) and result == -1:
        return errno.errorcode.get(ctypes.get_errno(), str(ctypes.get_errno()))
    return 'ok'

def read(path):
    with open(path, 'rb') as f:
        return f.read()

status = dict(line.split(':', 1) for line in read('/proc/self/status').decode().splitlines() if ':' in line)
listed = lambda d: sorted(os.listdir(d)) if os.path.isdir(d) else None
tmp_before = listed('/tmp')
shm_before = listed('/dev/shm')
for d in ('/tmp', '/dev/shm'):
    with open(os.path.join(d, 'planted-' + arg['tag']), 'w') as f:
        f.write('x')
PTRACE_ATTACH = 16
out = {
    'caps': {k: status[k].strip() for k in ('CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb', 'NoNewPrivs')},
    'pid': os.getpid(), 'ppid': os.getppid(),
    'procs': sorted(int(p) for p in os.listdir('/proc') if p.isdigit()),
    'seen': {p: os.path.lexists(p) for p in arg.get('paths', [])},
    'environ': {str(p): err(lambda p=p: read('/proc/%d/environ' % p)) for p in arg.get('pids', [])},
    'kill': {str(p): err(lambda p=p: os.kill(p, 0)) for p in arg.get('pids', [])},
    'ptrace': {str(p): err(lambda p=p: libc.ptrace(PTRACE_ATTACH, p, None, None)) for p in arg.get('pids', [])},
    'unshare': err(lambda: libc.unshare(0x00020000)),
    'mount': err(lambda: libc.mount(b'tmpfs', b'/tmp', b'tmpfs', 0, None)),
    'fds': sorted(int(fd) for fd in os.listdir('/proc/self/fd')),
    'ns': {n: os.readlink('/proc/self/ns/' + n) for n in ('mnt', 'pid', 'ipc')},
    'root': listed('/'), 'dev': listed('/dev'), 'tmp': tmp_before, 'shm': shm_before,
    'writes': {p: err(lambda p=p: open(p, 'w').close()) for p in arg.get('writes', [])},
    'key': os.environ.get('AWS_ACCESS_KEY_ID'),
}
print(json.dumps(out))
