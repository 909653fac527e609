// Output with secrets is masked as a document and rendered again by the broker. A secret planted as its own mask
// text (a 36-character value masks to `****(masked: SecretString, 36 chars)`, 36 characters) makes the masked
// output byte-identical to the real CLI's, so every format, --query and AWS_DEFAULT_OUTPUT is compared exactly.
import t from 'tap';
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMoto } from '../helpers/moto.js';
import { startBroker, writeAllowAllPolicy } from '../helpers/broker.js';
import { agentEnv, runAws } from '../helpers/shim.js';
import { runAwsDirect } from '../helpers/real-aws.js';
import { readAuditRecords } from '../helpers/audit.js';

const maskOf = (n: number) => `****(masked: SecretString, ${n} chars)`;
const FIXED_POINT = maskOf(36);
if (FIXED_POINT.length !== 36) throw new Error('the planted value must be its own mask');

const moto = await startMoto();
t.teardown(moto.stop);
const broker = await startBroker({ endpointUrl: moto.url, args: ['--policy', await writeAllowAllPolicy()] });
t.teardown(broker.stop);
const env = await agentEnv(broker.url, await broker.token());
const created = await runAwsDirect(['secretsmanager', 'create-secret', '--name', 'fixed', '--secret-string', FIXED_POINT, '--description', 'ünïcode ✓ 漢字'], moto.url);
if (created.code !== 0) throw new Error(created.stderr);
const real = await runAwsDirect(['secretsmanager', 'create-secret', '--name', 'real', '--secret-string', 'hunter2-NEVER-SHOWN-7f3a'], moto.url);
if (real.code !== 0) throw new Error(real.stderr);

t.test('every format and query renders exactly as the real CLI prints it', async (t) => {
  const get = ['secretsmanager', 'get-secret-value', '--secret-id', 'fixed'];
  const cases: readonly (readonly string[])[] = [
    [],
    ['--output', 'json'],
    ['--output', 'text'],
    ['--output', 'table'],
    ['--output=table', '--color', 'on'],
    ['--query', 'SecretString'],
    ['--query', 'SecretString', '--output', 'text'],
    ['--query', '{s: SecretString, n: Name, v: VersionStages}', '--output', 'table'],
    ['--query', '[Name, SecretString, CreatedDate]', '--output', 'text'],
    ['--query', 'VersionStages[0]'],
    ['--query', 'Nope'],
    ['--query', 'Nope', '--output', 'text'],
    ['--out', 'text', '--que', 'Name'],
  ];
  for (const extra of cases) {
    const args = [...get, ...extra];
    const via = await runAws(args, { env });
    const direct = await runAwsDirect(args, moto.url);
    const name = extra.join(' ') || '(defaults)';
    t.equal(via.code, direct.code, `${name}: exit ${direct.code} (${via.stderr})`);
    t.equal(via.stdout.toString(), direct.stdout.toString(), `${name}: the same bytes`);
  }
  const viaEnv = await runAws(get, { env: { ...env, AWS_DEFAULT_OUTPUT: 'text' } });
  t.equal(viaEnv.stdout.toString(), (await runAwsDirect([...get, '--output', 'text'], moto.url)).stdout.toString(), 'AWS_DEFAULT_OUTPUT=text is honoured');
});

t.test('a real secret is masked in every format, with its length', async (t) => {
  for (const extra of [[], ['--output', 'text'], ['--output', 'table'], ['--query', 'SecretString', '--output', 'text']]) {
    const via = await runAws(['secretsmanager', 'get-secret-value', '--secret-id', 'real', ...extra], { env });
    t.equal(via.code, 0, via.stderr);
    t.notMatch(via.stdout.toString(), 'hunter2', `${extra.join(' ') || 'json'}: the value is gone`);
    t.match(via.stdout.toString(), maskOf(24), `${extra.join(' ') || 'json'}: its mask is there`);
  }
  const executed = (await readAuditRecords(broker.dataDir)).filter((r) => r.type === 'command.executed').at(-1);
  t.match(executed?.data, { masked: { SecretString: 1 } }, 'the audit counts the masked member');
  // What ran is audited, not only what was asked: the CLI printed JSON for the broker to mask and re-render.
  t.same(executed?.data['ranArgv'], ['secretsmanager', 'get-secret-value', '--secret-id', 'real', '--query', 'SecretString', '--output', 'text', '--output', 'json', '--query', '@'], 'the argv the CLI ran is in the audit');
  t.notMatch(JSON.stringify(await readAuditRecords(broker.dataDir)), 'hunter2', 'the audit never holds it');
});

t.test('a --query the CLI refuses is refused the same way, before anything runs', async (t) => {
  const args = ['secretsmanager', 'get-secret-value', '--secret-id', 'real', '--query', 'SecretString['];
  const via = await runAws(args, { env });
  const direct = await runAwsDirect(args, moto.url);
  t.equal(via.code, direct.code, 'exit 255');
  t.equal(via.stderr, direct.stderr, 'the same message');
  t.equal(via.stdout.length, 0);
});

t.test('a policy reveal shows the agent the value, and the audit says so', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'reveal-policy-'));
  const policy = join(dir, 'policy.yaml');
  await writeFile(policy, [
    'version: 1',
    'rules:',
    "  - { id: all, effect: allow, actions: ['*'] }",
    'masking:',
    "  - { id: ci-reads-real, agents: ['*'], commands: ['secretsmanager get-secret-value'], params: { SecretId: real }, reveal: [SecretString] }",
    "  - { id: ci-presigns, agents: ['*'], commands: ['s3 presign'], reveal: ['@'] }",
    "  - { id: hide-buckets, commands: ['s3 ls'], patterns: ['hidden-[a-z0-9]+'] }",
    '',
  ].join('\n'));
  const revealing = await startBroker({ endpointUrl: moto.url, args: ['--policy', policy] });
  t.teardown(revealing.stop);
  const renv = await agentEnv(revealing.url, await revealing.token());
  const shown = await runAws(['secretsmanager', 'get-secret-value', '--secret-id', 'real', '--query', 'SecretString', '--output', 'text'], { env: renv });
  t.equal(shown.stdout.toString(), 'hunter2-NEVER-SHOWN-7f3a\n', 'revealed to the agent');
  const other = await runAws(['secretsmanager', 'get-secret-value', '--secret-id', 'fixed', '--query', 'SecretString', '--output', 'text'], { env: renv });
  t.equal(other.stdout.toString(), `${FIXED_POINT}\n`, 'another secret stays masked');
  const records = await readAuditRecords(revealing.dataDir);
  const executed = records.filter((r) => r.type === 'command.executed');
  t.match(executed.at(-2)?.data, { revealed: ['SecretString'], maskRules: ['ci-reads-real'] }, 'the reveal is audited');
  t.notMatch(JSON.stringify(records), 'hunter2', 'and the audit still never holds the value');

  // A streamed command revealed whole: the agent gets the CLI's bytes; the record keeps the masked copy.
  const masked = await runAws(['s3', 'presign', 's3://b/k'], { env });
  t.match(masked.stdout.toString(), /Signature=\*\*\*\*\(masked: PresignedSignature/, 'without a reveal the signature is masked');
  const presigned = await runAws(['s3', 'presign', 's3://b/k'], { env: renv });
  t.match(presigned.stdout.toString(), /Signature=[A-Za-z0-9%+/=]{20,}&/, 'revealed: the URL carries its signature');
  const after = await readAuditRecords(revealing.dataDir);
  const last = after.filter((r) => r.type === 'command.executed').at(-1);
  t.match(last?.data, { revealed: ['@'], maskRules: ['ci-presigns'], masked: { PresignedSignature: 1 } }, 'the reveal is audited, the record counts the masked copy');
  const signature = /Signature=([A-Za-z0-9%+/=]{20,})&/.exec(presigned.stdout.toString())?.[1] ?? 'none';
  t.notMatch(JSON.stringify(after), signature, 'the audit never holds the signature');

  // A policy pattern on a streamed command: masked line by line after the detectors.
  await runAwsDirect(['s3', 'mb', 's3://hidden-abc123'], moto.url);
  const listed = await runAws(['s3', 'ls'], { env: renv });
  t.match(listed.stdout.toString(), '****(masked: hide-buckets, 13 chars)', 'the bucket name is masked by the policy pattern');
  t.notMatch(listed.stdout.toString(), 'hidden-abc123');
  const lsRecord = (await readAuditRecords(revealing.dataDir)).filter((r) => r.type === 'command.executed').at(-1);
  t.match(lsRecord?.data, { masked: { 'hide-buckets': 1 }, maskRules: ['hide-buckets'] }, 'counted and named in the audit');
});

t.test('hmac style: equal values get equal masks, without the value', async (t) => {
  await runAwsDirect(['secretsmanager', 'create-secret', '--name', 'twin', '--secret-string', 'hunter2-NEVER-SHOWN-7f3a'], moto.url);
  const hashing = await startBroker({ endpointUrl: moto.url, args: ['--policy', await writeAllowAllPolicy(), '--mask-style', 'hmac'] });
  t.teardown(hashing.stop);
  const henv = await agentEnv(hashing.url, await hashing.token());
  const read = async (id: string) => (await runAws(['secretsmanager', 'get-secret-value', '--secret-id', id, '--query', 'SecretString', '--output', 'text'], { env: henv })).stdout.toString();
  const [a, b, c] = [await read('real'), await read('twin'), await read('fixed')];
  t.match(a, /^\*\*\*\*\(masked: SecretString, hmac-sha256:[0-9a-f]{16}\)\n$/);
  t.equal(a, b, 'the same value, the same mask');
  t.not(a, c, 'another value, another mask');
});
