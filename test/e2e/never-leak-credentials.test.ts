// The never-leak suite, secrets the emulator generates (issue 6): iam create-access-key, sts assume-role and
// get-session-token, kms generate-data-key, ecr get-login-password / get-authorization-token, ec2 create-key-pair.
// Nobody knows these values before the command runs, so each is read back afterwards, from moto's state
// (/moto-api/data.json: access keys, STS sessions, key pairs), by decrypting the ciphertext the command printed
// (a data key), or from a run of the real CLI (moto's fixed session token and ECR token); where none of these
// can recover it (`generate-data-key --query Plaintext`) the value is recognised by its shape. The two runs of a
// case generate different values: each output is compared with its own secrets masked, and the non-secret values
// that differ too (a user name, a key pair's id, dates, a ciphertext) are mapped or blanked.
import t from 'tap';
import { motoState, plant, refusedFormats, runCases, secret, startSuite, undate, type LeakCase, type Runs, type Secret } from '../helpers/plant-secrets.js';

const suite = await startSuite(t);
const refused = await refusedFormats();
const state = () => motoState(suite.endpoint);

// iam create-access-key: each case makes a key for its own user (moto allows two per user), the real CLI for a
// twin user of the same name length.
let users = 0;
const accessKeyCase = (name: string, more: string[], masked: string[], env?: Record<string, string>): LeakCase => {
  const n = ++users;
  const [mine, twin] = [`nl-agent-${n}`, `nl-twin0-${n}`];
  return {
    name: `iam create-access-key ${name}`,
    args: ['iam', 'create-access-key', '--user-name', mine, ...more],
    directArgs: ['iam', 'create-access-key', '--user-name', twin, ...more],
    ...(env === undefined ? {} : { env }),
    masked,
    secrets: async () =>
      ((await state())['iam']?.['AccessKey'] ?? [])
        .filter((k) => k['user_name'] === mine || k['user_name'] === twin)
        .flatMap((k) => [secret('AccessKeyId', String(k['access_key_id'])), secret('SecretAccessKey', String(k['secret_access_key']))]),
    aliases: [[twin, mine]],
    normalize: undate,
  };
};

// sts assume-role: moto mints a new session for every call and keeps it in its state, by session name.
await plant(suite.endpoint, ['iam', 'create-role', '--role-name', 'nl-deployer', '--assume-role-policy-document', '{"Version":"2012-10-17","Statement":[]}']);
let sessions = 0;
const assumeRoleCase = (name: string, more: string[], masked: string[], env?: Record<string, string>): LeakCase => {
  const session = `nl-session-${++sessions}`;
  return {
    name: `sts assume-role ${name}`,
    args: ['sts', 'assume-role', '--role-arn', 'arn:aws:iam::123456789012:role/nl-deployer', '--role-session-name', session, ...more],
    ...(env === undefined ? {} : { env }),
    masked,
    secrets: async () =>
      ((await state())['sts']?.['AssumedRole'] ?? [])
        .filter((r) => r['session_name'] === session)
        .flatMap((r) => [secret('AccessKeyId', String(r['access_key_id'])), secret('SecretAccessKey', String(r['secret_access_key'])), secret('SessionToken', String(r['session_token']))]),
    normalize: undate,
  };
};

// sts get-session-token: moto answers with the same example credentials every time; a direct run reads them.
const session = JSON.parse(await plant(suite.endpoint, ['sts', 'get-session-token'])).Credentials as Record<string, string>;
const sessionSecrets = (['AccessKeyId', 'SecretAccessKey', 'SessionToken'] as const).map((m) => secret(m, session[m]!));
const sessionCase = (name: string, more: string[], masked: string[], env?: Record<string, string>): LeakCase => ({
  name: `sts get-session-token ${name}`,
  args: ['sts', 'get-session-token', ...more],
  ...(env === undefined ? {} : { env }),
  masked,
  secrets: sessionSecrets,
  normalize: undate,
});

// kms generate-data-key: a random key each call; the ciphertext beside it gives it back (kms decrypt), and a
// plaintext data key's shape (base64 of 32 bytes) finds it where no ciphertext is printed.
const dataKeyId = (await plant(suite.endpoint, ['kms', 'create-key', '--query', 'KeyMetadata.KeyId', '--output', 'text'])).trim();
const CIPHERTEXT = /[A-Za-z0-9+/]{100,}={0,2}/g;
/** KMS Decrypt straight to moto's JSON API: a CLI run per ciphertext would double the case's time. */
const kmsDecrypt = async (blob: string): Promise<string> => {
  const res = await fetch(`${suite.endpoint}/`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': 'TrentService.Decrypt',
      // moto reads the region from the credential scope and checks no signature.
      Authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/kms/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify({ CiphertextBlob: blob }),
  });
  if (!res.ok) throw new Error(`kms decrypt (moto): ${res.status} ${await res.text()}`);
  return ((await res.json()) as { Plaintext: string }).Plaintext;
};
const decryptPrinted = async ({ shim, direct }: Runs): Promise<Secret[]> => {
  const blobs = new Set([...shim.stdout.toString().matchAll(CIPHERTEXT), ...direct.stdout.toString().matchAll(CIPHERTEXT)].map((m) => m[0]));
  return Promise.all([...blobs].map(async (blob) => {
    const plain = await kmsDecrypt(blob);
    return secret('Plaintext', plain, Buffer.from(plain, 'base64'));
  }));
};
const dataKeyCase = (name: string, more: string[], masked: string[]): LeakCase => ({
  name: `kms generate-data-key ${name}`,
  args: ['kms', 'generate-data-key', '--key-id', dataKeyId, '--key-spec', 'AES_256', ...more],
  masked,
  secrets: decryptPrinted,
  shapes: [{ member: 'Plaintext', re: /(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{43}=(?![A-Za-z0-9+/=])/g }],
  // The two runs' ciphertexts differ (and are not secret): blanked, their length kept.
  normalize: (s) => s.replace(CIPHERTEXT, (m) => 'C'.repeat(m.length)),
});

// ecr: moto's token is base64 of `AWS:123456789012-auth-token` every time (a real one is base64 of a JSON payload
// the EcrToken detector knows; moto's is not, so only a rule for these commands can mask it).
const authToken = (await plant(suite.endpoint, ['ecr', 'get-authorization-token', '--query', 'authorizationData[0].authorizationToken', '--output', 'text'])).trim();
const password = Buffer.from(authToken, 'base64').toString().replace(/^AWS:/, '');
const ecrSecrets = [secret('authorizationToken', authToken), secret('*', password)];

// ec2 create-key-pair: a new key each call, kept in moto's state by key name, with its id and fingerprint.
let keyPairs = 0;
const keyPairCase = (name: string, more: string[], masked: string[]): LeakCase => {
  const n = ++keyPairs;
  const [mine, twin] = [`nl-agent-key-${n}`, `nl-twin0-key-${n}`];
  const pairs = async () => ((await state())['ec2']?.['KeyPair'] ?? []).filter((k) => k['key_name'] === mine || k['key_name'] === twin);
  return {
    name: `ec2 create-key-pair ${name}`,
    args: ['ec2', 'create-key-pair', '--key-name', mine, ...more],
    directArgs: ['ec2', 'create-key-pair', '--key-name', twin, ...more],
    masked,
    secrets: async () => (await pairs()).map((k) => secret('KeyMaterial', String(k['key_material']))),
    aliases: async () => {
      const all = await pairs();
      const [a, b] = [all.find((k) => k['key_name'] === mine), all.find((k) => k['key_name'] === twin)];
      if (a === undefined || b === undefined) return [[twin, mine]];
      return [[twin, mine], [String(b['id']), String(a['id'])], [String(b['key_fingerprint']), String(a['key_fingerprint'])]];
    },
  };
};

const KEYS = ['AccessKeyId', 'SecretAccessKey'];
const CREDS = ['AccessKeyId', 'SecretAccessKey', 'SessionToken'];
const CASES: LeakCase[] = [
  ...(['json', 'text', 'table'] as const).map((f) => accessKeyCase(`--output ${f}`, ['--output', f], KEYS)),
  accessKeyCase('--query AccessKey.SecretAccessKey --output text', ['--query', 'AccessKey.SecretAccessKey', '--output', 'text'], ['SecretAccessKey']),
  accessKeyCase("--query '{id: AccessKey.AccessKeyId, s: AccessKey.SecretAccessKey}' --output json", ['--query', '{id: AccessKey.AccessKeyId, s: AccessKey.SecretAccessKey}', '--output', 'json'], KEYS),
  accessKeyCase('with AWS_DEFAULT_OUTPUT=table', [], KEYS, { AWS_DEFAULT_OUTPUT: 'table' }),

  ...(['json', 'text', 'table'] as const).map((f) => assumeRoleCase(`--output ${f}`, ['--output', f], CREDS)),
  assumeRoleCase('--query Credentials.SecretAccessKey --output text', ['--query', 'Credentials.SecretAccessKey', '--output', 'text'], ['SecretAccessKey']),
  // The shape docs/masking.md lists as beyond the pattern detectors: the secret key alone on a line of JSON.
  assumeRoleCase("--query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output json", ['--query', 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]', '--output', 'json'], CREDS),
  assumeRoleCase('with AWS_DEFAULT_OUTPUT=text', [], CREDS, { AWS_DEFAULT_OUTPUT: 'text' }),
  // v1 makes the call, then refuses to print YAML: a session is minted and must not show in the refusal either.
  assumeRoleCase('with AWS_DEFAULT_OUTPUT=yaml', [], refused.has('yaml') ? [] : CREDS, { AWS_DEFAULT_OUTPUT: 'yaml' }),

  ...(['json', 'text', 'table', 'yaml-stream'] as const).map((f) => sessionCase(`--output ${f}`, ['--output', f], refused.has(f) ? [] : CREDS)),
  sessionCase('--query Credentials.SecretAccessKey --output text', ['--query', 'Credentials.SecretAccessKey', '--output', 'text'], ['SecretAccessKey']),
  sessionCase("--query '{k: Credentials.SecretAccessKey, e: Credentials.Expiration}' --output table", ['--query', '{k: Credentials.SecretAccessKey, e: Credentials.Expiration}', '--output', 'table'], ['SecretAccessKey']),

  ...(['json', 'text', 'table'] as const).map((f) => dataKeyCase(`--output ${f}`, ['--output', f], ['Plaintext'])),
  dataKeyCase('--query Plaintext --output text', ['--query', 'Plaintext', '--output', 'text'], ['Plaintext']),
  dataKeyCase("--query '{p: Plaintext, c: CiphertextBlob}' --output json", ['--query', '{p: Plaintext, c: CiphertextBlob}', '--output', 'json'], ['Plaintext']),

  // get-login-password prints nothing but the password: the broker masks its whole stdout (LoginPassword),
  // whatever the token's shape (moto's `123456789012-auth-token` has none a detector would know).
  { name: 'ecr get-login-password', args: ['ecr', 'get-login-password'], masked: ['*'], secrets: ecrSecrets },
  { name: 'ecr get-login-password with AWS_DEFAULT_OUTPUT=table', args: ['ecr', 'get-login-password'], env: { AWS_DEFAULT_OUTPUT: 'table' }, masked: ['*'], secrets: ecrSecrets },
  ...(['json', 'text'] as const).map((f): LeakCase => ({ name: `ecr get-authorization-token --output ${f}`, args: ['ecr', 'get-authorization-token', '--output', f], masked: ['authorizationToken'], secrets: ecrSecrets })),
  { name: "ecr get-authorization-token --query 'authorizationData[0].authorizationToken' --output text", args: ['ecr', 'get-authorization-token', '--query', 'authorizationData[0].authorizationToken', '--output', 'text'], masked: ['authorizationToken'], secrets: ecrSecrets },

  // An RSA key (moto takes seconds to make one), then ed25519 keys (OPENSSH PRIVATE KEY blocks).
  keyPairCase('--output json', ['--output', 'json'], ['KeyMaterial']),
  ...(['text', 'table'] as const).map((f) => keyPairCase(`--key-type ed25519 --output ${f}`, ['--key-type', 'ed25519', '--output', f], ['KeyMaterial'])),
  keyPairCase('--key-type ed25519 --query KeyMaterial --output text', ['--key-type', 'ed25519', '--query', 'KeyMaterial', '--output', 'text'], ['KeyMaterial']),
  keyPairCase("--key-type ed25519 --query '{k: KeyMaterial, n: KeyName}' --output json", ['--key-type', 'ed25519', '--query', '{k: KeyMaterial, n: KeyName}', '--output', 'json'], ['KeyMaterial']),
];

// Every user the access key cases name exists before they run.
for (let n = 1; n <= users; n++) for (const u of [`nl-agent-${n}`, `nl-twin0-${n}`]) await plant(suite.endpoint, ['iam', 'create-user', '--user-name', u]);

runCases(t, suite, CASES);
