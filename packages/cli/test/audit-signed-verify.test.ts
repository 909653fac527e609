import t from 'tap';
import { generateKeyPairSync } from 'node:crypto';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { isUserFacingError } from '@aws-guard/shared/errors';
import { registerAudit } from '../src/commands/audit.js';
import { runAuditPubkey, runAuditVerify } from '../src/commands/audit-verify-run.js';
import type { AuditIo } from '../src/commands/audit-data-dir.js';
import { readLines, rehash, writeLines, writeSignedLog } from '../../broker/test/audit/signed-log.js';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const streams: AuditIo = {
    env: {},
    stdout: { write: (s: string) => (out.push(s), true) } as unknown as NodeJS.WritableStream,
    stderr: { write: (s: string) => (err.push(s), true) } as unknown as NodeJS.WritableStream,
  };
  return { streams, out: () => out.join(''), err: () => err.join('') };
}

t.test('pubkey prints the data dir key\'s public half, and says when there is none', async (t) => {
  const dir = t.testdir();
  const { key } = await writeSignedLog(dir, 2, 10);
  const run = io();
  t.equal(await runAuditPubkey({ dataDir: dir }, run.streams), 0);
  t.equal(run.out(), key.publicPem);
  t.notMatch(run.out(), /PRIVATE/);
  const none = await runAuditPubkey({ dataDir: t.testdir() }, io().streams).catch((e: unknown) => e);
  t.ok(isUserFacingError(none) && none.code === 'AUDIT_NO_KEY' && /broker creates it/.test(none.message));
});

t.test('verify of a cleanly stopped log: chain and every checkpoint, exit 0, no warning', async (t) => {
  const dir = t.testdir();
  const { key } = await writeSignedLog(dir, 10, 4);
  const run = io();
  t.equal(await runAuditVerify({ dataDir: dir }, run.streams), 0);
  t.match(run.out(), /verified: 13 records, last seq 13, last hash [0-9a-f]{64}\n3 checkpoint signatures verified with key ([0-9a-f]{16}), the last at seq 13\n$/);
  t.match(run.out(), key.signer.keyId);
  t.equal(run.err(), '');
  const json = io();
  t.equal(await runAuditVerify({ dataDir: dir, json: true, requireSigned: true }, json.streams), 0);
  t.same(JSON.parse(json.out()), {
    path: join(dir, 'audit', 'audit.jsonl'), ok: true, count: 13, lastSeq: 13, lastHash: JSON.parse(json.out()).lastHash,
    checkpoints: 3, lastCheckpointSeq: 13, unsigned: 0, keyId: key.signer.keyId, skipped: 0, warnings: [],
  });
});

t.test('verify --from: a seq or a time; anything else is a usage error', async (t) => {
  const dir = t.testdir();
  await writeSignedLog(dir, 10, 4);
  const run = io();
  t.equal(await runAuditVerify({ dataDir: dir, from: '6' }, run.streams), 0);
  t.match(run.out(), /verified: 8 records, last seq 13[\s\S]*verified from seq 6: the 5 records before it were read, not verified/);
  t.equal(await runAuditVerify({ dataDir: dir, from: '2000-01-01T00:00:00Z' }, io().streams), 0, 'a time before every record: all verified');
  for (const bad of ['0', 'yesterday', '-3', '6x'])
    await t.rejects(runAuditVerify({ dataDir: dir, from: bad }, io().streams), { code: 'AUDIT_USAGE', exitCode: 2 }, `--from ${bad}`);
});

t.test('records after the last checkpoint: a warning, or a failure with --require-signed', async (t) => {
  const dir = t.testdir();
  await writeSignedLog(dir, 6, 4, false);
  const warning = /^aws-guard: warning: 2 records after the last checkpoint \(seq 5\) are not signed yet: records removed from the end of the log would not be detected/;
  const run = io();
  t.equal(await runAuditVerify({ dataDir: dir }, run.streams), 0);
  t.match(run.err(), warning);
  const strict = io();
  t.equal(await runAuditVerify({ dataDir: dir, requireSigned: true }, strict.streams), 1);
  t.match(strict.err(), /does NOT verify at line 7 \(seq 7\): AUDIT_UNSIGNED_TAIL: 2 records after the last checkpoint/);
  const json = io();
  t.equal(await runAuditVerify({ dataDir: dir, json: true }, json.streams), 0);
  t.match(JSON.parse(json.out()), { ok: true, unsigned: 2, lastCheckpointSeq: 5, warnings: [/^2 records after the last checkpoint/] });
});

t.test('--pubkey verifies a copied log away from the data dir; another key fails it', async (t) => {
  const dir = t.testdir();
  const { path, key } = await writeSignedLog(dir, 10, 4);
  const elsewhere = join(dir, 'copy');
  await mkdir(join(elsewhere, 'audit'), { recursive: true });
  await copyFile(path, join(elsewhere, 'audit', 'audit.jsonl'));
  const pem = join(elsewhere, 'broker.pub.pem');
  await writeFile(pem, key.publicPem);
  const noKey = io();
  t.equal(await runAuditVerify({ dataDir: elsewhere }, noKey.streams), 1, 'no key there and none given');
  t.match(noKey.err(), /AUDIT_CHECKPOINT_NO_KEY: checkpoint at seq 5: no public key/);
  t.equal(await runAuditVerify({ dataDir: elsewhere, pubkey: pem }, io().streams), 0);
  const other = join(elsewhere, 'other.pub.pem');
  await writeFile(other, generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
  const run = io();
  t.equal(await runAuditVerify({ dataDir: elsewhere, pubkey: other }, run.streams), 1);
  t.match(run.err(), /at line 5 \(seq 5\): AUDIT_CHECKPOINT_BAD_SIGNATURE: checkpoint at seq 5: signature does not verify with the public key/);
});

t.test('a re-hashed log is named by its first checkpoint', async (t) => {
  const dir = t.testdir();
  const { path } = await writeSignedLog(dir, 10, 4);
  await writeLines(path, rehash(await readLines(path), (r) => { r['data'] = { argv: ['iam', 'delete-user'] }; }));
  const run = io();
  t.equal(await runAuditVerify({ dataDir: dir }, run.streams), 1);
  t.match(run.err(), /AUDIT_CHECKPOINT_BAD_SIGNATURE: checkpoint at seq 5: signature does not verify with the public key\n$/);
});

t.test('--pubkey that cannot be read or is not an Ed25519 public key is a usage error (exit 2)', async (t) => {
  const dir = t.testdir();
  await writeSignedLog(dir, 1, 4);
  const rsa = join(dir, 'rsa.pem');
  await writeFile(rsa, generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }));
  const garbage = join(dir, 'garbage.pem');
  await writeFile(garbage, 'not a key');
  const table = [
    { pubkey: join(dir, 'absent.pem'), code: 'AUDIT_PUBKEY_UNREADABLE' },
    { pubkey: rsa, code: 'AUDIT_PUBKEY_INVALID', message: /a rsa key, not Ed25519/ },
    { pubkey: garbage, code: 'AUDIT_PUBKEY_INVALID', message: /not a PEM public key/ },
  ];
  for (const row of table) {
    await t.rejects(runAuditVerify({ dataDir: dir, pubkey: row.pubkey }, io().streams), { code: row.code, exitCode: 2, ...(row.message ? { message: row.message } : {}) });
  }
});

t.test('registerAudit wires pubkey, --pubkey and --require-signed', async (t) => {
  const dir = t.testdir();
  await writeSignedLog(dir, 6, 4, false);
  const codes: number[] = [];
  const run = io();
  const program = new Command().exitOverride();
  registerAudit(program, { ...run.streams, version: 'test', setExitCode: (c) => codes.push(c) });
  await program.parseAsync(['node', 'aws-guard', 'audit', 'pubkey', '--data-dir', dir]);
  const pem = join(dir, 'pub.pem');
  await writeFile(pem, run.out());
  await program.parseAsync(['node', 'aws-guard', 'audit', 'verify', '--data-dir', dir, '--pubkey', pem]);
  await program.parseAsync(['node', 'aws-guard', 'audit', 'verify', '--data-dir', dir, '--pubkey', pem, '--require-signed']);
  t.same(codes, [0, 0, 1]);
  t.match(run.err(), /AUDIT_UNSIGNED_TAIL/);
});
