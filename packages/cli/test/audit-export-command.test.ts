import t from 'tap';
import { appendFile, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerAudit } from '../src/commands/audit.js';
import { runAuditExport } from '../src/commands/audit-export-run.js';
import { ocsfProblems } from './audit-export-ocsf-6003.fixture.js';
import { BASE, captureIo, dataDirWith } from './audit-export-log.fixture.js';

const now = () => new Date(BASE + 12 * 60_000);

t.test('jsonl exports the stored lines unchanged, filtered', async (t) => {
  const { dir } = await dataDirWith(t);
  const stored = (await readFile(join(dir, 'audit', 'audit.jsonl'), 'utf8')).split('\n');
  const all = captureIo();
  t.equal(await runAuditExport({ dataDir: dir, format: 'jsonl' }, all.io, { now }), 0);
  t.equal(all.out(), stored.join('\n'));
  const denied = captureIo();
  t.equal(await runAuditExport({ dataDir: dir, format: 'jsonl', decision: 'deny' }, denied.io, { now }), 0);
  t.equal(denied.out(), `${stored[5]}\n`);
});

t.test('ocsf exports one valid API Activity event per matching record', async (t) => {
  const { dir } = await dataDirWith(t);
  const run = captureIo();
  t.equal(await runAuditExport({ dataDir: dir, format: 'ocsf', agent: 'codex' }, run.io, { now }), 0);
  const events = run.lines().map((l) => JSON.parse(l) as Record<string, unknown>);
  t.same(events.map((e) => (e['metadata'] as { sequence: number }).sequence), [7, 8, 9, 10, 11, 12]);
  for (const event of events) t.same(ocsfProblems(event), []);
  t.match(events[0], { metadata: { product: { version: '9.9.9' } } });
});

t.test('--output writes a 0600 file and says how many records went there', async (t) => {
  const { dir } = await dataDirWith(t);
  const output = join(dir, 'out.jsonl');
  const run = captureIo();
  t.equal(await runAuditExport({ dataDir: dir, format: 'ocsf', output, type: 'command.executed' }, run.io, { now }), 0);
  t.equal(run.out(), '');
  t.match(run.err(), `exported 2 records to ${output}`);
  t.equal((await readFile(output, 'utf8')).trimEnd().split('\n').length, 2);
  t.equal((await stat(output)).mode & 0o777, 0o600);
  await t.rejects(runAuditExport({ dataDir: dir, format: 'jsonl', output: join(dir, 'no', 'such', 'dir') }, captureIo().io, { now }),
    { code: 'AUDIT_OUTPUT_UNWRITABLE' });
  const log = join(dir, 'audit', 'audit.jsonl');
  const before = await readFile(log, 'utf8');
  await t.rejects(runAuditExport({ dataDir: dir, format: 'jsonl', output: log }, captureIo().io, { now }), { code: 'AUDIT_USAGE', message: /is the audit log itself/ });
  t.equal(await readFile(log, 'utf8'), before, 'the log is untouched');
});

t.test('usage problems are reported together, before anything is read', async (t) => {
  const cases: ReadonlyArray<[Record<string, string>, RegExp]> = [
    [{}, /--format must be one of jsonl, ocsf$/],
    [{ format: 'csv', since: 'soon', decision: 'no' }, /--format must be one of jsonl, ocsf, not csv; --since: "soon" .*; --decision: "no" is not one of/],
  ];
  for (const [opts, message] of cases) {
    await t.rejects(runAuditExport({ dataDir: join(t.testdir(), 'none'), ...opts }, captureIo().io, { now }), { code: 'AUDIT_USAGE', exitCode: 2, message });
  }
  await t.rejects(runAuditExport({ dataDir: join(t.testdir(), 'none'), format: 'jsonl' }, captureIo().io, { now }), { code: 'AUDIT_LOG_MISSING' });
});

t.test('an unsound record is left out and named, and the export exits 1; an unfinished last line is not an error', async (t) => {
  const { dir } = await dataDirWith(t);
  const path = join(dir, 'audit', 'audit.jsonl');
  await appendFile(path, '{"v":1,"seq":13}\n');
  const bad = captureIo();
  t.equal(await runAuditExport({ dataDir: dir, format: 'ocsf' }, bad.io, { now }), 1);
  t.equal(bad.lines().length, 12);
  t.match(bad.err(), /record not exported: AUDIT_BAD_RECORD \(seq 13\)[\s\S]*1 records could not be read/);
  const { dir: other } = await dataDirWith(t);
  await appendFile(join(other, 'audit', 'audit.jsonl'), '{"v":1,"se');
  const torn = captureIo();
  t.equal(await runAuditExport({ dataDir: other, format: 'jsonl' }, torn.io, { now }), 0);
  t.equal(torn.lines().length, 12);
  t.match(torn.err(), /incomplete \(being written\?\)/);
});

t.test('registerAudit wires export and the filtered tail with their exit codes', async (t) => {
  const { dir } = await dataDirWith(t);
  const codes: number[] = [];
  const run = captureIo();
  const program = new Command().exitOverride();
  registerAudit(program, { ...run.io, setExitCode: (c) => codes.push(c) });
  await program.parseAsync(['node', 'aws-guard', 'audit', 'export', '--data-dir', dir, '--format', 'jsonl', '--session', 's2', '--type', 'command.*']);
  await program.parseAsync(['node', 'aws-guard', 'audit', 'tail', '--data-dir', dir, '--decision', 'deny', '--human', 'alice']);
  t.same(codes, [0, 0]);
  const lines = run.lines();
  t.same(lines.slice(0, 3).map((l) => (JSON.parse(l) as { seq: number }).seq), [7, 11, 12]);
  t.match(lines[3], /#6 +claude for alice +command\.refused +aws configure list {2}deny {2}exit 255 {2}\[LOCAL_ONLY_COMMAND\]$/);
  t.equal(lines.length, 4);
});
