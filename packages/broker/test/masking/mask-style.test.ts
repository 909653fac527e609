// The keyed-hash mask style: equal values give equal masks, different values or keys different ones, the hash is
// the documented HMAC (an operator can check a candidate), and pattern masks follow the same style.
import t from 'tap';
import { createHmac } from 'node:crypto';
import { formatMask, LENGTH_STYLE, type MaskStyle } from '@aws-guard/broker/masking/mask-style';
import { maskOutput, masksIn } from './document-helpers.js';

const hmac = (key: string): MaskStyle => ({ kind: 'hmac', key: Buffer.from(key) });
const KEY = 'k'.repeat(64);
const style = hmac(KEY);
const HASH_MASK = /^\*\*\*\*\(masked: SecretString, hmac-sha256:[0-9a-f]{16}\)$/;

const secretOf = (value: string, s: MaskStyle = style): string =>
  (maskOutput('secretsmanager', 'get-secret-value', { SecretString: value }, { style: s }).value as { SecretString: string }).SecretString;

t.test('the same value gives the same mask, a different value or key a different one', async (t) => {
  const a = secretOf('prod-password-1');
  t.match(a, HASH_MASK);
  t.equal(secretOf('prod-password-1'), a, 'equal values: equal masks, so an approver sees they are the same');
  t.not(secretOf('prod-password-2'), a, 'different values: different masks');
  t.not(secretOf('prod-password-1', hmac('another-key-'.repeat(4))), a, 'another broker key: unrelated masks');
  t.notOk(a.includes('chars'), 'the length is not shown');
});

t.test('the hash is HMAC-SHA256 of the value text under the key, first 16 hex digits', async (t) => {
  const expected = createHmac('sha256', KEY).update('prod-password-1', 'utf8').digest('hex').slice(0, 16);
  t.equal(secretOf('prod-password-1'), `****(masked: SecretString, hmac-sha256:${expected})`);
  const number = createHmac('sha256', KEY).update('1234', 'utf8').digest('hex').slice(0, 16);
  t.equal(formatMask('Pin', 1234, style), `****(masked: Pin, hmac-sha256:${number})`, 'a non-string: its JSON text');
  t.equal(formatMask('Pin', 1234, LENGTH_STYLE), '****(masked: Pin, 4 chars)');
});

t.test('equal secrets in different members and outputs compare equal; pattern masks are hashed too', async (t) => {
  const { value } = maskOutput('secretsmanager', 'batch-get-secret-value', { SecretValues: [{ Name: 'a', SecretString: 'shared' }, { Name: 'b', SecretString: 'shared' }, { Name: 'c', SecretString: 'other' }] }, { style });
  const hashes = masksIn(value).map(([, , detail]) => detail);
  t.equal(hashes[0], hashes[1]);
  t.not(hashes[0], hashes[2]);
  const viaPattern = maskOutput('iam', 'list-access-keys', { AccessKeyMetadata: [{ AccessKeyId: 'AKIAIOSFODNN7EXAMPLE' }, { AccessKeyId: 'AKIAIOSFODNN7EXAMPLE' }] }, { style });
  const keys = masksIn(viaPattern.value);
  t.equal(keys.length, 2);
  t.match(keys[0]![0], /^\*\*\*\*\(masked: AccessKeyId, hmac-sha256:[0-9a-f]{16}\)$/);
  t.equal(keys[0]![0], keys[1]![0], 'the same key id twice: one hash');
  t.same(viaPattern.masked, { AccessKeyId: 2 });
});
