import t from 'tap';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { createCheckpointChecker } from '@aws-guard/shared/audit/check-checkpoints';
import { checkpointMessage, parseEd25519PublicKey, publicKeyId } from '@aws-guard/shared/audit/checkpoint-signature';
import type { AuditRecord } from '@aws-guard/shared/audit/audit-record';
import { makeChain, makeRecord } from './make-chain.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const keyId = publicKeyId(publicKey);

t.test('the signed message is the documented ASCII line, byte for byte', async (t) => {
  const hash = 'ab'.repeat(32);
  t.equal(checkpointMessage({ seq: 7, hash, ts: '2025-01-01T00:00:00.000Z', prevSignature: null }).toString('latin1'),
    `aws-guard-audit-checkpoint/1 seq=7 hash=${hash} ts=2025-01-01T00:00:00.000Z prev=none`);
  t.equal(checkpointMessage({ seq: 7, hash, ts: 'T', prevSignature: 'c2ln' }).toString('latin1').endsWith(' prev=c2ln'), true);
});

t.test('the key id is the first 16 hex digits of SHA-256 over the DER SubjectPublicKeyInfo', async (t) => {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  t.equal(keyId, createHash('sha256').update(der).digest('hex').slice(0, 16));
});

t.test('only Ed25519 PEM public (or private) keys are accepted', async (t) => {
  const pem = (k: { export: (o: { type: 'spki' | 'pkcs8'; format: 'pem' }) => string | Buffer }, type: 'spki' | 'pkcs8') => String(k.export({ type, format: 'pem' }));
  t.match(parseEd25519PublicKey(pem(publicKey, 'spki')), { ok: true });
  t.match(parseEd25519PublicKey(pem(privateKey, 'pkcs8')), { ok: true });
  t.match(parseEd25519PublicKey(pem(generateKeyPairSync('x25519').publicKey, 'spki')), { ok: false, issue: { code: 'AUDIT_PUBKEY_INVALID', message: /x25519/ } });
  t.match(parseEd25519PublicKey('-----BEGIN PUBLIC KEY-----\nxx\n-----END PUBLIC KEY-----\n'), { ok: false, issue: { code: 'AUDIT_PUBKEY_INVALID' } });
});

/** A checkpoint after `head`, signed with `key` over (seq, hash, ts, prevSignature) as given, data overridable. */
function checkpointAfter(head: AuditRecord, prevSignature: string | null, data: Record<string, unknown> = {}, key = privateKey): AuditRecord {
  const ts = '2025-02-01T00:00:00.000Z';
  const signature = sign(null, checkpointMessage({ seq: head.seq, hash: head.hash, ts, prevSignature }), key).toString('base64');
  return makeRecord({
    seq: head.seq + 1, ts, type: 'audit.checkpoint', actor: { kind: 'broker' }, prevHash: head.hash,
    data: { seq: head.seq, hash: head.hash, keyId, prevSignature, signature, ...data },
  });
}

t.test('checkpoints in order verify; each problem has its own code', async (t) => {
  const [a, b] = makeChain(2);
  const first = checkpointAfter(a!, null);
  const firstSig = first.data['signature'] as string;
  const otherKey = generateKeyPairSync('ed25519').privateKey;
  const table: Array<{ name: string; records: () => AuditRecord[]; code: string | null; message?: RegExp }> = [
    { name: 'the first names no previous signature', records: () => [a!, first], code: null },
    { name: 'a data field missing', records: () => [a!, checkpointAfter(a!, null, { signature: undefined })], code: 'AUDIT_CHECKPOINT_MALFORMED', message: /data\.signature/ },
    { name: 'signed by another key', records: () => [a!, checkpointAfter(a!, null, {}, otherKey)], code: 'AUDIT_CHECKPOINT_BAD_SIGNATURE' },
    { name: 'signs a head other than the record before it', records: () => [a!, b!, { ...checkpointAfter(a!, null), seq: 3 }], code: 'AUDIT_CHECKPOINT_MISPLACED', message: /signs seq 1 .* but follows seq 2/ },
    { name: 'the first claims a previous signature', records: () => [a!, checkpointAfter(a!, firstSig)], code: 'AUDIT_CHECKPOINT_CHAIN_BROKEN', message: /not none/ },
    { name: 'a later one does not name the one before it', records: () => [a!, first, checkpointAfter(first, null)], code: 'AUDIT_CHECKPOINT_CHAIN_BROKEN', message: /^checkpoint at seq 3: its previous signature is not the signature of the checkpoint at seq 2: a checkpoint was removed$/ },
    { name: 'a later one names the one before it', records: () => [a!, first, checkpointAfter(first, firstSig)], code: null },
  ];
  for (const row of table) {
    const checker = createCheckpointChecker(publicKey);
    const problems = row.records().map((r) => checker.check(r)).filter((p) => p !== null);
    if (row.code === null) t.same(problems, [], row.name);
    else t.match(problems, [{ code: row.code, ...(row.message ? { message: row.message } : {}) }], row.name);
  }
});

t.test('the summary counts verified checkpoints and names the key', async (t) => {
  const [a] = makeChain(1);
  const checker = createCheckpointChecker(publicKey);
  t.same(checker.summary(), { checkpoints: 0, lastCheckpointSeq: null, keyId });
  checker.check(a!);
  t.equal(checker.check(checkpointAfter(a!, null)), null);
  t.same(checker.summary(), { checkpoints: 1, lastCheckpointSeq: 2, keyId });
  t.same(createCheckpointChecker(null).summary(), { checkpoints: 0, lastCheckpointSeq: null, keyId: null });
});
