import t from 'tap';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadOrCreateTokenKeys } from '@aws-guard/broker/auth/token-keys';
import { issueToken } from '@aws-guard/broker/auth/issue-token';
import { verifyToken } from '@aws-guard/broker/auth/verify-token';

const keyPath = (dataDir: string) => join(dataDir, 'keys', 'token-signing.jwk.json');
const agentToken = { agent: 'claude', human: 'alice', role: 'agent' as const, ttlMs: 60_000 };

t.test('the first load creates the data dir and a private key only the broker can read', async (t) => {
  const dataDir = join(t.testdir(), 'not', 'yet', 'there');
  const keys = await loadOrCreateTokenKeys(dataDir);
  t.equal((await stat(keyPath(dataDir))).mode & 0o777, 0o600, 'key file 0600');
  t.equal((await stat(join(dataDir, 'keys'))).mode & 0o777, 0o700, 'keys dir 0700');
  const jwk = JSON.parse(await readFile(keyPath(dataDir), 'utf8')) as Record<string, unknown>;
  t.match(jwk, { kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', kid: keys.keyId, d: String, x: String });
  t.ok(Object.isFrozen(keys));
});

t.test('later loads reuse the same key: tokens from before still verify, the file is untouched', async (t) => {
  const dataDir = t.testdir();
  const first = await loadOrCreateTokenKeys(dataDir);
  const before = await readFile(keyPath(dataDir), 'utf8');
  const { token } = await issueToken(first, agentToken);
  const second = await loadOrCreateTokenKeys(dataDir);
  t.equal(second.keyId, first.keyId);
  t.equal(await readFile(keyPath(dataDir), 'utf8'), before);
  t.equal((await verifyToken(second, token, ['agent'])).ok, true, 'a token signed before verifies after');
});

t.test('two data dirs get two different keys that do not verify each other', async (t) => {
  const dir = t.testdir();
  const a = await loadOrCreateTokenKeys(join(dir, 'a'));
  const b = await loadOrCreateTokenKeys(join(dir, 'b'));
  const { token } = await issueToken(a, agentToken);
  const r = await verifyToken(b, token, ['agent']);
  t.equal(r.ok ? 'ok' : r.issue.code, 'AUTH_TOKEN_INVALID');
});

t.test('concurrent first loads agree on one key', async (t) => {
  const dataDir = t.testdir();
  const all = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateTokenKeys(dataDir)));
  t.equal(new Set(all.map((k) => k.keyId)).size, 1);
  const { token } = await issueToken(all[3]!, agentToken);
  for (const keys of all) t.equal((await verifyToken(keys, token, ['agent'])).ok, true);
});

t.test('a corrupt key file is an error, never silently replaced by a new key', async (t) => {
  const dataDir = t.testdir({ keys: { 'token-signing.jwk.json': '{not json' } });
  await t.rejects(loadOrCreateTokenKeys(dataDir));
  t.equal(await readFile(keyPath(dataDir), 'utf8'), '{not json', 'left as it was for the operator to look at');
});

t.test('an existing key file is loaded as it is, whatever created it', async (t) => {
  const dir = t.testdir();
  const source = join(dir, 'source');
  const copy = join(dir, 'copy');
  const original = await loadOrCreateTokenKeys(source);
  await mkdir(join(copy, 'keys'), { recursive: true });
  await writeFile(keyPath(copy), await readFile(keyPath(source)));
  t.equal((await loadOrCreateTokenKeys(copy)).keyId, original.keyId);
});
