// The shim's own failures are one clear `aws-guard:` line and a documented exit code, never a stack:
// 253 when it is not configured, 255 when the broker is unreachable or refuses the token or protocol.
import t from 'tap';
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, SignJWT } from 'jose';
import { startBroker } from '../helpers/broker.js';
import { agentEnv, runAws } from '../helpers/shim.js';
import { freePort } from '../helpers/free-port.js';
import { assertOneLine } from '../helpers/guard-cli.js';

const broker = await startBroker();
t.teardown(broker.stop);


t.test('no URL: exit 253 with how to configure', async (t) => {
  const res = await runAws(['s3', 'ls'], { env: await agentEnv(undefined, 'x') });
  t.equal(res.code, 253);
  t.match(res.stderr, /AWS_GUARD_URL is not set/);
  assertOneLine(t, res.stderr);
});

t.test('no token: exit 253 with how to configure', async (t) => {
  const res = await runAws(['s3', 'ls'], { env: await agentEnv(broker.url, undefined) });
  t.equal(res.code, 253);
  t.match(res.stderr, /AWS_GUARD_TOKEN/);
  assertOneLine(t, res.stderr);
});

t.test('the token can come from AWS_GUARD_TOKEN_FILE', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tok-'));
  await writeFile(join(dir, 'token'), `${await broker.token()}\n`);
  const res = await runAws(['--version'], { env: await agentEnv(broker.url, undefined, { AWS_GUARD_TOKEN_FILE: join(dir, 'token') }) });
  t.equal(res.code, 0, res.stderr);
  t.match(res.stdout.toString(), /^aws-cli\//);
});

t.test('an unreadable token file: exit 253', async (t) => {
  const res = await runAws(['s3', 'ls'], { env: await agentEnv(broker.url, undefined, { AWS_GUARD_TOKEN_FILE: '/nonexistent/token' }) });
  t.equal(res.code, 253);
  assertOneLine(t, res.stderr);
});

t.test('an unreachable broker: exit 255 with the reason', async (t) => {
  const port = await freePort();
  const res = await runAws(['s3', 'ls'], { env: await agentEnv(`ws://127.0.0.1:${port}`, 'x') });
  t.equal(res.code, 255);
  t.match(res.stderr, /cannot reach the broker.*ECONNREFUSED/);
  assertOneLine(t, res.stderr);
});

const REJECTED: readonly { name: string; token: () => Promise<string>; reason: RegExp }[] = [
  { name: 'a garbage token', token: async () => 'not-a-jwt', reason: /not a valid JWT|Bearer/ },
  { name: 'an expired token', token: () => broker.token({ ttlMs: 1000, now: new Date(Date.now() - 3_600_000) }), reason: /expired/ },
  {
    name: 'a token signed by another key',
    token: async () => {
      const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
      return new SignJWT({ role: 'agent', human: 'h', sid: 's' }).setProtectedHeader({ alg: 'EdDSA' }).setIssuer('aws-guard').setAudience('aws-guard').setSubject('a').setJti('j').setIssuedAt().setExpirationTime('1h').sign(privateKey);
    },
    reason: /signature/,
  },
  { name: 'an approver token', token: () => broker.token({ role: 'approver' }), reason: /role "approver"/ },
];

for (const c of REJECTED) {
  t.test(`${c.name} is rejected at the upgrade: exit 255`, async (t) => {
    const res = await runAws(['sts', 'get-caller-identity'], { env: await agentEnv(broker.url, await c.token()) });
    t.equal(res.code, 255);
    t.match(res.stderr, /the broker refused the connection/);
    t.match(res.stderr, c.reason);
    assertOneLine(t, res.stderr);
  });
}
