import t, { type Test } from 'tap';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import type { AuditEvent } from '@aws-guard/shared/audit/audit-record';
import { isUserFacingError } from '@aws-guard/shared/errors';
import { createAuditLog } from '@aws-guard/broker/audit/audit-log';
import { auditDirOf } from '@aws-guard/broker/audit/audit-files';
import { registerAudit } from '../src/commands/audit.js';
import { runAuditVerify } from '../src/commands/audit-verify-run.js';
import type { AuditIo } from '../src/commands/audit-data-dir.js';
import { runFilteredTail as runAuditTail } from '../src/commands/audit-export-run.js';

const agent = { kind: 'agent', agent: 'claude', human: 'alice', role: 'agent' } as const;
const events: AuditEvent[] = [
  { type: 'broker.started', actor: { kind: 'broker' }, data: { version: '0.1.0' } },
  { type: 'command.requested', requestId: 'r1', sessionId: 's1', actor: agent, data: { argv: ['s3api', 'list-buckets'] } },
  { type: 'command.executed', requestId: 'r1', sessionId: 's1', actor: agent, data: { exitCode: 0, durationMs: 12 } },
  { type: 'command.requested', requestId: 'r2', sessionId: 's1', actor: agent, data: { argv: ['configure', 'list'] } },
  { type: 'command.refused', code: 'LOCAL_ONLY_COMMAND', requestId: 'r2', sessionId: 's1', actor: agent, data: { exitCode: 255 } },
];

async function dataDirWith(t: Test, list: AuditEvent[] = events): Promise<string> {
  const dir = t.testdir();
  const log = await createAuditLog({ dir: auditDirOf(dir), clock: () => new Date('2025-05-06T07:08:09.010Z') });
  for (const event of list) await log.append(event);
  await log.close();
  return dir;
}

function io(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const streams: AuditIo & { version: string } = {
    env,
    version: '0.0.0-test',
    stdout: { write: (s: string) => (out.push(s), true) } as unknown as NodeJS.WritableStream,
    stderr: { write: (s: string) => (err.push(s), true) } as unknown as NodeJS.WritableStream,
  };
  return { streams, out: () => out.join(''), err: () => err.join('') };
}

t.test('verify exits 0 and says how many records verified', async (t) => {
  const dir = await dataDirWith(t);
  const run = io();
  t.equal(await runAuditVerify({ dataDir: dir }, run.streams), 0);
  t.match(run.out(), /verified: 5 records, last seq 5, last hash [0-9a-f]{64}/);
  const json = io();
  t.equal(await runAuditVerify({ dataDir: dir, json: true }, json.streams), 0);
  t.match(JSON.parse(json.out()), { path: join(dir, 'audit', 'audit.jsonl'), ok: true, count: 5, lastSeq: 5 });
});

t.test('verify exits 1 and names the first bad record and why', async (t) => {
  const dir = await dataDirWith(t);
  const path = join(dir, 'audit', 'audit.jsonl');
  await writeFile(path, (await readFile(path, 'utf8')).replace('list-buckets', 'list-buckeTs'));
  const run = io();
  t.equal(await runAuditVerify({ dataDir: dir }, run.streams), 1);
  t.match(run.err(), /does NOT verify at line 2 \(seq 2\): AUDIT_HASH_MISMATCH: .*edited/);
  const json = io();
  t.equal(await runAuditVerify({ dataDir: dir, json: true }, json.streams), 1);
  t.match(JSON.parse(json.out()), { ok: false, issue: { code: 'AUDIT_HASH_MISMATCH', seq: 2, line: 2 } });
});

t.test('verify fails a log whose last line has no newline', async (t) => {
  const dir = await dataDirWith(t);
  await appendFile(join(dir, 'audit', 'audit.jsonl'), '{"v":1,"seq":6');
  const run = io();
  t.equal(await runAuditVerify({ dataDir: dir, json: true }, run.streams), 1);
  t.match(JSON.parse(run.out()), { ok: false, issue: { code: 'AUDIT_TORN_TAIL', line: 6 } });
});

t.test('verify fails when there is no log, and finds it through AWS_GUARD_DATA_DIR', async (t) => {
  const run = io();
  t.equal(await runAuditVerify({ dataDir: join(t.testdir(), 'nothing') }, run.streams), 1);
  t.match(run.err(), /AUDIT_LOG_MISSING/);
  const dir = await dataDirWith(t);
  const byEnv = io({ AWS_GUARD_DATA_DIR: dir });
  t.equal(await runAuditVerify({}, byEnv.streams), 0);
});

t.test('tail shows time, seq, who, event, command and exit code', async (t) => {
  const dir = await dataDirWith(t);
  const run = io();
  t.equal(await runAuditTail({ dataDir: dir, lines: '4' }, run.streams), 0);
  const lines = run.out().trimEnd().split('\n');
  t.equal(lines.length, 4);
  t.match(lines[0], /^2025-05-06T07:08:09\.010Z {2}#2 {2}claude for alice +command\.requested +aws s3api list-buckets$/);
  t.match(lines[1], /#3 {2}claude for alice +command\.executed +aws s3api list-buckets {2}allow {2}exit 0$/);
  t.match(lines[3], /#5 .*command\.refused +aws configure list {2}deny {2}exit 255 {2}\[LOCAL_ONLY_COMMAND\]$/);
});

t.test('tail shows the request id when the request is older than the lines shown', async (t) => {
  const run = io();
  t.equal(await runAuditTail({ dataDir: await dataDirWith(t), lines: '1' }, run.streams), 0);
  t.match(run.out(), /#5 .*command\.refused +request r2 {2}deny {2}exit 255/);
});

t.test('tail escapes control characters an agent put in its argv', async (t) => {
  const argv = ['s3', 'cp', '\u001b[2Jfake\nline', "it's"];
  const dir = await dataDirWith(t, [{ type: 'command.requested', requestId: 'r', actor: agent, data: { argv } }]);
  const run = io();
  await runAuditTail({ dataDir: dir }, run.streams);
  t.notMatch(run.out(), /\u001b/);
  t.match(run.out(), /aws s3 cp '\\x1b\[2Jfake\\x0aline' 'it'\\''s'\n$/);
});

t.test('tail --json prints the stored lines unchanged', async (t) => {
  const dir = await dataDirWith(t);
  const stored = (await readFile(join(dir, 'audit', 'audit.jsonl'), 'utf8')).split('\n').slice(-3).join('\n');
  const run = io();
  t.equal(await runAuditTail({ dataDir: dir, lines: '2', json: true }, run.streams), 0);
  t.equal(run.out(), stored);
});

t.test('tail flags a record it cannot read and exits 1', async (t) => {
  const dir = await dataDirWith(t);
  await appendFile(join(dir, 'audit', 'audit.jsonl'), 'not json\n');
  const run = io();
  t.equal(await runAuditTail({ dataDir: dir, lines: '2' }, run.streams), 1);
  t.match(run.err(), /AUDIT_BAD_JSON.*audit verify/);
  t.match(run.out(), /#5 /);
});

t.test('tail refuses a count that is not a positive whole number, and a missing log', async (t) => {
  for (const lines of ['0', '-3', 'ten', '1.5']) {
    await t.rejects(runAuditTail({ dataDir: t.testdir(), lines }, io().streams), { code: 'AUDIT_USAGE', exitCode: 2 });
  }
  const missing = await runAuditTail({ dataDir: join(t.testdir(), 'none') }, io().streams).catch((e: unknown) => e);
  t.ok(isUserFacingError(missing) && missing.code === 'AUDIT_LOG_MISSING');
});

t.test('registerAudit wires verify and tail into the program with their exit codes', async (t) => {
  const dir = await dataDirWith(t);
  const codes: number[] = [];
  const run = io();
  const program = new Command().exitOverride();
  registerAudit(program, { ...run.streams, version: 'test', setExitCode: (c) => codes.push(c) });
  await program.parseAsync(['node', 'aws-guard', 'audit', 'verify', '--data-dir', dir, '--json']);
  await program.parseAsync(['node', 'aws-guard', 'audit', 'tail', '--data-dir', dir, '-n', '1']);
  await writeFile(join(dir, 'audit', 'audit.jsonl'), '');
  await appendFile(join(dir, 'audit', 'audit.jsonl'), 'x\n');
  await program.parseAsync(['node', 'aws-guard', 'audit', 'verify', '--data-dir', dir]);
  t.same(codes, [0, 0, 1]);
  t.match(run.out(), /"ok":true[\s\S]*#5 /);
});
