// The broker's token-signing key pair (Ed25519), kept in the data dir: created once, then loaded.
// The private key file is 0600; only `token issue` and the broker read it.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';

export const TOKEN_ALG = 'EdDSA';
export const TOKEN_ISSUER = 'aws-guard';
export const TOKEN_AUDIENCE = 'aws-guard';

export type TokenKeys = Readonly<{ privateKey: CryptoKey; publicKey: CryptoKey; keyId: string }>;

const keyFile = (dataDir: string) => join(dataDir, 'keys', 'token-signing.jwk.json');

const importPair = async (jwk: JWK & { d: string; kid: string }): Promise<TokenKeys> => {
  const { d: _secret, ...publicJwk } = jwk;
  return Object.freeze({
    privateKey: (await importJWK(jwk, TOKEN_ALG)) as CryptoKey,
    publicKey: (await importJWK(publicJwk, TOKEN_ALG)) as CryptoKey,
    keyId: jwk.kid,
  });
};

/** Loads the key pair from the data dir, or null when there is none yet (doctor: look, never create). */
export const loadTokenKeys = async (dataDir: string): Promise<TokenKeys | null> => {
  try {
    return await importPair(JSON.parse(await readFile(keyFile(dataDir), 'utf8')) as JWK & { d: string; kid: string });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
};

/** Loads the key pair from the data dir, creating it (and the dir) on first use. */
export const loadOrCreateTokenKeys = async (dataDir: string): Promise<TokenKeys> => {
  const path = keyFile(dataDir);
  let text: string | undefined;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (text !== undefined) return importPair(JSON.parse(text) as JWK & { d: string; kid: string });
  const { privateKey } = await generateKeyPair(TOKEN_ALG, { crv: 'Ed25519', extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), alg: TOKEN_ALG, kid: `k-${Date.now().toString(36)}` };
  await mkdir(join(dataDir, 'keys'), { recursive: true, mode: 0o700 });
  // `wx`: two processes creating the key at once must not overwrite each other's key.
  try {
    await writeFile(path, JSON.stringify(jwk), { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateTokenKeys(dataDir);
    throw e;
  }
  return importPair(jwk as JWK & { d: string; kid: string });
};
