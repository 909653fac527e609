// Refused connections are audited (`token.rejected`): a stable reason for each way a token fails, the peer's
// address and what the token claims (unverified), never the token or its signature; a flood of bad tokens becomes
// a few records and one count of the rest; a refusal the audit cannot take is still a refusal.
import t from 'tap';
import { request } from 'node:http';
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { SignJWT, generateKeyPair, type JWTPayload } from 'jose';
import { AGENT_PATH, APPROVER_PATH } from '@aws-guard/shared/protocol/endpoints';
import { loadOrCreateTokenKeys } from '@aws-guard/broker/auth/token-keys';
import { verifyChain } from '@aws-guard/shared/audit/hash-chain';
import { startBroker, type Broker } from '../helpers/broker.js';

type Rec = { type: string; code?: string; actor: { kind: string }; data: Record<string, unknown> };
const auditText = (broker: Broker) => readFile(join(broker.dataDir, 'audit', 'audit.jsonl'), 'utf8');
const rejections = async (broker: Broker): Promise<Rec[]> =>
  (await auditText(broker)).trim().split('\n').map((l) => JSON.parse(l) as Rec).filter((r) => r.type === 'token.rejected');

/** A bare WebSocket upgrade: the HTTP status and body the broker answers with. */
const upgrade = (broker: Broker, path: string, authorization?: string): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    const req = request(`${broker.url.replace(/^ws:/, 'http:')}${path}`, {
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': randomBytes(16).toString('base64'), ...(authorization === undefined ? {} : { Authorization: authorization }) },
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      resolve({ status: 101, body: '' });
    });
    req.on('error', reject);
    req.end();
  });

const broker = await startBroker();
t.teardown(broker.stop);
const keys = await loadOrCreateTokenKeys(broker.dataDir);
const now = () => Math.floor(Date.now() / 1000);
const claims = (): JWTPayload => ({ iss: 'aws-guard', aud: 'aws-guard', sub: 'mallory-bot', human: 'mallory', role: 'agent', sid: 'ses_forged', jti: 'jti-1', iat: now(), exp: now() + 600 });
const signed = (payload: JWTPayload) => new SignJWT(payload).setProtectedHeader({ alg: 'EdDSA', kid: keys.keyId }).sign(keys.privateKey);
const elsewhere = await generateKeyPair('EdDSA', { crv: 'Ed25519' });

const good = await broker.token({ agent: 'mallory-bot', human: 'mallory' });
const [h, p] = good.split('.') as [string, string, string];
const tampered = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), role: 'admin' })).toString('base64url')}.${good.split('.')[2]}`;

const CASES: ReadonlyArray<{ name: string; path?: string; authorization: string | undefined; status: number; code: string; reason: string; sub?: string }> = [
  { name: 'no token', authorization: undefined, status: 401, code: 'AUTH_TOKEN_MISSING', reason: 'missing' },
  { name: 'not a bearer header', authorization: 'Basic bWFsbG9yeTpodW50ZXIy', status: 401, code: 'AUTH_TOKEN_MALFORMED', reason: 'malformed' },
  { name: 'not a JWT', authorization: 'Bearer abc.def.ghi', status: 401, code: 'AUTH_TOKEN_MALFORMED', reason: 'malformed' },
  { name: 'expired', authorization: `Bearer ${await broker.token({ agent: 'mallory-bot', ttlMs: 60_000, now: new Date(Date.now() - 3_600_000) })}`, status: 401, code: 'AUTH_TOKEN_EXPIRED', reason: 'expired', sub: 'mallory-bot' },
  { name: 'a tampered payload', authorization: `Bearer ${tampered}`, status: 401, code: 'AUTH_TOKEN_INVALID', reason: 'bad-signature', sub: 'mallory-bot' },
  { name: 'a key the broker lacks', authorization: `Bearer ${await new SignJWT(claims()).setProtectedHeader({ alg: 'EdDSA', kid: 'k-elsewhere' }).sign(elsewhere.privateKey)}`, status: 401, code: 'AUTH_TOKEN_INVALID', reason: 'unknown-key', sub: 'mallory-bot' },
  { name: 'another audience', authorization: `Bearer ${await signed({ ...claims(), aud: 'someone-else' })}`, status: 401, code: 'AUTH_TOKEN_CLAIMS', reason: 'wrong-audience', sub: 'mallory-bot' },
  { name: 'another issuer', authorization: `Bearer ${await signed({ ...claims(), iss: 'https://idp.example' })}`, status: 401, code: 'AUTH_TOKEN_CLAIMS', reason: 'wrong-issuer', sub: 'mallory-bot' },
  { name: 'an agent token on the approver channel', path: APPROVER_PATH, authorization: `Bearer ${good}`, status: 403, code: 'AUTH_WRONG_ROLE', reason: 'wrong-role', sub: 'mallory-bot' },
];

t.test('each way a token fails is refused and audited with its reason, the peer and the unverified claims', async (t) => {
  let sent = 0;
  for (const c of CASES) {
    // Past the burst of 5 the limiter writes one record a second: pace the cases so that each gets its own.
    if (++sent > 5) await new Promise((r) => setTimeout(r, 1_100));
    const res = await upgrade(broker, c.path ?? AGENT_PATH, c.authorization);
    t.equal(res.status, c.status, `${c.name}: HTTP ${c.status}`);
    t.equal((JSON.parse(res.body) as { code: string }).code, c.code, `${c.name}: ${c.code}`);
    const record = (await rejections(broker)).at(-1);
    t.match(record, { code: c.code, actor: { kind: 'broker' }, data: { reason: c.reason, channel: c.path === APPROVER_PATH ? 'approver' : 'agent', remoteAddress: '127.0.0.1', message: String } }, `${c.name}: audited as ${c.reason}`);
    if (c.sub !== undefined) t.match(record?.data['unverified'], { header: { alg: 'EdDSA', kid: String }, claims: { sub: c.sub, jti: String, exp: Number } }, `${c.name}: what the token claims`);
    else t.equal(record?.data['unverified'], null, `${c.name}: nothing readable to keep`);
  }
  t.equal((await rejections(broker)).length, CASES.length, 'one record per refusal');
  const text = await auditText(broker);
  for (const c of CASES) {
    const token = c.authorization?.replace(/^\w+ /, '');
    if (token === undefined) continue;
    t.notOk(text.includes(token), `${c.name}: the token is not in the audit`);
    const signature = token.split('.')[2];
    if (signature !== undefined && signature.length > 20) t.notOk(text.includes(signature), `${c.name}: nor its signature`);
  }
  t.notOk(text.includes('bWFsbG9yeTpodW50ZXIy'), 'nor a password sent as Basic auth');
});

t.test('a flood of bad tokens leaves a bounded number of records and one count of the rest', async (t) => {
  const flooded = await startBroker();
  t.teardown(flooded.stop);
  const ATTEMPTS = 300;
  const started = Date.now();
  for (let i = 0; i < ATTEMPTS; i += 30) {
    const batch = await Promise.all(Array.from({ length: 30 }, () => upgrade(flooded, AGENT_PATH, 'Bearer not.a.token')));
    t.ok(batch.every((r) => r.status === 401), 'every attempt is refused');
  }
  const seconds = (Date.now() - started) / 1000;
  // An honest agent still gets in during the flood.
  t.equal((await upgrade(flooded, AGENT_PATH, `Bearer ${await flooded.token()}`)).status, 101, 'a good token is accepted');
  // Stopping writes the summary of what is still uncounted (the broker also does so every 5 s).
  await flooded.stop();
  const records = await rejections(flooded);
  const detailed = records.filter((r) => r.code !== 'AUTH_REJECTIONS_SUPPRESSED');
  const summaries = records.filter((r) => r.code === 'AUTH_REJECTIONS_SUPPRESSED');
  t.ok(detailed.length <= 5 + Math.ceil(seconds) + 1, `${detailed.length} records of single refusals in ${seconds.toFixed(1)} s (burst 5, then 1/s)`);
  t.ok(summaries.length >= 1 && summaries.length <= Math.ceil(seconds / 5) + 1, `${summaries.length} summaries`);
  const suppressed = summaries.reduce((n, r) => n + Number(r.data['suppressed']), 0);
  t.equal(detailed.length + suppressed, ATTEMPTS, 'every attempt is either recorded or counted');
  t.match(summaries.at(-1)?.data, { reasons: { malformed: Number }, remotes: { '127.0.0.1': Number }, remotesOmitted: 0, firstAt: String, lastAt: String });
  const lines = (await auditText(flooded)).trim().split('\n');
  const types = lines.map((l) => (JSON.parse(l) as Rec).type);
  t.same(types.slice(-3), ['token.rejected', 'broker.stopped', 'audit.checkpoint'], 'the last count is written at stop, before broker.stopped');
  t.ok((await verifyChain(lines)).ok, 'the chain verifies');
});

t.test('a refusal the audit cannot take is still a refusal', async (t) => {
  const file = join(broker.dataDir, 'audit', 'audit.jsonl');
  await new Promise((r) => setTimeout(r, 1_100)); // a token for the limiter, so that the record is attempted
  await rename(file, `${file}.saved`);
  await symlink('/dev/full', file);
  const bad = await upgrade(broker, AGENT_PATH, 'Bearer abc.def.ghi');
  const goodWhileBroken = await upgrade(broker, AGENT_PATH, `Bearer ${good}`);
  await rm(file);
  await rename(`${file}.saved`, file);
  t.equal(bad.status, 401, 'refused');
  t.equal(goodWhileBroken.status, 503, 'and a good token is not let in unaudited');
  t.match(goodWhileBroken.body, /AUDIT_UNAVAILABLE/);
  t.equal((await upgrade(broker, AGENT_PATH, `Bearer ${good}`)).status, 101, 'accepted again once the audit can be written');
  t.match(broker.stderr(), /could not audit a refused connection/, 'the operator hears of the lost record');
});
