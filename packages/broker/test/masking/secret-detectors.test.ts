// What the detectors mask, and what they leave alone: each secret-bearing output is masked with the right kinds
// and counts, JSON stays JSON, and ordinary output (including near misses) passes byte for byte.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { SECRET_FIXTURES } from './secret-fixtures.js';
import { maskString } from './mask-helpers.js';

const MASK = /\*\*\*\*\(masked: ([A-Za-z]+), (\d+) chars\)/g;

for (const f of SECRET_FIXTURES) {
  t.test(f.name, async (t) => {
    const { out, counts } = maskString(f.text);
    const text = out.toString('latin1');
    for (const secret of f.secrets) t.notOk(text.includes(secret), `no trace of ${secret.slice(0, 24)}…`);
    t.same(counts, f.counts, 'masked values counted by kind');
    const masks = [...text.matchAll(MASK)];
    t.equal(masks.length, Object.values(f.counts).reduce((a, b) => a + b, 0), 'one mask per value');
    // The masks say how much they removed: putting that many characters back gives the original length.
    const removed = masks.reduce((n, m) => n + Number(m[2]) - m[0].length, 0);
    t.equal(text.length + removed, f.text.length, 'mask lengths add up');
    if (f.text.trimStart().startsWith('{')) t.doesNotThrow(() => JSON.parse(text), 'still valid JSON');
  });
}

t.test('the mask format, exactly', async (t) => {
  const cases: readonly [string, string, string][] = [
    ['a JSON value', '        "AccessKeyId": "AKIARZPUZDIKBHV4MZ3C",\n', '        "AccessKeyId": "****(masked: AccessKeyId, 20 chars)",\n'],
    ['a named secret key', '"SecretAccessKey": "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"\n', '"SecretAccessKey": "****(masked: SecretAccessKey, 40 chars)"\n'],
    ['text columns', 'ACCESSKEY\tAKIARZPUZDIKNHZAJ3RO\t2026-11-26T16:14:35Z\t2QZxjMO+Ip9bL9cGlsZZmsnffp37wNcENnQmomtU\tActive\tfx\n', 'ACCESSKEY\t****(masked: AccessKeyId, 20 chars)\t2026-11-26T16:14:35Z\t****(masked: SecretAccessKey, 40 chars)\tActive\tfx\n'],
    ['a v2 presigned URL', 'https://b.s3.amazonaws.com/k?AWSAccessKeyId=AKIAY34FZKBOKMUTVV7A&Signature=ffRLhbAUOizrOi%2Fzyp4P666ACJU%3D&Expires=1795713303\n', 'https://b.s3.amazonaws.com/k?AWSAccessKeyId=****(masked: AccessKeyId, 20 chars)&Signature=****(masked: PresignedSignature, 32 chars)&Expires=1795713303\n'],
    ['a coloured table cell', '|  \x1b[1m\x1b[34mSecretAccessKey\x1b[0m|  \x1b[1m\x1b[34meBOMx0YLsLSHG8DGyAua0xt8+CYw0yrpyniP6UN/\x1b[0m  |\n', '|  \x1b[1m\x1b[34mSecretAccessKey\x1b[0m|  \x1b[1m\x1b[34m****(masked: SecretAccessKey, 40 chars)\x1b[0m  |\n'],
    ['a key at the very end, no newline', 'id AKIAY34FZKBOKMUTVV7A', 'id ****(masked: AccessKeyId, 20 chars)'],
  ];
  for (const [name, input, expected] of cases) t.equal(maskString(input).out.toString(), expected, name);
});

// Near misses: each of these must pass untouched (a mask here would be a false positive).
const ORDINARY: readonly [string, string][] = [
  ['a git SHA and a 40-char id', 'commit 3f786850e387550fdab836ed7e6dc881de23001b\nid Zr9T+e2WbN1xYpC8sJmD4fGaU6oH0iKqh7Qv/3kL\n'],
  ['text columns of 40+ characters on a line without a key id', 'BRANCH\tsecret-rotation\t3f786850e387550fdab836ed7e6dc881de23001b\nTOKEN\tZr9T+e2WbN1xYpC8sJmD4fGaU6oH0iKqh7Qv/3kLr2wD5nB8c1HxQ0eYtUuIoP9sAaZz\n'],
  ['pagination tokens', '{\n    "NextToken": "eyJNYXJrZXIiOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAxfQ==",\n    "Token": "abc"\n}\n'],
  ['user and role ids are not keys', '"UserId": "AIDAJQABLZS4A3QDU576Q",\n"AssumedRoleId": "AROA3XFRBF535PLBIFPI4:session",\n'],
  ['a key id with a 21st character', 'AKIAIOSFODNN7EXAMPLEX and XAKIAIOSFODNN7EXAMPLE\n'],
  ['secret names without secret values', '"SecretAccessKey": null,\n"SessionToken": "",\naws_session_token =\n"Name": "prod/db-secret"\n'],
  ['a secret key name with a short value', 'aws_secret_access_key = test\n'],
  ['an ARN of a secret', '"ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-secret-AbCdEf"\n'],
  ['a table without secrets', '---------------\n|  ListUsers  |\n+-------------+\n||   Users   ||\n|+-----------+|\n||  alice    ||\n|+-----------+|\n'],
  ['unicode', 'ünïcødé ✓ — 日本語 tokens and secrets are words too\n'],
  ['s3 progress with carriage returns', 'Completed 256.0 KiB/1.0 MiB (2.1 MiB/s) with 1 file(s) remaining\rCompleted 512.0 KiB/1.0 MiB (2.3 MiB/s) with 1 file(s) remaining\r'],
  ['a URL without signatures', 'https://example.com/?Expires=1&X-Amz-Date=20261126T161500Z&signed=yes\n'],
  ['the word PRIVATE KEY without a block', 'see the PRIVATE KEY section; -----BEGIN PUBLIC KEY-----\nMIIBIjANBgkq\n-----END PUBLIC KEY-----\n'],
];

t.test('ordinary output passes byte-identical', async (t) => {
  for (const [name, text] of ORDINARY) {
    const { out, counts } = maskString(text);
    t.equal(out.toString(), text, name);
    t.same(counts, {}, `${name}: nothing counted`);
  }
  const binary = randomBytes(1 << 20);
  t.ok(maskString(binary).out.equals(binary), '1 MiB of random bytes');
});

t.test('secrets inside longer lines and other encodings', async (t) => {
  const cases: readonly [string, string, string][] = [
    ['XML from an error body', '<SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY</SecretAccessKey>', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ['YAML', 'SecretAccessKey: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ['camelCase', '{"accessKeyId":"ASIAY34FZKBOKMUTVV7A","secretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ['a header dump', 'x-amz-security-token: FwoGZXIvYXdzEBYaDHqa0Ab1Cd2Ef3Gh4IjKlMnOpQrStUvWxYz\n', 'FwoGZXIvYXdzEBYaDHqa0Ab1Cd2Ef3Gh4IjKlMnOpQrStUvWxYz'],
  ];
  for (const [name, text, secret] of cases) t.notOk(maskString(text).out.toString().includes(secret), name);
});
