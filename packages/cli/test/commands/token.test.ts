// `aws-guard token issue` mints tokens the broker accepts, with the claims asked for.
import t from 'tap';
import { Command } from 'commander';
import { ROLES } from '@aws-guard/broker/auth/identity';
import { loadOrCreateTokenKeys } from '@aws-guard/broker/auth/token-keys';
import { verifyToken } from '@aws-guard/broker/auth/verify-token';
import { registerToken, TOKEN_ROLES } from '../../src/commands/token.js';
import { runTokenIssue } from '../../src/commands/token-issue.js';
import type { CommandContext } from '../../src/commands/command-context.js';

const capture = () => {
  const out = { stdout: '', stderr: '', code: 0 };
  const ctx: CommandContext = {
    env: {},
    stdout: { write: (s: string) => ((out.stdout += s), true) } as NodeJS.WritableStream,
    stderr: { write: (s: string) => ((out.stderr += s), true) } as NodeJS.WritableStream,
    version: '0.0.0-test',
    setExitCode: (c) => (out.code = c),
  };
  return { out, ctx };
};

t.test('the command offers exactly the roles the broker knows', async (t) => {
  t.same([...TOKEN_ROLES], [...ROLES]);
});

t.test('an issued token verifies with the data dir key and carries agent, human and role', async (t) => {
  const dataDir = t.testdir();
  const { out, ctx } = capture();
  await runTokenIssue({ dataDir, agent: 'ci-bot', for: 'alice', role: 'approver', ttl: '2h' }, ctx);
  const token = out.stdout.trim();
  t.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/, 'only the token on stdout');
  t.match(out.stderr, /approver token for ci-bot acting for alice/);
  const verified = await verifyToken(await loadOrCreateTokenKeys(dataDir), token, ['approver']);
  t.ok(verified.ok);
  if (verified.ok) {
    t.equal(verified.value.agent, 'ci-bot');
    t.equal(verified.value.human, 'alice');
    const ttl = verified.value.expiresAt.getTime() - Date.now();
    t.ok(ttl > 7_100_000 && ttl <= 7_200_000, `expires in about 2h (${ttl} ms)`);
  }
});

t.test('--json prints the claims beside the token', async (t) => {
  const { out, ctx } = capture();
  await runTokenIssue({ dataDir: t.testdir(), agent: 'a', for: 'h', role: 'agent', ttl: '5m', session: 'ses_fixed', json: true }, ctx);
  const parsed = JSON.parse(out.stdout) as Record<string, string>;
  t.match(parsed, { agent: 'a', human: 'h', role: 'agent', sessionId: 'ses_fixed' });
  t.type(parsed['token'], 'string');
});

t.test('--group (repeatable) puts the groups in the token, the --json claims and the summary line', async (t) => {
  const dataDir = t.testdir();
  const { out, ctx } = capture();
  const program = new Command().exitOverride();
  registerToken(program, ctx);
  await program.parseAsync(['node', 'x', 'token', 'issue', '--data-dir', dataDir, '--agent', 'a', '--for', 'h', '--group', 'team-a', '--group', 'org:sre/eu']);
  t.match(out.stderr, /agent token for a acting for h in groups team-a, org:sre\/eu,/);
  const verified = await verifyToken(await loadOrCreateTokenKeys(dataDir), out.stdout.trim(), ['agent']);
  t.same(verified.ok && verified.value.groups, ['team-a', 'org:sre/eu']);
  const json = capture();
  await runTokenIssue({ dataDir, agent: 'a', for: 'h', role: 'agent', ttl: '5m', group: ['ops'], json: true }, json.ctx);
  t.same((JSON.parse(json.out.stdout) as { groups: string[] }).groups, ['ops']);
});

t.test('bad values are usage errors with exit code 2', async (t) => {
  for (const opts of [{ ttl: '8 hours' }, { agent: 'has space' }, { for: '' }, { group: ['team a'] }, { group: Array.from({ length: 33 }, (_, i) => `g${i}`) }]) {
    const { ctx } = capture();
    const error = await runTokenIssue({ dataDir: t.testdir(), agent: 'a', for: 'h', role: 'agent', ttl: '1h', ...opts }, ctx).then(() => undefined, (e: unknown) => e);
    t.match(error, { name: 'UserFacingError', exitCode: 2 }, JSON.stringify(opts));
  }
});

t.test('--ttl above the maximum lifetime is refused naming the limit and how to raise it', async (t) => {
  const table: [string, string, Record<string, string>, RegExp | undefined][] = [
    ['the default limit itself', '30d', {}, undefined],
    ['a second over the default', '2592001s', {}, /--ttl 2592001s is longer than the 30d a broker token may live; .*auth\.maxTokenLifetime \(at most 365d\).*set AWS_GUARD_MAX_TOKEN_LIFETIME/],
    ['99999d', '99999d', {}, /--ttl 99999d is longer than the 30d/],
    ['90d with the limit raised to 90d', '90d', { AWS_GUARD_MAX_TOKEN_LIFETIME: '90d' }, undefined],
    ['91d with the limit raised to 90d', '91d', { AWS_GUARD_MAX_TOKEN_LIFETIME: '90d' }, /--ttl 91d is longer than the 90d/],
    ['9h with the limit lowered to 8h', '9h', { AWS_GUARD_MAX_TOKEN_LIFETIME: '8h' }, /--ttl 9h is longer than the 8h/],
    ['a limit beyond 365d', '1h', { AWS_GUARD_MAX_TOKEN_LIFETIME: '400d' }, /^AWS_GUARD_MAX_TOKEN_LIFETIME: "400d" must be from 1m to 365d$/],
  ];
  for (const [what, ttl, env, refused] of table) {
    const dataDir = t.testdir();
    const { out, ctx } = capture();
    const error = await runTokenIssue({ dataDir, agent: 'a', for: 'h', role: 'agent', ttl }, { ...ctx, env }).then(() => undefined, (e: unknown) => e);
    if (refused === undefined) {
      t.equal(error, undefined, `${what}: minted`);
      t.equal((await verifyToken(await loadOrCreateTokenKeys(dataDir), out.stdout.trim(), ['agent'], undefined, 365 * 86_400_000)).ok, true, `${what}: verifies`);
      continue;
    }
    t.match(error, { name: 'UserFacingError', exitCode: 2, message: refused }, what);
    t.equal(out.stdout, '', `${what}: no token printed`);
  }
});

t.test('the registered command parses its options and refuses an unknown role', async (t) => {
  const { out, ctx } = capture();
  const program = new Command().exitOverride().configureOutput({ writeErr: (s) => (out.stderr += s) });
  registerToken(program, ctx);
  const dataDir = t.testdir();
  await program.parseAsync(['node', 'x', 'token', 'issue', '--data-dir', dataDir, '--agent', 'a', '--for', 'h']);
  t.match(out.stdout, /^ey/);
  t.throws(() => program.parse(['node', 'x', 'token', 'issue', '--data-dir', dataDir, '--agent', 'a', '--for', 'h', '--role', 'root']));
  t.match(out.stderr, /Allowed choices are agent, approver, admin/);
});
