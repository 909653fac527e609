// The fork's interpreter of bwrap options (python/aws_guard_sandbox.py parse_bwrap_argv) takes exactly what
// exec/bwrap-argv.ts emits and refuses anything else: an option it does not know, a path that is not absolute and
// normal, a layout without the flags that confine. Real bwrapArgv output, run through the real Python module.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { bwrapArgv } from '@aws-guard/broker/exec/bwrap-argv';
import { workerScript } from '@aws-guard/broker/exec/warm/worker-script';

const module = join(dirname(workerScript()), 'aws_guard_sandbox.py');
const parse = (argv: string[]): { ok: true; ops: [string, string[]][]; chdir: string } | { ok: false; error: string } =>
  JSON.parse(execFileSync('python3', ['-c', `
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location('s', sys.argv[1]); s = importlib.util.module_from_spec(spec); spec.loader.exec_module(s)
try:
    ops, chdir = s.parse_bwrap_argv(json.loads(sys.argv[2]))
    print(json.dumps({'ok': True, 'ops': ops, 'chdir': chdir}))
except s.SandboxError as e:
    print(json.dumps({'ok': False, 'error': str(e)}))
`, module, JSON.stringify(argv)], { encoding: 'utf8' }));

const S = '/tmp/aws-guard-req-abc';
const real = bwrapArgv({ readOnly: ['/usr'], hidden: [{ path: '/usr/local/data', dir: true }], writable: [S], readOnlyWithin: [`${S}/etc`], mounts: [{ from: `${S}/work`, to: '/home/agent/proj' }], chdir: '/home/agent/proj' }, `${S}/work`);

t.test('what bwrap-argv.ts emits is taken whole, in order', async (t) => {
  const r = parse(real);
  if (!r.ok) return t.fail(r.error);
  t.same(r.ops.map(([opt]) => opt), ['--proc', '--dev', '--tmpfs', '--ro-bind', '--tmpfs', '--bind', '--ro-bind', '--bind']);
  t.same(r.ops.at(-1), ['--bind', [`${S}/work`, '/home/agent/proj']]);
  t.equal(r.chdir, '/home/agent/proj');
});

const without = (flag: string, n = 1) => { const i = real.indexOf(flag); return [...real.slice(0, i), ...real.slice(i + n)]; };
const refused: { name: string; argv: string[]; error: RegExp }[] = [
  { name: 'an option it does not know', argv: [...real, '--share-net'], error: /unsupported bwrap option '--share-net'/ },
  { name: 'a capability kept', argv: [...real, '--cap-add', 'CAP_SYS_ADMIN'], error: /unsupported bwrap option '--cap-add'/ },
  { name: 'a device bind', argv: [...real, '--dev-bind', '/', '/'], error: /unsupported/ },
  { name: 'a relative path', argv: [...real, '--ro-bind', 'etc', '/etc'], error: /not absolute and normal/ },
  { name: 'a path with ..', argv: [...real, '--bind', `${S}/../x`, '/x'], error: /not absolute and normal/ },
  { name: 'no pid namespace', argv: without('--unshare-pid'), error: /lack/ },
  { name: 'no --cap-drop ALL', argv: without('--cap-drop', 2), error: /unsupported bwrap option 'ALL'|lack/ },
  { name: 'no --chdir', argv: without('--chdir', 2), error: /lack/ },
  { name: 'an operation missing its operand', argv: [...real, '--tmpfs'], error: /unsupported/ },
];
for (const c of refused) {
  t.test(`refused: ${c.name}`, async (t) => {
    const r = parse(c.argv);
    t.equal(r.ok, false);
    if (!r.ok) t.match(r.error, c.error);
  });
}
