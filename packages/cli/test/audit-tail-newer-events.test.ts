import t from 'tap';
import type { AuditRecord } from '@aws-guard/shared/audit/audit-record';
import { formatTailLine } from '../src/audit/format-tail-line.js';
import { createRequestContext } from '../src/audit/request-context.js';
import { CREDENTIALS, tsOf } from './audit-export-log.fixture.js';

const agent = { kind: 'agent', agent: 'claude', human: 'alice', role: 'agent' } as const;
const base = (seq: number) => ({ v: 1, seq, ts: tsOf(seq), prevHash: '0'.repeat(64), hash: 'f'.repeat(64) }) as const;

t.test('audit tail: the newer event types say what they add, escaped', async (t) => {
  const records: AuditRecord[] = [
    { ...base(1), type: 'token.accepted', sessionId: 's1', actor: agent, data: { channel: 'agent', remoteAddress: '127.0.0.1' } },
    { ...base(2), type: 'command.requested', requestId: 'r1', sessionId: 's1', actor: agent, data: { argv: ['s3api', 'list-buckets'] } },
    { ...base(3), type: 'command.decided', requestId: 'r1', sessionId: 's1', actor: agent, data: { decision: 'allow', rule: 'read' } },
    { ...base(4), type: 'credentials.issued', requestId: 'r1', sessionId: 's1', actor: agent, data: { ...CREDENTIALS, reused: true } },
    { ...base(5), type: 'token.rejected', code: 'AUTH_TOKEN_EXPIRED', actor: { kind: 'broker' }, data: { reason: 'expired\u001b[2J', remoteAddress: '10.0.0.9' } },
    { ...base(6), type: 'token.rejected', code: 'AUTH_REJECTIONS_SUPPRESSED', actor: { kind: 'broker' }, data: { suppressed: 12 } },
  ];
  const context = createRequestContext();
  const lines = records.map((r) => formatTailLine(r, context.observe(r)));
  t.match(lines[0], /claude for alice\s+token\.accepted\s+agent from 127\.0\.0\.1$/);
  t.match(lines[2], /command\.decided\s+aws s3api list-buckets {2}allow {2}rule read$/, 'the decision is known from command.decided on');
  t.match(lines[3], new RegExp(`credentials\\.issued\\s+aws s3api list-buckets  allow  as ${CREDENTIALS.roleArn} key ${CREDENTIALS.accessKeyId} \\(reused\\)$`));
  t.match(lines[4], /broker\s+token\.rejected\s+expired\\x1b\[2J from 10\.0\.0\.9 {2}\[AUTH_TOKEN_EXPIRED\]$/);
  t.notMatch(lines[4], /\u001b/, 'no raw escape reaches the terminal');
  t.match(lines[5], /token\.rejected\s+12 more refused {2}\[AUTH_REJECTIONS_SUPPRESSED\]$/);
});

t.test('audit tail: token.accepted and token.refreshed name an external token\'s issuer; broker-issued ones are as before', async (t) => {
  const github = { issuer: 'https://token.actions.githubusercontent.com', issuerName: 'github' };
  const broker = { issuer: 'aws-guard', issuerName: 'aws-guard' };
  const external = { kind: 'agent', agent: 'github/repo:acme/site', human: 'github/acme', role: 'agent' } as const;
  for (const [name, record, expected] of [
    ['accepted, external', { ...base(1), type: 'token.accepted', sessionId: 's1', actor: external, data: { channel: 'agent', remoteAddress: '10.0.0.7', ...github } }, /github\/repo:acme\/site for github\/acme\s+token\.accepted\s+agent from 10\.0\.0\.7, issuer github$/],
    ['accepted, broker-issued', { ...base(2), type: 'token.accepted', sessionId: 's2', actor: agent, data: { channel: 'agent', remoteAddress: '127.0.0.1', ...broker } }, /claude for alice\s+token\.accepted\s+agent from 127\.0\.0\.1$/],
    ['refreshed, external', { ...base(3), type: 'token.refreshed', sessionId: 's1', actor: external, data: { tokenId: 'b', previousTokenId: 'a', expiresAt: tsOf(9), ...github } }, /token\.refreshed\s+issuer github$/],
    ['refreshed, not taken, external', { ...base(4), type: 'token.refreshed', code: 'AUTH_REFRESH_MISMATCH', sessionId: 's1', actor: external, data: { previousTokenId: 'a', reason: 'mismatch', message: 'm', ...github } }, /token\.refreshed\s+issuer github {2}\[AUTH_REFRESH_MISMATCH\]$/],
    ['refreshed, broker-issued', { ...base(5), type: 'token.refreshed', sessionId: 's2', actor: agent, data: { tokenId: 'b', previousTokenId: 'a', expiresAt: tsOf(9), ...broker } }, /claude for alice\s+token\.refreshed$/],
    ['refreshed, written before the issuer was audited', { ...base(6), type: 'token.refreshed', sessionId: 's2', actor: agent, data: { tokenId: 'b', previousTokenId: 'a', expiresAt: tsOf(9) } }, /claude for alice\s+token\.refreshed$/],
    ['an issuer name with an escape is escaped', { ...base(7), type: 'token.accepted', sessionId: 's3', actor: external, data: { channel: 'agent', remoteAddress: '10.0.0.7', issuer: 'https://x', issuerName: 'ci\u001b[2J' } }, /agent from 10\.0\.0\.7, issuer ci\\x1b\[2J$/],
  ] as const) {
    t.match(formatTailLine(record as AuditRecord, createRequestContext().observe(record as AuditRecord)), expected, name);
  }
});
