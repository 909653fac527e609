import { Readable } from 'node:stream';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { Command } from 'commander';
import { isUserFacingError } from '@aws-guard/shared/errors';
import type { CommandContext } from '../../src/commands/command-context.js';
import { registerExplain, runExplain, type ExplainOptions, type ExplainRuntime } from '../../src/commands/explain.js';

const CONTRACT_KEYS = ['service', 'operation', 'apiOperation', 'custom', 'iamActions', 'region', 'risk', 'decision', 'rule', 'reasons', 'localFiles', 'errors'];

const harness = () => {
  const out: string[] = [];
  const err: string[] = [];
  let exitCode: number | undefined;
  const ctx: CommandContext = {
    env: {},
    stdout: { write: (s: string) => (out.push(s), true) } as unknown as NodeJS.WritableStream,
    stderr: { write: (s: string) => (err.push(s), true) } as unknown as NodeJS.WritableStream,
    version: 'test',
    setExitCode: (code) => {
      exitCode = code;
    },
  };
  return { ctx, out: () => out.join(''), err: () => err.join(''), exitCode: () => exitCode };
};

const run = async (args: string[], options: ExplainOptions, runtime: ExplainRuntime = {}) => {
  const h = harness();
  await runExplain(args, options, h.ctx, runtime);
  return h;
};

t.test('--json prints one object with exactly the fields of DESIGN §9, in order', async (t) => {
  const h = await run(['s3api', 'delete-bucket', '--bucket', 'b', '--cli-input-json', 'file://in.json', '--region', 'eu-west-1'], { json: true });
  t.equal(h.exitCode(), 0);
  const lines = h.out().split('\n');
  t.equal(lines.length, 2, 'one line and a newline');
  const result = JSON.parse(lines[0]!);
  t.same(Object.keys(result), CONTRACT_KEYS);
  t.same(result, {
    service: 's3api', operation: 'delete-bucket', apiOperation: 'DeleteBucket', custom: false, iamActions: ['s3:DeleteBucket'],
    region: 'eu-west-1', risk: 'destructive', decision: 'approve', rule: 'default:destructive', reasons: result.reasons,
    localFiles: [{ arg: '--cli-input-json', path: 'in.json', direction: 'in' }], errors: [],
  });
  t.match(result.reasons, ['no rule decides; the default for destructive commands is approve', /^destructive: s3:DeleteBucket: deletes/]);
});

t.test('an unparseable command is denied with errors, and still exits 0', async (t) => {
  const h = await run(['nosuchservice', 'x'], { json: true });
  t.equal(h.exitCode(), 0);
  const result = JSON.parse(h.out());
  t.same(Object.keys(result), CONTRACT_KEYS);
  t.match(result, { decision: 'deny', risk: 'forbidden', rule: /^invalid:PARSE_/, errors: [{ code: /^PARSE_/, message: /invalid choice/i }] });
});

t.test('a forbidden command is denied whatever the policy, with the parser\'s reason', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'explain-'));
  const file = join(dir, 'allow-all.yaml');
  writeFileSync(file, "version: 1\nrules:\n  - { id: allow-all, effect: allow, actions: ['*'] }\n");
  const result = JSON.parse((await run(['s3', 'ls', '--endp', 'http://evil'], { json: true, policy: file })).out());
  t.match(result, { service: 's3', operation: 'ls', risk: 'forbidden', decision: 'deny', rule: 'forbidden:FORBIDDEN_OPTION', errors: [] });
  t.match(result.reasons[1], /--endp \(--endpoint-url\)/);
});

t.test('the human-readable form shows the parse, actions, risk, decision and deciding rule', async (t) => {
  const h = await run(['s3api', 'delete-bucket', '--bucket', 'my bucket', '--cli-input-json', 'file://in.json'], {});
  const text = h.out();
  t.match(text, /^aws s3api delete-bucket --bucket 'my bucket' --cli-input-json file:\/\/in\.json\n/);
  t.match(text, /command +s3api delete-bucket → DeleteBucket/);
  t.match(text, /actions +s3:DeleteBucket/);
  t.match(text, /file +reads in\.json \(--cli-input-json\)/);
  t.match(text, /risk +destructive\n +- destructive: s3:DeleteBucket/);
  t.match(text, /decision +APPROVE \(rule default:destructive, 1 approver\)/);
  t.match(text, /policy +built-in default policy .*sha256 [0-9a-f]{16}/);
});

t.test('--stdin answers one JSON line per input line, in order, bad lines included', async (t) => {
  const input = ['["s3","ls"]', '["s3api","delete-bucket","--bucket","b"]', 'not json', '{"argv":[]}', '["nosuchservice"]', '["s3","ls"]'].join('\n');
  const h = await run([], { stdin: true }, { stdin: Readable.from([input]) });
  const results = h.out().trimEnd().split('\n').map((l) => JSON.parse(l));
  t.same(results.map((r) => [r.service, r.operation, r.decision]), [
    ['s3', 'ls', 'allow'],
    ['s3api', 'delete-bucket', 'approve'],
    ['', '', 'deny'],
    ['', '', 'deny'],
    ['', '', 'deny'],
    ['s3', 'ls', 'allow'],
  ]);
  t.match(results[2].errors, [{ code: 'EXPLAIN_BAD_LINE', message: /^line 3: not JSON/ }]);
  t.match(results[3].errors, [{ code: 'EXPLAIN_BAD_LINE', message: /^line 4: expected a JSON array/ }]);
  t.match(results[4].errors, [{ code: /^PARSE_/ }]);
  for (const r of results) t.same(Object.keys(r), CONTRACT_KEYS);
  t.equal(h.exitCode(), 2, 'malformed input lines are a usage error of explain');
  t.match(h.err(), /2 input lines were not JSON arrays/);
});

t.test('--stdin with only good lines exits 0', async (t) => {
  const h = await run([], { stdin: true }, { stdin: Readable.from(['["s3","ls"]\n["s3","ls"]\n']) });
  t.equal(h.out().trimEnd().split('\n').length, 2);
  t.equal(h.exitCode(), 0);
});

t.test('--policy and the identity flags decide', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'explain-'));
  const file = join(dir, 'p.yaml');
  writeFileSync(file, `version: 1
rules:
  - { id: ci-deletes, effect: allow, actions: ['s3:Delete*'], agents: ['ci-*'], groups: [deployers], roles: [agent], accounts: ['123456789012'] }
  - { id: no-prod, effect: deny, actions: ['s3:Delete*'], params: { Bucket: 'prod-*' }, message: not prod }
`);
  const ci: ExplainOptions = { json: true, policy: file, agent: 'ci-1', for: 'alice', group: ['deployers'], account: '123456789012' };
  t.match(JSON.parse((await run(['s3api', 'delete-bucket', '--bucket', 'b'], ci)).out()), { decision: 'allow', rule: 'ci-deletes' });
  t.match(JSON.parse((await run(['s3api', 'delete-bucket', '--bucket', 'prod-1'], ci)).out()), { decision: 'deny', rule: 'no-prod', reasons: ['rule no-prod (deny): not prod'] });
  t.match(JSON.parse((await run(['s3api', 'delete-bucket', '--bucket', 'b'], { ...ci, group: [] })).out()), { decision: 'approve', rule: 'default:destructive' });
  t.match(JSON.parse((await run(['s3api', 'delete-bucket', '--bucket', 'b'], { ...ci, account: undefined })).out()), { decision: 'approve' }, 'no account: the allow rule cannot apply');
});

t.test('usage errors of explain itself are exit 2', async (t) => {
  const cases: [string[], ExplainOptions, RegExp][] = [
    [[], {}, /nothing to explain/],
    [['s3', 'ls'], { stdin: true }, /either --stdin or a command/],
    [['s3', 'ls'], { policy: '/nonexistent/p.yaml' }, /cannot read the policy/],
  ];
  for (const [args, options, message] of cases) {
    const error = await run(args, options).then(() => undefined, (e: unknown) => e);
    t.ok(isUserFacingError(error), `${message} is a user-facing error`);
    t.match(error, { exitCode: 2, message });
  }
  const dir = mkdtempSync(join(tmpdir(), 'explain-'));
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'version: 1\nrules:\n  - { id: x, effect: allow, action: [s3:*] }\n  - { id: x, effect: maybe, actions: [s3:*] }\n');
  const error = await run(['s3', 'ls'], { policy: bad }).then(() => undefined, (e: unknown) => e);
  t.match(error, { exitCode: 2, message: /invalid policy \(4 problems\)/ }, 'every policy problem is listed');
});

t.test('registerExplain wires the flags to runExplain', async (t) => {
  const h = harness();
  const program = new Command('aws-guard').exitOverride();
  registerExplain(program, h.ctx);
  const explain = program.commands.find((c) => c.name() === 'explain');
  t.ok(explain);
  t.same(explain!.options.map((o) => o.long).sort(), ['--account', '--agent', '--for', '--group', '--json', '--policy', '--role', '--stdin']);
  const error = await program.parseAsync(['node', 'aws-guard', 'explain'], { from: 'node' }).then(() => undefined, (e: unknown) => e);
  t.match(error, { exitCode: 2, message: /nothing to explain/ }, 'the action runs runExplain');
});
