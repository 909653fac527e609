import t, { type Test } from 'tap';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadBrokerConfig, type ConfigSources } from '@aws-guard/broker/config/load-config';
import { CONFIG_ENV, type BrokerConfig } from '@aws-guard/broker/config/config-schema';

type Layers = { flags?: Record<string, string | undefined>; env?: Record<string, string | undefined>; file?: string };

/** Loads with an optional YAML file written into a fresh directory (the cwd). */
const load = (t: Test, p: Layers = {}) => {
  const cwd = t.testdir();
  if (p.file !== undefined) writeFileSync(join(cwd, 'aws-guard.yaml'), p.file);
  const sources: ConfigSources = { flags: p.flags ?? {}, env: p.env ?? {}, configFile: p.file === undefined ? undefined : 'aws-guard.yaml', cwd };
  return { cwd, result: loadBrokerConfig(sources) };
};
const value = (t: Test, p: Layers = {}): BrokerConfig => {
  const { result } = load(t, p);
  if (!result.ok) throw new Error(`expected a valid config, got ${result.issue.message}`);
  return result.value;
};
const problems = (t: Test, p: Layers): readonly string[] => {
  const { result } = load(t, p);
  return result.ok ? [] : (result.issue.details ?? []);
};

t.test('with nothing given the broker listens on loopback and every source is the default', async (t) => {
  const { cwd, result } = load(t);
  t.ok(result.ok);
  if (!result.ok) return;
  const c = result.value;
  t.equal(c.host, '127.0.0.1', 'never exposed beyond this host unless asked');
  t.ok(c.port > 0 && c.port <= 65535);
  t.equal(c.dataDir, join(cwd, '.aws-guard'), 'the data dir is resolved against the cwd');
  t.same([c.awsCli, c.awsEndpointUrl, c.region, c.policyFile], [undefined, undefined, undefined, undefined]);
  t.equal(c.exec.timeoutMs, 15 * 60_000, 'DESIGN: the CLI is stopped after 15m by default');
  t.ok(c.exec.killGraceMs > 0 && c.exec.maxOutputBytes > 0);
  t.equal(c.exec.maxConcurrent, 8, 'eight CLI processes at once by default, the rest queue');
  t.same([c.exec.executor, c.exec.workers], ['auto', 2], 'warm where it can run by default, with two workers');
  t.ok(Object.values(c.sources).every((s) => s === 'default'));
  t.same(c.credentials, { mode: 'passthrough' }, 'the quick start runs with the broker\'s own credentials (and warns)');
});

// [layers present, the value that must win, the source it must report]
const precedence: Array<[string, Layers, string, string]> = [
  ['the file alone', { file: 'listen: 127.0.0.1:1001\n' }, '1001', 'file'],
  ['env over the file', { file: 'listen: 127.0.0.1:1001\n', env: { AWS_GUARD_LISTEN: '127.0.0.1:1002' } }, '1002', 'env'],
  ['a flag over env and file', { file: 'listen: 127.0.0.1:1001\n', env: { AWS_GUARD_LISTEN: '127.0.0.1:1002' }, flags: { listen: '127.0.0.1:1003' } }, '1003', 'flag'],
  ['a flag over the file', { file: 'listen: 127.0.0.1:1001\n', flags: { listen: '127.0.0.1:1003' } }, '1003', 'flag'],
  ['an undefined flag does not override env', { env: { AWS_GUARD_LISTEN: '127.0.0.1:1002' }, flags: { listen: undefined } }, '1002', 'env'],
  ['an empty env value does not override the file', { file: 'listen: 127.0.0.1:1001\n', env: { AWS_GUARD_LISTEN: '' } }, '1001', 'file'],
];

t.test('precedence is flag > env > file > default, and each setting says where it came from', async (t) => {
  for (const [name, layers, port, source] of precedence) {
    const c = value(t, layers);
    t.equal(String(c.port), port, name);
    t.equal(c.sources['listen'], source, `${name}: source`);
  }
});

t.test('nested exec settings follow the same precedence and keep the other defaults', async (t) => {
  const file = 'exec:\n  timeout: 5m\n  killGrace: 7s\n  maxOutputBytes: 1024\n';
  t.equal(value(t, { file }).exec.timeoutMs, 300_000, 'file');
  t.equal(value(t, { file, env: { AWS_GUARD_EXEC_TIMEOUT: '10m' } }).exec.timeoutMs, 600_000, 'env');
  const c = value(t, { file, env: { AWS_GUARD_EXEC_TIMEOUT: '10m' }, flags: { 'exec.timeout': '20m' } });
  t.equal(c.exec.timeoutMs, 1_200_000, 'flag');
  t.equal(c.sources['exec.timeout'], 'flag');
  t.same([c.exec.killGraceMs, c.exec.maxOutputBytes], [7000, 1024], 'other exec keys from the file stay');
  const partial = value(t, { file: 'exec:\n  timeout: 1h\n' });
  t.equal(partial.exec.killGraceMs, value(t).exec.killGraceMs, 'a partial exec block keeps the default kill grace');
});

t.test('exec.executor is one of auto|warm|spawn; exec.workers a positive integer', async (t) => {
  t.same(value(t, { file: 'exec:\n  executor: auto\n  workers: 3\n' }).exec, { ...value(t).exec, executor: 'auto', workers: 3 });
  t.match(problems(t, { file: 'exec:\n  executor: fork\n' }).join('\n'), /exec\.executor/);
  t.match(problems(t, { file: 'exec:\n  workers: 0\n' }).join('\n'), /exec\.workers: must be a positive integer/);
});

t.test('exec.maxPerAgent defaults to half of exec.maxConcurrent (rounded up) and may not exceed it', async (t) => {
  // [what, layers, expected maxPerAgent]
  const cases: Array<[string, Layers, number]> = [
    ['default with the default limit of 8', {}, 4],
    ['default follows the limit, rounded up', { flags: { 'exec.maxConcurrent': '5' } }, 3],
    ['a limit of 1 leaves a cap of 1', { env: { AWS_GUARD_MAX_CONCURRENT: '1' } }, 1],
    ['from the file', { file: 'exec:\n  maxPerAgent: 6\n' }, 6],
    ['from env as text', { env: { AWS_GUARD_MAX_PER_AGENT: '2' } }, 2],
    ['equal to the limit', { flags: { 'exec.maxConcurrent': '3', 'exec.maxPerAgent': '3' } }, 3],
  ];
  for (const [what, layers, expected] of cases) t.equal(value(t, layers).exec.maxPerAgent, expected, what);
  t.equal(value(t, { flags: { 'exec.maxPerAgent': '2' } }).sources['exec.maxPerAgent'], 'flag');
  t.match(problems(t, { flags: { 'exec.maxConcurrent': '2', 'exec.maxPerAgent': '3' } }), [/exec\.maxPerAgent: 3 is more than exec\.maxConcurrent \(2\)/]);
  t.match(problems(t, { env: { AWS_GUARD_MAX_PER_AGENT: '0' } }), [/exec\.maxPerAgent: must be a positive integer/]);
});

t.test('exec.maxConcurrent comes from the file as a number, from env and flags as text, flag first', async (t) => {
  const file = 'exec:\n  maxConcurrent: 2\n';
  t.equal(value(t, { file }).exec.maxConcurrent, 2, 'file');
  t.equal(value(t, { file: 'exec:\n  maxConcurrent: "5"\n' }).exec.maxConcurrent, 5, 'a quoted number in the file');
  const c = value(t, { file, env: { AWS_GUARD_MAX_CONCURRENT: '4' }, flags: { 'exec.maxConcurrent': '1' } });
  t.equal(c.exec.maxConcurrent, 1, 'flag over env over file');
  t.equal(c.sources['exec.maxConcurrent'], 'flag');
  t.equal(value(t, { env: { AWS_GUARD_MAX_CONCURRENT: ' 12 ' } }).exec.maxConcurrent, 12, 'surrounding spaces are tolerated');
  t.same([value(t, { file }).exec.timeoutMs, value(t).exec.maxConcurrent], [15 * 60_000, 8], 'the other exec keys keep their defaults, and so does it');
});

// Every one is refused with a line naming exec.maxConcurrent.
const badMaxConcurrent: Array<[string, Layers]> = [
  ['zero from a flag', { flags: { 'exec.maxConcurrent': '0' } }],
  ['a negative number in the file', { file: 'exec:\n  maxConcurrent: -2\n' }],
  ['a fraction in the file', { file: 'exec:\n  maxConcurrent: 1.5\n' }],
  ['a fraction from env', { env: { AWS_GUARD_MAX_CONCURRENT: '1.5' } }],
  ['a word from env', { env: { AWS_GUARD_MAX_CONCURRENT: 'many' } }],
  ['a number with a unit', { flags: { 'exec.maxConcurrent': '8x' } }],
  ['a hex number', { flags: { 'exec.maxConcurrent': '0x8' } }],
  ['a boolean in the file', { file: 'exec:\n  maxConcurrent: true\n' }],
];

t.test('an exec.maxConcurrent that is not a positive integer is refused, naming the setting', async (t) => {
  for (const [what, layers] of badMaxConcurrent) {
    const p = problems(t, layers);
    t.same(p, ['exec.maxConcurrent: must be a positive integer'], what);
  }
});

t.test('every env variable reaches its setting', async (t) => {
  const env = {
      AWS_GUARD_LISTEN: '0.0.0.0:9000', AWS_GUARD_DATA_DIR: '/var/lib/aws-guard', AWS_GUARD_AWS_CLI: '/usr/bin/aws',
      AWS_GUARD_AWS_ENDPOINT_URL: 'http://127.0.0.1:5000', AWS_GUARD_REGION: 'eu-central-1', AWS_GUARD_POLICY: '/etc/p.yaml',
      AWS_GUARD_EXEC_TIMEOUT: '90s', AWS_GUARD_LOG_LEVEL: 'debug', AWS_GUARD_REDIS: 'redis://127.0.0.1:6390',
      AWS_GUARD_APPROVAL_WEBHOOK: 'https://hooks.example.invalid/x',
      AWS_GUARD_CREDENTIALS_MODE: 'assume-role', AWS_GUARD_ROLE_ARN: 'arn:aws:iam::123456789012:role/aws-guard-agent',
      AWS_GUARD_ISOLATION: 'none', AWS_GUARD_MAX_CONCURRENT: '3', AWS_GUARD_MAX_PER_AGENT: '2', AWS_GUARD_EXECUTOR: 'warm', AWS_GUARD_EXEC_WORKERS: '4',
      AWS_GUARD_MAX_FILE_BYTES: '1000', AWS_GUARD_MAX_TOTAL_FILE_BYTES: '5000', AWS_GUARD_MAX_FILES: '7',
      AWS_GUARD_MASK_STYLE: 'hmac',
      AWS_GUARD_AUDIT_SEGMENT_BYTES: '2097152', AWS_GUARD_AUDIT_CHECKPOINT_RECORDS: '50', AWS_GUARD_AUDIT_CHECKPOINT_SECONDS: '5',
      AWS_GUARD_METRICS: 'true', AWS_GUARD_METRICS_LISTEN: '127.0.0.1:9464',
      AWS_GUARD_MAX_TOKEN_LIFETIME: '12h',
  };
  // A variable added to CONFIG_ENV must be added here too, or this test does not check it.
  t.same(Object.keys(env).sort(), Object.keys(CONFIG_ENV).sort(), 'every variable the broker reads is set here');
  const c = value(t, { env });
  t.match(c, { host: '0.0.0.0', port: 9000, dataDir: '/var/lib/aws-guard', awsCli: '/usr/bin/aws', awsEndpointUrl: 'http://127.0.0.1:5000',
    region: 'eu-central-1', policyFile: '/etc/p.yaml', exec: { timeoutMs: 90_000, maxConcurrent: 3, maxPerAgent: 2, executor: 'warm', workers: 4 }, files: { maxFileBytes: 1000, maxTotalBytes: 5000, maxFiles: 7 }, logLevel: 'debug', redisUrl: 'redis://127.0.0.1:6390',
    approvalWebhook: 'https://hooks.example.invalid/x',
    credentials: { mode: 'assume-role', roleArn: 'arn:aws:iam::123456789012:role/aws-guard-agent' }, isolation: 'none', masking: { style: 'hmac' },
    audit: { segmentBytes: 2_097_152, checkpointRecords: 50, checkpointSeconds: 5 }, metrics: { enabled: true, listen: { host: '127.0.0.1', port: 9464 } }, auth: { maxTokenLifetimeMs: 12 * 3_600_000 } });
  t.ok(Object.values(c.sources).every((s) => s === 'env'));
});

t.test('relative paths are resolved against the cwd, absolute ones kept', async (t) => {
  const { cwd, result } = load(t, { file: 'dataDir: data\nawsCli: bin/aws\npolicy: ../policy.yaml\n' });
  t.ok(result.ok);
  if (result.ok) t.match(result.value, { dataDir: join(cwd, 'data'), awsCli: join(cwd, 'bin/aws'), policyFile: join(cwd, '../policy.yaml') });
});

t.test('the config file comes from configFile, else from AWS_GUARD_CONFIG', async (t) => {
  const cwd = t.testdir({ 'a.yaml': 'listen: 127.0.0.1:1111\n', 'b.yaml': 'listen: 127.0.0.1:2222\n' });
  const fromEnv = loadBrokerConfig({ flags: {}, env: { AWS_GUARD_CONFIG: 'b.yaml' }, configFile: undefined, cwd });
  const fromFlag = loadBrokerConfig({ flags: {}, env: { AWS_GUARD_CONFIG: 'b.yaml' }, configFile: 'a.yaml', cwd });
  t.equal(fromEnv.ok && fromEnv.value.port, 2222);
  t.equal(fromFlag.ok && fromFlag.value.port, 1111);
});

const listens: Array<[string, string, number]> = [
  ['127.0.0.1:0', '127.0.0.1', 0],
  ['[::1]:8750', '::1', 8750],
  ['[::]:443', '::', 443],
  ['localhost:65535', 'localhost', 65535],
  ['broker.internal.example:8750', 'broker.internal.example', 8750],
];

t.test('listen splits into host and port, IPv6 without brackets', async (t) => {
  for (const [listen, host, port] of listens) t.match(value(t, { flags: { listen } }), { host, port }, listen);
});

t.test('listen values that are not HOST:PORT are refused', async (t) => {
  for (const listen of ['127.0.0.1', ':8750', '127.0.0.1:', '::1:8750', '[::1]', 'http://127.0.0.1:8750', '127.0.0.1:123456', 'host name:80', '127.0.0.1:65536']) {
    const p = problems(t, { flags: { listen } });
    t.equal(p.length, 1, listen);
    t.match(p[0] ?? '', /^listen: /, `${listen}: names the setting`);
  }
});

t.test('every problem is reported at once, one line each, naming its setting', async (t) => {
  const file = 'listen: nowhere\nregion: Mars\nlogLevel: loud\nawsEndpointUrl: file:///etc/passwd\nsurprise: 1\nexec:\n  timeout: soon\n  killGrace: 0s\n  maxOutputBytes: -5\n  maxConcurrent: 0\n';
  const p = problems(t, { file, env: { AWS_GUARD_DATA_DIR: '' } });
  for (const key of ['listen', 'region', 'logLevel', 'awsEndpointUrl', 'exec.timeout', 'exec.killGrace', 'exec.maxOutputBytes', 'exec.maxConcurrent'])
    t.ok(p.some((line) => line.startsWith(`${key}: `)), `${key} reported`);
  t.ok(p.some((line) => line.includes('surprise')), 'an unknown key is reported by name');
  const { result } = load(t, { file });
  t.ok(!result.ok && result.issue.code === 'CONFIG_INVALID');
  if (!result.ok) t.ok(p.every((line) => result.issue.message.includes(line)), 'the message lists every line');
});

t.test('a port out of range is reported together with the other problems', async (t) => {
  const p = problems(t, { flags: { listen: '127.0.0.1:70000', region: 'Mars' } });
  t.ok(p.some((line) => line.startsWith('region: ')), 'region reported');
  t.ok(p.some((line) => line.startsWith('listen: ')), 'listen reported in the same run');
});

t.test('an unreadable config file is a problem beside the others, not a crash', async (t) => {
  const cwd = t.testdir();
  mkdirSync(join(cwd, 'dir.yaml'));
  const cases: Array<[string, RegExp]> = [['missing.yaml', /missing\.yaml: cannot read the config file: no such file or directory/], ['dir.yaml', /dir\.yaml: cannot read the config file: it is a directory, not a file/]];
  for (const [configFile, message] of cases) {
    const r = loadBrokerConfig({ flags: {}, env: { AWS_GUARD_REGION: 'bad' }, configFile, cwd });
    t.notOk(r.ok, configFile);
    if (r.ok) continue;
    t.match(r.issue.details?.join('\n'), message, `${configFile}: why`);
    t.match(r.issue.details?.join('\n'), /region: /, `${configFile}: the env problem too`);
  }
});

const badFiles: Array<[string, string, RegExp]> = [
  // Each syntax error by line, in the parser's words without its code excerpt (no dangling `:`).
  ['invalid YAML', 'listen: [unclosed\n', /aws-guard\.yaml: invalid YAML: line \d+: [^\n]*[^:\n]$/],
  ['two YAML errors', 'listen: [unclosed\nregion: "open\n', /invalid YAML: line \d+: [^;]+; line \d+: /],
  ['a YAML list', '- listen\n- dataDir\n', /must be a YAML mapping/],
  ['a YAML scalar', 'just some text\n', /must be a YAML mapping/],
  ['a duplicate key', 'listen: 127.0.0.1:1\nlisten: 127.0.0.1:2\n', /aws-guard\.yaml: invalid YAML: line 2: Map keys must be unique/],
];

t.test('a file that is not a YAML mapping is refused with its path', async (t) => {
  for (const [name, file, message] of badFiles) {
    const p = problems(t, { file });
    t.equal(p.length, 1, name);
    t.match(p[0], message, name);
  }
});

t.test('an empty file or one holding only comments means defaults', async (t) => {
  for (const file of ['', '# nothing yet\n']) t.equal(value(t, { file }).port, value(t).port, JSON.stringify(file));
});

t.test('an exec key that is not a mapping is a problem, not an exception', async (t) => {
  // `exec:` with no value is YAML null.
  for (const file of ['exec:\n', 'exec: 5\n', 'exec: [1]\n']) {
    let p: readonly string[] = [];
    t.doesNotThrow(() => (p = problems(t, { file })), `${JSON.stringify(file)} does not throw`);
    t.ok(p.some((line) => line.startsWith('exec')), `${JSON.stringify(file)} is reported`);
  }
});

const ROLE = 'arn:aws:iam::123456789012:role/aws-guard-agent';

t.test('credentials: the file block, env and flags layer key by key', async (t) => {
  const file = `credentials:\n  mode: assume-role\n  roleArn: ${ROLE}\n  externalId: ext-1234\n  durationSeconds: 3600\n`;
  t.same(value(t, { file }).credentials, { mode: 'assume-role', roleArn: ROLE, externalId: 'ext-1234', durationSeconds: 3600 });
  const other = 'arn:aws-cn:iam::210987654321:role/team/agents';
  const c = value(t, { file, env: { AWS_GUARD_ROLE_ARN: other } });
  t.same(c.credentials, { mode: 'assume-role', roleArn: other, externalId: 'ext-1234', durationSeconds: 3600 }, 'env replaces only the role');
  t.same([c.sources['credentials.mode'], c.sources['credentials.roleArn']], ['file', 'env']);
  const flagged = value(t, { flags: { 'credentials.mode': 'assume-role', 'credentials.roleArn': ROLE } });
  t.same(flagged.credentials, { mode: 'assume-role', roleArn: ROLE, externalId: undefined, durationSeconds: undefined });
  t.same([flagged.sources['credentials.mode'], flagged.sources['credentials.roleArn']], ['flag', 'flag']);
  t.same(value(t, { env: { AWS_GUARD_CREDENTIALS_MODE: 'passthrough' } }).credentials, { mode: 'passthrough' });
});

// [what, layers, the problem lines expected (each by its prefix and a fragment)]
const credentialProblems: Array<[string, Layers, Array<[string, RegExp]>]> = [
  ['assume-role without a role', { flags: { 'credentials.mode': 'assume-role' } }, [['credentials.roleArn', /required when credentials.mode is assume-role/]]],
  ['a malformed ARN', { flags: { 'credentials.mode': 'assume-role', 'credentials.roleArn': 'arn:aws:iam::123:user/bob' } }, [['credentials.roleArn', /must be an IAM role ARN/]]],
  ['a role ARN that is not IAM', { env: { AWS_GUARD_CREDENTIALS_MODE: 'assume-role', AWS_GUARD_ROLE_ARN: 'arn:aws:s3:::bucket' } }, [['credentials.roleArn', /must be an IAM role ARN/]]],
  ['an unknown mode', { env: { AWS_GUARD_CREDENTIALS_MODE: 'sso' } }, [['credentials.mode', /passthrough|assume-role/]]],
  ['a role with passthrough', { env: { AWS_GUARD_ROLE_ARN: ROLE } }, [['credentials.roleArn', /credentials.mode is passthrough/]]],
  ['durations outside STS bounds', { file: `credentials:\n  mode: assume-role\n  roleArn: ${ROLE}\n  durationSeconds: 60\n` }, [['credentials.durationSeconds', /at least 900/]]],
  ['a duration that is not a number', { file: `credentials:\n  mode: assume-role\n  roleArn: ${ROLE}\n  durationSeconds: 1h\n` }, [['credentials.durationSeconds', /number/]]],
  ['a bad external id and an unknown key', { file: `credentials:\n  mode: assume-role\n  roleArn: ${ROLE}\n  externalId: "a b"\n  secretAccessKey: x\n` }, [['credentials.externalId', /2-1224/], ['credentials', /secretAccessKey/]]],
  ['a credentials block that is not a mapping, with env on top', { file: 'credentials: assume-role\n', env: { AWS_GUARD_ROLE_ARN: ROLE } }, [['credentials', /object/]]],
];

t.test('credentials problems are reported with the others, naming their setting', async (t) => {
  for (const [what, layers, expected] of credentialProblems) {
    let p: readonly string[] = [];
    t.doesNotThrow(() => (p = problems(t, { ...layers, env: { ...layers.env, AWS_GUARD_REGION: 'Mars' } })), what);
    for (const [prefix, fragment] of expected) t.ok(p.some((line) => line.startsWith(`${prefix}: `) && fragment.test(line)), `${what}: ${prefix} ${fragment}\n  got ${p.join('\n  ')}`);
    t.ok(p.some((line) => line.startsWith('region: ')), `${what}: reported together with the region problem`);
  }
});

t.test('the result is frozen all the way down', async (t) => {
  const c = value(t);
  t.ok(Object.isFrozen(c) && Object.isFrozen(c.exec) && Object.isFrozen(c.sources) && Object.isFrozen(c.credentials));
  t.throws(() => ((c as { port: number }).port = 1));
  t.throws(() => ((c.exec as { timeoutMs: number }).timeoutMs = 1));
});
