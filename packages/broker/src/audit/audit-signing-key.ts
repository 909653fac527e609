// The audit checkpoint signing key (Ed25519): <data dir>/keys/audit-ed25519.pem, PKCS#8 PEM, mode 0600, created
// on the broker's first start and never copied elsewhere; verifiers get only the public half (`audit pubkey`).
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { publicKeyId } from '@aws-guard/shared/audit/checkpoint-signature';

export const AUDIT_KEY_FILE = join('keys', 'audit-ed25519.pem');

export const auditKeyPath = (dataDir: string): string => join(dataDir, AUDIT_KEY_FILE);

/** Signs checkpoint messages (checkpointMessage) for the audit log; the private key stays in this closure. */
export type CheckpointSigner = Readonly<{ keyId: string; sign: (message: Buffer) => string }>;

export type AuditSigningKey = Readonly<{ signer: CheckpointSigner; publicKey: KeyObject; publicPem: string }>;

/** Loads the key from the data dir, creating it (and keys/, 0700) on first use. */
export async function loadOrCreateAuditSigningKey(dataDir: string): Promise<AuditSigningKey> {
  const path = auditKeyPath(dataDir);
  const existing = await readKeyFile(path);
  if (existing !== null) return fromPrivatePem(existing);
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  await mkdir(join(dataDir, 'keys'), { recursive: true, mode: 0o700 });
  // `wx`: two processes creating the key at once must not overwrite each other's (as token-keys.ts does).
  try {
    await writeFile(path, pem, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateAuditSigningKey(dataDir);
    throw e;
  }
  return fromPrivatePem(pem);
}

/** The public half of the data dir's key, or null if the broker never created one there. */
export async function readAuditPublicKey(dataDir: string): Promise<AuditSigningKey['publicKey'] | null> {
  const pem = await readKeyFile(auditKeyPath(dataDir));
  return pem === null ? null : createPublicKey(createPrivateKey(pem));
}

export const publicKeyPem = (publicKey: KeyObject): string => publicKey.export({ type: 'spki', format: 'pem' }) as string;

function fromPrivatePem(pem: string): AuditSigningKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`the audit signing key is ${privateKey.asymmetricKeyType ?? 'unknown'}, not Ed25519`);
  }
  const publicKey = createPublicKey(privateKey);
  const keyId = publicKeyId(publicKey);
  return Object.freeze({
    signer: Object.freeze({ keyId, sign: (message: Buffer) => sign(null, message, privateKey).toString('base64') }),
    publicKey,
    publicPem: publicKeyPem(publicKey),
  });
}

async function readKeyFile(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}
