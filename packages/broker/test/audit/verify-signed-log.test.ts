import t from 'tap';
import { generateKeyPairSync } from 'node:crypto';
import { verifyAuditFile } from '@aws-guard/broker/audit/verify-audit-file';
import { attackerSigner, readLines, rehash, writeLines, writeSignedLog } from './signed-log.js';

// 10 events, a checkpoint after every 4 records, closed cleanly: seq 5, 10 and 13 are checkpoints (line n = seq n).
const RECORDS = 10;
const EVERY = 4;

const editArgv = (record: Record<string, unknown>): void => {
  record['data'] = { argv: ['s3', 'rb', 's3://evidence', '--force'], i: 1 };
};

type Case = Readonly<{
  name: string;
  tamper: (lines: string[]) => string[];
  expect: Record<string, unknown>;
}>;

const cases: Case[] = [
  {
    name: 'a byte edited in a record',
    tamper: (l) => l.map((line, i) => (i === 6 ? line.replace('"ls"', '"lt"') : line)),
    expect: { ok: false, issue: { code: 'AUDIT_HASH_MISMATCH', seq: 7, line: 7, message: /record was edited/ } },
  },
  {
    name: 'a record deleted',
    tamper: (l) => l.filter((_, i) => i !== 6),
    expect: { ok: false, issue: { code: 'AUDIT_SEQ_GAP', seq: 8, line: 7, message: /record 7 is missing/ } },
  },
  {
    name: 'two records swapped',
    tamper: (l) => [...l.slice(0, 6), l[7]!, l[6]!, ...l.slice(8)],
    expect: { ok: false, issue: { code: 'AUDIT_SEQ_OUT_OF_ORDER', seq: 8, line: 7, message: /reordered/ } },
  },
  {
    name: 'a checkpoint deleted',
    tamper: (l) => l.filter((_, i) => i !== 9),
    expect: { ok: false, issue: { code: 'AUDIT_SEQ_GAP', seq: 11, line: 10 } },
  },
  {
    name: 'the whole file re-hashed consistently, old signatures kept',
    tamper: (l) => rehash(l, editArgv),
    expect: { ok: false, issue: { code: 'AUDIT_CHECKPOINT_BAD_SIGNATURE', seq: 5, line: 5,
      message: 'checkpoint at seq 5: signature does not verify with the public key' } },
  },
  {
    name: 'the whole file re-hashed and re-signed with a key the broker never had',
    tamper: (l) => rehash(l, editArgv, attackerSigner()),
    expect: { ok: false, issue: { code: 'AUDIT_CHECKPOINT_BAD_SIGNATURE', seq: 5,
      message: /^checkpoint at seq 5: signature does not verify with the public key \(it names key [0-9a-f]{16}; the public key given is [0-9a-f]{16}\)$/ } },
  },
  {
    name: 'the records before a checkpoint rewritten, its data (the signed head) left as signed',
    tamper: (l) => rehash(l, editArgv, undefined, true),
    expect: { ok: false, issue: { code: 'AUDIT_CHECKPOINT_MISPLACED', seq: 5, line: 5,
      message: /^checkpoint at seq 5: signs seq 4 with hash [0-9a-f]{64}, but follows seq 4 with hash [0-9a-f]{64}$/ } },
  },
  {
    name: 'the records after the last checkpoint removed (the final one too): only reported as unsigned',
    tamper: (l) => l.slice(0, 11),
    expect: { ok: true, count: 11, lastSeq: 11, checkpoints: 2, lastCheckpointSeq: 10, unsigned: 1 },
  },
  {
    name: 'truncated exactly at a checkpoint: indistinguishable from a log that ended there',
    tamper: (l) => l.slice(0, 10),
    expect: { ok: true, count: 10, checkpoints: 2, lastCheckpointSeq: 10, unsigned: 0 },
  },
  {
    name: 'every checkpoint stripped and the chain re-hashed: verifies as a chain, but nothing is signed',
    tamper: (l) => rehash(l.filter((line) => !line.includes('"audit.checkpoint"')), () => {}),
    expect: { ok: true, count: RECORDS, checkpoints: 0, lastCheckpointSeq: null, unsigned: RECORDS },
  },
];

t.test('an untouched signed log verifies, every checkpoint checked', async (t) => {
  const { path, key } = await writeSignedLog(t.testdir(), RECORDS, EVERY);
  t.match(await verifyAuditFile(path, key.publicKey),
    { ok: true, count: 13, lastSeq: 13, checkpoints: 3, lastCheckpointSeq: 13, unsigned: 0, keyId: key.signer.keyId });
});

for (const c of cases) {
  t.test(`tamper: ${c.name}`, async (t) => {
    const { path, key } = await writeSignedLog(t.testdir(), RECORDS, EVERY);
    const lines = await readLines(path);
    t.equal(lines.length, 13);
    await writeLines(path, c.tamper(lines));
    t.match(await verifyAuditFile(path, key.publicKey), c.expect);
  });
}

t.test('checkpoints checked with another public key fail at the first one', async (t) => {
  const { path } = await writeSignedLog(t.testdir(), RECORDS, EVERY);
  const other = generateKeyPairSync('ed25519').publicKey;
  t.match(await verifyAuditFile(path, other), { ok: false, issue: { code: 'AUDIT_CHECKPOINT_BAD_SIGNATURE', seq: 5, message: /it names key/ } });
});

t.test('with no public key at all, a checkpoint is reported rather than trusted', async (t) => {
  const { path } = await writeSignedLog(t.testdir(), RECORDS, EVERY);
  t.match(await verifyAuditFile(path, null), { ok: false, issue: { code: 'AUDIT_CHECKPOINT_NO_KEY', seq: 5, message: /--pubkey/ } });
});
