import t from 'tap';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuditEvent } from '@aws-guard/shared/audit/audit-record';
import { AGENT_PATH, APPROVER_PATH } from '@aws-guard/shared/protocol/endpoints';
import { loadOrCreateTokenKeys } from '@aws-guard/broker/auth/token-keys';
import { issueToken } from '@aws-guard/broker/auth/issue-token';
import { createLogger } from '@aws-guard/broker/log/create-logger';
import { createUpgradeAuthenticator, SUPPRESSED_CODE } from '@aws-guard/broker/server/authenticate-upgrade';

const keys = await loadOrCreateTokenKeys(t.testdir());
const origin = { remoteAddress: '192.0.2.7' };

const setup = (opts: { failing?: boolean; limits?: { burst: number; perSecond: number; summaryEveryMs: number } } = {}) => {
  const events: AuditEvent[] = [];
  let logged = '';
  const log = createLogger('error', new Writable({ write: (c, _e, done) => ((logged += String(c)), done()) }));
  const audit = { append: async (event: AuditEvent) => {
    if (opts.failing === true) throw new Error('disk full');
    events.push(event);
  } };
  const auth = createUpgradeAuthenticator({ keys, audit, log, ...(opts.limits === undefined ? {} : { limits: opts.limits }) });
  return { auth, events, logged: () => logged };
};

t.test('an accepted token is audited before the connection opens, without the token', async (t) => {
  const { auth, events } = setup();
  const { token, expiresAt } = await issueToken(keys, { agent: 'claude', human: 'alice', role: 'approver', groups: ['sre'], ttlMs: 60_000, sessionId: 'ses_a' });
  const r = await auth.authenticate(`Bearer ${token}`, APPROVER_PATH, origin);
  t.ok(r.ok);
  t.match(events, [{ type: 'token.accepted', sessionId: 'ses_a', actor: { kind: 'approver', agent: 'claude', human: 'alice', role: 'approver' },
    data: { channel: 'approver', tokenId: String, issuer: 'aws-guard', keyId: keys.keyId, groups: ['sre'], expiresAt: expiresAt.toISOString(), remoteAddress: '192.0.2.7' } }]);
  t.notOk(JSON.stringify(events).includes(token.split('.')[2]!), 'no signature');
});

t.test('an acceptance the audit cannot take refuses the connection (AUDIT_UNAVAILABLE)', async (t) => {
  const { auth, logged } = setup({ failing: true });
  const { token } = await issueToken(keys, { agent: 'claude', human: 'alice', role: 'agent', ttlMs: 60_000 });
  t.match(await auth.authenticate(`Bearer ${token}`, AGENT_PATH, origin), { ok: false, issue: { code: 'AUDIT_UNAVAILABLE' } });
  t.match(logged(), /could not audit an accepted connection/);
});

t.test('a rejection is audited with its code and reason; one the audit cannot take is still a rejection', async (t) => {
  const { auth, events } = setup();
  t.match(await auth.authenticate('Bearer a.b.c', AGENT_PATH, origin), { ok: false, issue: { code: 'AUTH_TOKEN_MALFORMED' } });
  t.match(events, [{ type: 'token.rejected', code: 'AUTH_TOKEN_MALFORMED', actor: { kind: 'broker' }, data: { reason: 'malformed', channel: 'agent', remoteAddress: '192.0.2.7', unverified: null } }]);
  const broken = setup({ failing: true });
  t.match(await broken.auth.authenticate(undefined, AGENT_PATH, origin), { ok: false, issue: { code: 'AUTH_TOKEN_MISSING' } });
  t.match(broken.logged(), /could not audit a refused connection/);
});

t.test('past the limit, rejections are counted and summed up in one record, on a timer or at flush', async (t) => {
  const { auth, events } = setup({ limits: { burst: 2, perSecond: 0, summaryEveryMs: 100 } });
  for (let i = 0; i < 7; i++) await auth.authenticate(i % 2 === 0 ? undefined : 'Basic x', AGENT_PATH, origin);
  t.equal(events.length, 2, 'the burst only, so far');
  await sleep(250);
  t.equal(events.length, 3, 'then one summary');
  t.match(events[2], { type: 'token.rejected', code: SUPPRESSED_CODE, actor: { kind: 'broker' }, data: { suppressed: 5, reasons: { missing: 3, malformed: 2 }, remotes: { '192.0.2.7': 5 }, remotesOmitted: 0 } });
  await auth.authenticate(undefined, AGENT_PATH, origin);
  await auth.flush();
  t.match(events.slice(3), [{ code: SUPPRESSED_CODE, data: { suppressed: 1 } }], 'flush writes what is left at once');
  await auth.flush();
  t.equal(events.length, 4, 'and nothing when nothing is left');
});
