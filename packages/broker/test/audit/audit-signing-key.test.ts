import t from 'tap';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { checkpointMessage, publicKeyId, verifyCheckpointSignature } from '@aws-guard/shared/audit/checkpoint-signature';
import { auditKeyPath, loadOrCreateAuditSigningKey, readAuditPublicKey } from '@aws-guard/broker/audit/audit-signing-key';

t.test('the key is created on first use, 0600 in a 0700 keys dir, then loaded unchanged', async (t) => {
  const dataDir = t.testdir();
  t.equal(await readAuditPublicKey(dataDir), null, 'no key before the first start');
  const created = await loadOrCreateAuditSigningKey(dataDir);
  t.equal(auditKeyPath(dataDir), join(dataDir, 'keys', 'audit-ed25519.pem'));
  t.equal((await stat(auditKeyPath(dataDir))).mode & 0o777, 0o600);
  t.equal((await stat(join(dataDir, 'keys'))).mode & 0o777, 0o700);
  const loaded = await loadOrCreateAuditSigningKey(dataDir);
  t.equal(loaded.signer.keyId, created.signer.keyId);
  t.equal(loaded.publicPem, created.publicPem);
  t.match(created.publicPem, /^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n$/);
  const pub = await readAuditPublicKey(dataDir);
  t.equal(pub === null ? null : publicKeyId(pub), created.signer.keyId);
});

t.test('two first starts at once end with one key', async (t) => {
  const dataDir = t.testdir();
  const [a, b] = await Promise.all([loadOrCreateAuditSigningKey(dataDir), loadOrCreateAuditSigningKey(dataDir)]);
  t.equal(a.signer.keyId, b.signer.keyId);
});

t.test('what the signer signs verifies with the public key, and only that message', async (t) => {
  const { signer, publicKey } = await loadOrCreateAuditSigningKey(t.testdir());
  const fields = { seq: 4, hash: 'a'.repeat(64), ts: '2025-01-01T00:00:00.000Z', prevSignature: null };
  const signature = signer.sign(checkpointMessage(fields));
  t.equal(verifyCheckpointSignature(fields, signature, publicKey), true);
  for (const changed of [{ seq: 5 }, { hash: 'b'.repeat(64) }, { ts: '2025-01-01T00:00:00.001Z' }, { prevSignature: signature }]) {
    t.equal(verifyCheckpointSignature({ ...fields, ...changed }, signature, publicKey), false, JSON.stringify(changed));
  }
});
