import t, { type Test } from 'tap';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditEvent } from '@aws-guard/shared/audit/audit-record';
import { createAuditLog } from '@aws-guard/broker/audit/audit-log';
import { auditDirOf } from '@aws-guard/broker/audit/audit-files';
import { runSessions, type ListedSession } from '../src/commands/sessions-run.js';

const claude = { kind: 'agent', agent: 'claude', human: 'alice', role: 'agent' } as const;
const codex = { kind: 'agent', agent: 'codex', human: 'bob', role: 'agent' } as const;
const approver = { kind: 'approver', agent: 'carol-tui', human: 'carol', role: 'approver' } as const;
const s1 = (type: AuditEvent['type'], requestId: string, data: AuditEvent['data'] = {}, code?: string): AuditEvent =>
  ({ type, requestId, sessionId: 's1', actor: claude, data, ...(code === undefined ? {} : { code }) });

/** s1: four commands — one ran, one refused by policy, one approved by two votes, one denied by an approver. */
const events: AuditEvent[] = [
  { type: 'broker.started', actor: { kind: 'broker' }, data: {} },
  s1('command.requested', 'r1', { argv: ['s3', 'ls'] }),
  s1('command.executed', 'r1', { exitCode: 0 }),
  { type: 'command.requested', requestId: 'r9', sessionId: 's2', actor: codex, data: { argv: ['sts', 'get-caller-identity'] } },
  s1('command.requested', 'r2', { argv: ['iam', 'delete-user', '--user-name', 'x'] }),
  s1('command.refused', 'r2', { exitCode: 254 }, 'POLICY_DENIED'),
  s1('command.requested', 'r3', { argv: ['ec2', 'terminate-instances'] }),
  s1('approval.requested', 'r3', { approvalId: 'a3' }),
  { type: 'approval.approved', requestId: 'r3', actor: approver, data: { approvalId: 'a3', state: 'pending' } },
  { type: 'approval.approved', requestId: 'r3', actor: approver, data: { approvalId: 'a3', state: 'approved' } },
  s1('approval.consumed', 'r3', { approvalId: 'a3', approvers: ['carol', 'dave'] }),
  s1('command.executed', 'r3', { exitCode: 0 }),
  s1('command.requested', 'r4', { argv: ['s3', 'rb', 's3://b'] }),
  { type: 'approval.denied', requestId: 'r4', actor: approver, data: { approvalId: 'a4' } },
  s1('command.refused', 'r4', { exitCode: 254 }, 'APPROVAL_DENIED'),
];

const clock = (() => {
  let n = 0;
  return () => new Date(Date.UTC(2026, 10, 26, 9, 0, n++));
})();

async function dataDir(t: Test, withCast: readonly string[]): Promise<string> {
  const dir = t.testdir();
  const log = await createAuditLog({ dir: auditDirOf(dir), clock });
  for (const event of events) await log.append(event);
  await log.close();
  await mkdir(join(dir, 'sessions'));
  for (const name of withCast) await writeFile(join(dir, 'sessions', name), '{"version":2,"width":80,"height":24}\n');
  return dir;
}

const io = () => {
  const out: string[] = [];
  const err: string[] = [];
  const sink = (into: string[]) => ({ write: (s: string) => (into.push(s), true) }) as unknown as NodeJS.WritableStream;
  return { streams: { env: {}, stdout: sink(out), stderr: sink(err) }, out: () => out.join(''), err: () => err.join('') };
};

t.test('sessions are derived from the audit log and joined with the recordings present', async (t) => {
  const dir = await dataDir(t, ['s1.cast']);
  const run = io();
  t.equal(await runSessions({ dataDir: dir, json: true }, run.streams), 0);
  const listed = JSON.parse(run.out()) as ListedSession[];
  const expected: [string, Partial<ListedSession>][] = [
    ['s1', { agent: 'claude', human: 'alice', commands: 4, denied: 2, approved: 1, recording: join(dir, 'sessions', 's1.cast') }],
    ['s2', { agent: 'codex', human: 'bob', commands: 1, denied: 0, approved: 0, recording: null }],
  ];
  t.same(listed.map((s) => s.sessionId), expected.map(([id]) => id), 'ordered by start');
  for (const [i, [id, fields]] of expected.entries()) t.match(listed[i], fields, id);
  t.ok(listed[0]!.start < listed[1]!.start, 's1 started first');
  t.ok(listed[0]!.last > listed[1]!.last, 's1 ended last');
  t.equal(run.err(), '');
});

t.test('the table shows one line per session with its counts', async (t) => {
  const dir = await dataDir(t, ['s2.cast']);
  const run = io();
  t.equal(await runSessions({ dataDir: dir }, run.streams), 0);
  const lines = run.out().trimEnd().split('\n');
  t.match(lines[0], /^SESSION\s+AGENT\s+HUMAN\s+START\s+COMMANDS\s+DENIED\s+APPROVED\s+RECORDING$/);
  t.match(lines[1], /^s1\s+claude\s+alice\s+2026-11-26T\S+\s+4\s+2\s+1\s+no$/);
  t.match(lines[2], /^s2\s+codex\s+bob\s+2026-11-26T\S+\s+1\s+0\s+0\s+yes$/);
  t.equal(lines.length, 3);
});

t.test('an unreadable record is left out and makes the exit code 1', async (t) => {
  const dir = await dataDir(t, []);
  const path = join(dir, 'audit', 'audit.jsonl');
  const { readFile } = await import('node:fs/promises');
  await writeFile(path, (await readFile(path, 'utf8')).replace('"r9"', '"rX"'));
  const run = io();
  t.equal(await runSessions({ dataDir: dir, json: true }, run.streams), 1);
  t.same((JSON.parse(run.out()) as ListedSession[]).map((s) => s.sessionId), ['s1'], 'the edited record (s2) is not counted');
  t.match(run.err(), /1 records could not be read/);
});

t.test('a missing audit log is an error naming the path', async (t) => {
  const dir = t.testdir();
  await t.rejects(runSessions({ dataDir: dir }, io().streams), { code: 'AUDIT_LOG_MISSING', message: new RegExp(`no audit log at ${join(dir, 'audit', 'audit.jsonl')}`) });
});

t.test('`aws-guard sessions` and `aws-guard replay` are registered in the program', async (t) => {
  const { buildProgram } = await import('../src/program.js');
  const dir = await dataDir(t, []);
  await writeFile(join(dir, 'sessions', 's1.cast'), '{"version":2,"width":80,"height":24}\n[0,"o","$ aws s3 ls\\r\\n"]\n[0,"m","approval"]\n[0,"o","done\\r\\n"]\n');
  const cases: [string[], RegExp][] = [
    [['sessions', '--data-dir', dir], /^SESSION .*\ns1 +claude +alice .* yes\ns2 +codex +bob .* no\n$/s],
    [['replay', 's1', '--data-dir', dir, '--speed', '2', '--idle-limit', '1'], /^\$ aws s3 ls\r\ndone\r\n$/],
  ];
  for (const [argv, output] of cases) {
    const run = io();
    let exitCode = -1;
    const program = buildProgram({ ...run.streams, version: 'test', setExitCode: (code) => void (exitCode = code) });
    await program.parseAsync(['node', 'aws-guard', ...argv]);
    t.equal(exitCode, 0, argv.join(' '));
    t.match(run.out(), output, argv.join(' '));
  }
});
