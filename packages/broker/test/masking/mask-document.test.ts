// Model-driven masking over real operations of the generated model: each planted secret is gone from what the
// agent and the record get (also as base64), the shape stays, and the counts name the member paths.
import t from 'tap';
import { needsDocumentMasking } from '@aws-guard/broker/masking/plan-document-masking';
import { unmarkedSecrets } from '@aws-guard/broker/masking/unmarked-secrets';
import { lengthMask, maskOutput, masksIn, model, operation } from './document-helpers.js';

const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\nVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n-----END RSA PRIVATE KEY-----';
const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY';
const SESSION_TOKEN = 'AQoEXAMPLEH4aoAH0gNCAPyJxz4BlCFFxWNE1OPTgk5TthT+FvwqnKwRcOIfrRh3c/LTo6UDdyJwOOvEVPvLXCrrrUtdnniCEXAMPLE';
const DATA_KEY = 'ZGF0YWtleS1wbGFpbnRleHQtMzItYnl0ZXMtbG9uZyE=';
const CREDENTIALS = (keyId: string) => ({ AccessKeyId: keyId, SecretAccessKey: SECRET_KEY, SessionToken: SESSION_TOKEN, Expiration: '2026-11-27T04:14:41Z' });

type Case = Readonly<{
  cmd: readonly [string, string];
  output: unknown;
  secrets: readonly string[];
  masked: Record<string, number>;
  /** Where the secret's sensitivity comes from: the model's `sensitive` trait, or unmarked-secrets.ts only. */
  source: 'model' | 'unmarked';
}>;

const CASES: readonly Case[] = [
  {
    cmd: ['secretsmanager', 'get-secret-value'],
    output: { ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf', Name: 'prod/db', VersionId: 'v1', SecretString: '{"password":"hunter2-prod"}', SecretBinary: 'c2VjcmV0LWJpbmFyeS12YWx1ZQ==', VersionStages: ['AWSCURRENT'], CreatedDate: '2026-11-26T16:14:32Z' },
    secrets: ['hunter2-prod', 'c2VjcmV0LWJpbmFyeS12YWx1ZQ==', 'secret-binary-value'],
    masked: { SecretString: 1, SecretBinary: 1 },
    source: 'model',
  },
  {
    cmd: ['secretsmanager', 'batch-get-secret-value'],
    output: { SecretValues: [{ Name: 'a', SecretString: 'alpha-secret-1' }, { Name: 'b', SecretString: 'beta-secret-2' }, { Name: 'c', SecretBinary: 'Z2FtbWEtMw==' }], Errors: [] },
    secrets: ['alpha-secret-1', 'beta-secret-2', 'Z2FtbWEtMw=='],
    masked: { 'SecretValues[].SecretString': 2, 'SecretValues[].SecretBinary': 1 },
    source: 'model',
  },
  {
    cmd: ['ssm', 'get-parameter'],
    output: { Parameter: { Name: '/prod/db/password', Type: 'SecureString', Value: 'correct-horse-battery', Version: 3, ARN: 'arn:aws:ssm:us-east-1:123456789012:parameter/prod/db/password' } },
    secrets: ['correct-horse-battery'],
    masked: { 'Parameter.Value': 1 },
    source: 'model',
  },
  {
    cmd: ['ssm', 'get-parameters'],
    output: { Parameters: [{ Name: '/a', Type: 'SecureString', Value: 'secure-a-value' }, { Name: '/b', Type: 'String', Value: 'plain-b-value' }], InvalidParameters: ['/c'] },
    secrets: ['secure-a-value', 'plain-b-value'],
    masked: { 'Parameters[].Value': 2 },
    source: 'model',
  },
  {
    cmd: ['ssm', 'get-parameters-by-path'],
    output: { Parameters: [{ Name: '/app/key', Type: 'SecureString', Value: PEM, Version: 1 }], NextToken: 'AAEAAbcdef' },
    secrets: [PEM.split('\n')[1]!],
    masked: { 'Parameters[].Value': 1 },
    source: 'model',
  },
  {
    cmd: ['iam', 'create-access-key'],
    output: { AccessKey: { UserName: 'fx', AccessKeyId: 'AKIARZPUZDIKBHV4MZ3C', Status: 'Active', SecretAccessKey: SECRET_KEY, CreateDate: '2026-11-26T16:14:32Z' } },
    secrets: ['AKIARZPUZDIKBHV4MZ3C', SECRET_KEY],
    masked: { 'AccessKey.SecretAccessKey': 1, AccessKeyId: 1 },
    source: 'model',
  },
  {
    cmd: ['sts', 'assume-role'],
    output: { Credentials: CREDENTIALS('ASIAY34FZKBOKMUTVV7A'), AssumedRoleUser: { AssumedRoleId: 'AROA3XFRBF535PLBIFPI4:s', Arn: 'arn:aws:sts::123456789012:assumed-role/r/s' }, PackedPolicySize: 6, SourceIdentity: 'alice' },
    secrets: ['ASIAY34FZKBOKMUTVV7A', SECRET_KEY, SESSION_TOKEN],
    masked: { 'Credentials.SecretAccessKey': 1, 'Credentials.SessionToken': 1, AccessKeyId: 1 },
    source: 'model',
  },
  {
    cmd: ['sts', 'get-session-token'],
    output: { Credentials: CREDENTIALS('ASIAIOSFODNN7EXAMPLE') },
    secrets: ['ASIAIOSFODNN7EXAMPLE', SECRET_KEY, SESSION_TOKEN],
    masked: { 'Credentials.SecretAccessKey': 1, 'Credentials.SessionToken': 1, AccessKeyId: 1 },
    source: 'model',
  },
  {
    cmd: ['kms', 'generate-data-key'],
    output: { CiphertextBlob: 'AQIDAHhBase64CiphertextBlob==', Plaintext: DATA_KEY, KeyId: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd' },
    secrets: [DATA_KEY],
    masked: { Plaintext: 1 },
    source: 'model',
  },
  {
    cmd: ['kms', 'decrypt'],
    output: { KeyId: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd', Plaintext: 'aGVsbG8gd29ybGQ=', EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
    secrets: ['aGVsbG8gd29ybGQ='],
    masked: { Plaintext: 1 },
    source: 'model',
  },
  {
    cmd: ['ec2', 'create-key-pair'],
    output: { KeyFingerprint: '1f:51:ae:28:bf:89:e9:d8:1f:25:5d:37:2d:7d:b8:ca:9f:f5:f1:6f', KeyMaterial: PEM, KeyName: 'deploy', KeyPairId: 'key-0123456789abcdef0' },
    secrets: [PEM.split('\n')[1]!, PEM.split('\n')[2]!],
    masked: { KeyMaterial: 1 },
    source: 'model',
  },
  {
    cmd: ['ecr', 'get-authorization-token'],
    output: { authorizationData: [{ authorizationToken: Buffer.from('AWS:123456789012-auth-token').toString('base64'), expiresAt: '2026-11-27T04:14:41Z', proxyEndpoint: 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com' }] },
    secrets: [Buffer.from('AWS:123456789012-auth-token').toString('base64'), '123456789012-auth-token'],
    masked: { 'authorizationData[].authorizationToken': 1 },
    source: 'unmarked',
  },
];

for (const c of CASES) {
  t.test(`${c.cmd.join(' ')}: every planted secret is masked, the shape kept`, async (t) => {
    const op = operation(...c.cmd);
    t.equal(op.sensitiveOutput !== null, c.source === 'model', c.source === 'model' ? 'the model marks it sensitive' : 'the model does not mark it (unmarked-secrets.ts does)');
    t.ok(needsDocumentMasking(op), 'the broker must parse and mask this output');
    const before = JSON.stringify(c.output);
    const result = maskOutput(c.cmd[0], c.cmd[1], c.output);
    t.equal(JSON.stringify(c.output), before, 'the parsed input is not changed');
    t.equal(result.recordValue, result.value, 'nothing revealed: the record is the agent value');
    const text = JSON.stringify(result.value);
    for (const secret of c.secrets) {
      t.notOk(text.includes(secret), `no trace of ${secret.slice(0, 24)}`);
      t.notOk(text.includes(Buffer.from(secret).toString('base64')), 'nor of its base64');
    }
    t.same(result.masked, c.masked, 'counted by member path and pattern kind');
    t.same(result.revealed, []);
    t.equal(masksIn(result.value).length, Object.values(c.masked).reduce((a, b) => a + b, 0), 'one mask per value');
    t.same(Object.keys(result.value as object), Object.keys(c.output as object), 'the same members at the top');
  });
}

t.test('the mask names the member and says how many characters it replaced', async (t) => {
  const secret = { Name: 'x', SecretString: 'pässwörd-✓' };
  const { value } = maskOutput('secretsmanager', 'get-secret-value', secret);
  t.same(value, { Name: 'x', SecretString: lengthMask('SecretString', 10) }, 'characters, not UTF-8 bytes');
  const binary = maskOutput('secretsmanager', 'get-secret-value', { SecretBinary: 'AAECAwQ=' }).value;
  t.same(binary, { SecretBinary: lengthMask('SecretBinary', 8) }, 'a blob is its base64 text, as the CLI prints it');
});

t.test('null and absent sensitive members stay as they are and are not counted', async (t) => {
  const output = { Name: 'x', SecretString: null, VersionStages: [] };
  const result = maskOutput('secretsmanager', 'get-secret-value', output);
  t.same(result.value, output);
  t.equal(result.value, output, 'nothing to change: the very same object');
  t.same(result.masked, {});
});

t.test('a sensitive structure is masked whole, by its JSON length', async (t) => {
  t.same(model.sensitivePaths(operation('gamelift', 'get-instance-access')), ['InstanceAccess.IpAddress', 'InstanceAccess.Credentials']);
  const creds = { UserName: 'gamelift-user', Secret: PEM };
  const { value, masked } = maskOutput('gamelift', 'get-instance-access', { InstanceAccess: { FleetId: 'f-1', InstanceId: 'i-1', IpAddress: '10.0.0.7', OperatingSystem: 'AMAZON_LINUX_2', Credentials: creds } });
  t.match(value, { InstanceAccess: { FleetId: 'f-1', IpAddress: lengthMask('IpAddress', 8), Credentials: lengthMask('Credentials', JSON.stringify(creds).length) } });
  t.same(masked, { 'InstanceAccess.IpAddress': 1, 'InstanceAccess.Credentials': 1 });
});

t.test('an output the model marks sensitive as a whole: each member masked under its own name', async (t) => {
  t.equal(operation('codeartifact', 'get-authorization-token').sensitiveOutput, true);
  const { value, masked } = maskOutput('codeartifact', 'get-authorization-token', { authorizationToken: 'eyJ2ZXIiOjF9.codeartifact', expiration: '2026-11-27T04:14:41Z' });
  t.same(value, { authorizationToken: lengthMask('authorizationToken', 25), expiration: lengthMask('expiration', 20) });
  t.same(masked, { authorizationToken: 1, expiration: 1 });
});

t.test('map values the model marks sensitive (apprunner runtime secrets)', async (t) => {
  const output = { Service: { ServiceName: 'web', SourceConfiguration: { ImageRepository: { ImageIdentifier: 'public.ecr.aws/x:latest', ImageConfiguration: { Port: '8080', RuntimeEnvironmentSecrets: { DB_URL: 'arn:aws:ssm:us-east-1:1:parameter/db', API: 'arn:aws:secretsmanager:us-east-1:1:secret:api' }, RuntimeEnvironmentVariables: { MODE: 'prod' } } } } } };
  const { value, masked } = maskOutput('apprunner', 'describe-service', output);
  const config = (value as typeof output).Service.SourceConfiguration.ImageRepository.ImageConfiguration;
  t.same(config.RuntimeEnvironmentSecrets, { DB_URL: lengthMask('RuntimeEnvironmentSecrets', 36), API: lengthMask('RuntimeEnvironmentSecrets', 45) }, 'named by the map');
  t.same(config.RuntimeEnvironmentVariables, { MODE: lengthMask('RuntimeEnvironmentVariables', 4) });
  t.equal(config.Port, '8080');
  t.same(masked, {
    'Service.SourceConfiguration.ImageRepository.ImageConfiguration.RuntimeEnvironmentSecrets.*': 2,
    'Service.SourceConfiguration.ImageRepository.ImageConfiguration.RuntimeEnvironmentVariables.*': 1,
  });
});

t.test('a huge recursive graph is walked with the value, not expanded', async (t) => {
  const op = operation('quicksight', 'describe-dashboard-definition');
  const deep = model.sensitivePaths(op)[0]!;
  // Build the value the first expanded path describes, with one planted secret at its end.
  const build = (segments: readonly string[]): unknown => {
    const [head, ...rest] = segments;
    if (head === undefined) return 'planted-quicksight-secret';
    const inner = build(rest);
    const name = head.replace(/\[\]$/, '');
    return { [name]: head.endsWith('[]') ? [inner, { Other: 'kept' }] : inner };
  };
  const output = build(deep.split('.'));
  const result = maskOutput('quicksight', 'describe-dashboard-definition', output);
  t.notOk(JSON.stringify(result.value).includes('planted-quicksight-secret'));
  t.ok(JSON.stringify(result.value).includes('"Other":"kept"'), 'siblings stay');
  t.same(result.masked, { [deep]: 1 }, 'counted under the path sensitive-paths.ts writes');
});

t.test('secrets the model misses are caught by the detectors inside ordinary strings', async (t) => {
  const output = { SecretList: [{ Name: 'ci', Description: `rotated by AKIAIOSFODNN7EXAMPLE; old key: ${PEM}`, Tags: [{ Key: 'owner', Value: 'team-a' }] }] };
  const result = maskOutput('secretsmanager', 'list-secrets', output);
  t.notOk(needsDocumentMasking(operation('secretsmanager', 'list-secrets')), 'list-secrets alone would stream');
  const description = (result.value as typeof output).SecretList[0]!.Description;
  t.equal(description, `rotated by ${lengthMask('AccessKeyId', 20)}; old key: ${lengthMask('PrivateKey', PEM.length)}`);
  t.same(result.masked, { AccessKeyId: 1, PrivateKey: 1 });
  t.equal((result.value as typeof output).SecretList[0]!.Tags, output.SecretList[0]!.Tags, 'untouched parts are shared, not copied');
});

t.test('the member name is context for the named detectors, as in the stream', async (t) => {
  const { value, masked } = maskOutput('s3api', 'list-buckets', { Owner: { DisplayName: 'x' }, Env: { aws_secret_access_key: SECRET_KEY, SessionToken: SESSION_TOKEN, NextToken: 'eyJNYXJrZXIiOiBudWxsfQ==' } });
  t.same((value as { Env: unknown }).Env, { aws_secret_access_key: lengthMask('SecretAccessKey', SECRET_KEY.length), SessionToken: lengthMask('SessionToken', SESSION_TOKEN.length), NextToken: 'eyJNYXJrZXIiOiBudWxsfQ==' });
  t.same(masked, { SecretAccessKey: 1, SessionToken: 1 });
});

t.test('the built-in table lists only what the model misses, for operations that exist', async (t) => {
  for (const cmd of [['sts', 'assume-role'], ['ecr', 'get-authorization-token'], ['lightsail', 'create-key-pair']] as const) {
    const op = operation(cmd[0], cmd[1]);
    for (const path of unmarkedSecrets(op.path)) t.notOk(model.sensitivePaths(op).includes(path), `${cmd.join(' ')} ${path} is not already sensitive`);
  }
});
