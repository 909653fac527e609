// Secrets in the CLI's output never reach the agent (DESIGN §7.1): access keys the emulator mints, STS session
// credentials and presigned URL signatures come back masked in json, text and table output, on stderr too, the
// shape otherwise what the real CLI prints; the audit counts what was masked and never holds a secret itself.
import t from 'tap';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startMoto } from '../helpers/moto.js';
import { startBroker, writeAllowAllPolicy } from '../helpers/broker.js';
import { agentEnv, runAws, type RunResult } from '../helpers/shim.js';
import { runAwsDirect } from '../helpers/real-aws.js';
import { readAuditRecords } from '../helpers/audit.js';

const moto = await startMoto();
t.teardown(moto.stop);
// These tests are about output, not decisions: everything is allowed (iam create-access-key included).
const policyFile = await writeAllowAllPolicy();
const broker = await startBroker({ endpointUrl: moto.url, args: ['--policy', policyFile] });
t.teardown(broker.stop);
const env = await agentEnv(broker.url, await broker.token());

const KEY_ID = /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/;
const mask = (kind: string, chars: number) => `****(masked: ${kind}, ${chars} chars)`;
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** Every access key the emulator holds, with its secret: what must never appear on the agent's side. */
const emulatorKeys = async (): Promise<{ id: string; secret: string; user: string }[]> => {
  const data = (await (await fetch(`${moto.url}/moto-api/data.json`)).json()) as { iam?: { AccessKey?: { access_key_id: string; secret_access_key: string; user_name: string }[] } };
  return (data.iam?.AccessKey ?? []).map((k) => ({ id: k.access_key_id, secret: k.secret_access_key, user: k.user_name }));
};
const direct = async (args: string[]): Promise<RunResult> => {
  const res = await runAwsDirect(args, moto.url);
  if (res.code !== 0) throw new Error(`${args.join(' ')}: ${res.stderr}`);
  return res;
};
/** The last command.executed record (the shim waits for it before exiting). */
const lastExecuted = async () => (await readAuditRecords(broker.dataDir)).filter((r) => r.type === 'command.executed').at(-1)!;

for (const output of ['json', 'text', 'table'] as const) {
  t.test(`iam create-access-key --output ${output}: the key id and secret are masked, the rest as the CLI prints it`, async (t) => {
    // Names of one length, so that table columns come out equally wide.
    const [user, twin] = [`agent-${output}`, `other-${output}`];
    for (const u of [user, twin]) await direct(['iam', 'create-user', '--user-name', u]);
    const shim = await runAws(['iam', 'create-access-key', '--user-name', user, '--output', output], { env });
    t.equal(shim.code, 0, `exit 0 (stderr: ${shim.stderr})`);
    const real = (await direct(['iam', 'create-access-key', '--user-name', twin, '--output', output])).stdout.toString();
    const seen = shim.stdout.toString();
    const mine = (await emulatorKeys()).filter((k) => k.user === user);
    t.equal(mine.length, 1, 'the emulator made the key');
    t.notOk(seen.includes(mine[0]!.id) || seen.includes(mine[0]!.secret), 'neither the key id nor the secret reached the agent');
    t.notMatch(seen, KEY_ID, 'no access key id at all');
    // The twin's output, its own values replaced by masks of their lengths, is what the agent got (dates aside).
    const theirs = (await emulatorKeys()).find((k) => k.user === twin)!;
    const masked = real.replace(theirs.id, mask('AccessKeyId', theirs.id.length)).replace(theirs.secret, mask('SecretAccessKey', theirs.secret.length)).replaceAll(twin, user);
    const undated = (s: string) => s.replace(/\d{4}-\d\d-\d\dT[\d:.]+(?:Z|\+00:00)/g, 'DATE');
    // A table is laid out again around the masks (output-rendering.md): the same cells, every row as wide.
    const cells = (table: string) => table.split('\n').flatMap((line) => line.split('|').map((c) => c.trim()).filter((c) => c !== '' && !/^[-+]+$/.test(c)));
    if (output === 'table') {
      t.same(cells(undated(seen)), cells(undated(masked)), 'the real table with masks in place of the secrets');
      t.equal(new Set(seen.trimEnd().split('\n').map((l) => l.length)).size, 1, 'every row of the table as wide as the others');
    } else t.equal(undated(seen), undated(masked), 'the real output with masks in place of the secrets');
    if (output === 'json') t.match(JSON.parse(seen), { AccessKey: { UserName: user, AccessKeyId: mask('AccessKeyId', 20), SecretAccessKey: mask('SecretAccessKey', 40), Status: 'Active' } });
    const audit = await lastExecuted();
    // The key id by its detector, the secret by its place in the model (docs/masking.md).
    t.same(audit.data['masked'], { AccessKeyId: 1, 'AccessKey.SecretAccessKey': 1 }, 'the audit counts what was masked');
    t.equal(audit.data['stdoutSha256'], sha256(shim.stdout), 'the audit digest is of what the agent received');
  });
}

t.test('sts get-session-token: the session credentials are masked in every format', async (t) => {
  const real = JSON.parse((await direct(['sts', 'get-session-token'])).stdout.toString()).Credentials as Record<string, string>;
  const secrets = [real['AccessKeyId']!, real['SecretAccessKey']!, real['SessionToken']!];
  for (const output of ['json', 'text', 'table']) {
    const shim = await runAws(['sts', 'get-session-token', '--output', output], { env });
    t.equal(shim.code, 0, `${output}: exit 0`);
    const seen = shim.stdout.toString();
    t.same(secrets.filter((s) => seen.includes(s)), [], `${output}: no credential reached the agent`);
    for (const [kind, value] of [['AccessKeyId', secrets[0]!], ['SecretAccessKey', secrets[1]!], ['SessionToken', secrets[2]!]] as const)
      t.ok(seen.includes(mask(kind, value.length)), `${output}: ${kind} masked`);
    t.match(seen, /\d{4}-\d\d-\d\dT\d\d:/, `${output}: the expiration is still there`);
    t.same((await lastExecuted()).data['masked'], { AccessKeyId: 1, 'Credentials.SecretAccessKey': 1, 'Credentials.SessionToken': 1 }, `${output}: audited counts`);
  }
});

t.test('an access key id in an error message on stderr is masked; the exit code is the CLI’s', async (t) => {
  const args = ['iam', 'delete-access-key', '--user-name', 'agent-json', '--access-key-id', 'AKIAQWERTYUIOPASDFGH'];
  const real = await runAwsDirect(args, moto.url);
  const shim = await runAws(args, { env });
  t.equal(shim.code, real.code);
  t.equal(shim.stderr, real.stderr.replace('AKIAQWERTYUIOPASDFGH', mask('AccessKeyId', 20)));
  t.same((await lastExecuted()).data['masked'], { AccessKeyId: 1 });
});

t.test('s3 presign: the signature is masked, the URL otherwise intact', async (t) => {
  const shim = await runAws(['s3', 'presign', 's3://reports/q3.csv', '--expires-in', '600'], { env });
  t.equal(shim.code, 0, shim.stderr);
  const url = shim.stdout.toString();
  t.match(url, /^http:\/\/127\.0\.0\.1:\d+\/reports\/q3\.csv\?/, 'the URL to the object');
  t.match(url, /Signature=\*\*\*\*\(masked: PresignedSignature, \d+ chars\)/, 'the signature masked');
  t.notMatch(url, /Signature=[A-Za-z0-9%]{10}/, 'no signature left');
  t.match((await lastExecuted()).data['masked'], { PresignedSignature: 1 });
});

t.test('ordinary output is untouched and counts nothing', async (t) => {
  const args = ['iam', 'list-users', '--query', 'Users[].UserName', '--output', 'text'];
  const shim = await runAws(args, { env });
  t.equal(shim.stdout.toString(), (await direct(args)).stdout.toString());
  t.same((await lastExecuted()).data['masked'], {});
});

t.test('the audit log and the broker log never hold a secret', async (t) => {
  const auditText = await readFile(join(broker.dataDir, 'audit', 'audit.jsonl'), 'utf8');
  const keys = (await emulatorKeys()).filter((k) => k.user.startsWith('agent-'));
  t.equal(keys.length, 3);
  const secrets = [...keys.flatMap((k) => [k.id, k.secret]), 'wJalrXUtnFEMI/K7MDENG', 'AQoEXAMPLEH4aoAH0gNC'];
  t.same(secrets.filter((s) => auditText.includes(s)), [], 'audit.jsonl');
  t.same(secrets.filter((s) => broker.stderr().includes(s)), [], "the broker's log output");
  const executed = (await readAuditRecords(broker.dataDir)).filter((r) => r.type === 'command.executed');
  t.ok(executed.every((r) => typeof r.data['masked'] === 'object'), 'every executed record says what it masked');
});
