// The broker's limits on local files (files.maxFileBytes, files.maxTotalBytes, files.maxFiles): checked from
// the shim's listing before any byte moves, and from the CLI's output before any byte returns; the refusal
// names the file or the total and the limit, and the agent gets no file at all.
import t from 'tap';
import { access, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMoto } from '../helpers/moto.js';
import { startBroker, writeAllowAllPolicy } from '../helpers/broker.js';
import { agentEnv, runAws } from '../helpers/shim.js';
import { runAwsDirect } from '../helpers/real-aws.js';
import { readAuditRecords, STEP_TYPES, type AuditRec } from '../helpers/audit.js';
import { writeTree } from '../helpers/trees.js';

const moto = await startMoto();
t.teardown(moto.stop);
const policyFile = await writeAllowAllPolicy();
const limited = await startBroker({ endpointUrl: moto.url, args: ['--policy', policyFile, '--max-file-bytes', '1000', '--max-total-file-bytes', '3000'] });
t.teardown(limited.stop);
const fewFiles = await startBroker({ endpointUrl: moto.url, args: ['--policy', policyFile], env: { AWS_GUARD_MAX_FILES: '2' } });
t.teardown(fewFiles.stop);
const home = await mkdtemp(join(tmpdir(), 'agent-home-'));
const env = await agentEnv(limited.url, await limited.token(), { HOME: home });
const fewEnv = await agentEnv(fewFiles.url, await fewFiles.token(), { HOME: home });
const workdir = () => mkdtemp(join(tmpdir(), 'agent-cwd-'));
const exists = (p: string) => access(p).then(() => true, () => false);
const BUCKET = 'limits';
await runAwsDirect(['s3', 'mb', `s3://${BUCKET}`], moto.url);

/** The records of the last request whose argv is `argv`, after its steps (requested, decided, credentials, started). */
const recordsOf = async (dataDir: string, argv: readonly string[]): Promise<AuditRec[]> => {
  const audit = await readAuditRecords(dataDir);
  const requested = audit.filter((r) => r.type === 'command.requested' && JSON.stringify(r.data['argv']) === JSON.stringify(argv)).at(-1);
  return audit.filter((r) => r.requestId === requested?.requestId && !STEP_TYPES.has(r.type));
};

/** A policy document of exactly `bytes` bytes (the padding is a Sid). */
const policyOf = (bytes: number): string => {
  const doc = (sid: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: sid, Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
  return doc('P'.repeat(bytes - doc('').length));
};

t.test('a file:// input over the per-file limit is refused from the listing, naming the file and the limit', async (t) => {
  const cwd = await workdir();
  await writeFile(join(cwd, 'big.json'), policyOf(2000));
  await writeFile(join(cwd, 'small.json'), policyOf(900));
  const argv = ['iam', 'create-policy', '--policy-name', 'too-big', '--policy-document', 'file://big.json'];
  const res = await runAws(argv, { env, cwd });
  t.equal(res.code, 255, 'exit 255');
  t.match(res.stderr, /^aws-guard: big\.json is 2\.0 KiB, more than the broker accepts per file \(1000 B, files\.maxFileBytes\)/, `names the file and the limit: ${res.stderr}`);
  t.match(await recordsOf(limited.dataDir, argv), [{ type: 'command.refused', code: 'FILE_TOO_LARGE', data: { exitCode: 255 } }], 'audited as refused FILE_TOO_LARGE, and nothing ran');
  t.equal((await recordsOf(limited.dataDir, argv)).length, 1, 'no other record: nothing staged, nothing executed');
  const listed = await runAwsDirect(['iam', 'list-policies', '--scope', 'Local'], moto.url);
  t.notMatch(listed.stdout.toString(), /too-big/, 'no policy was created');

  const ok = await runAws(['iam', 'create-policy', '--policy-name', 'small-enough', '--policy-document', 'file://small.json'], { env, cwd });
  t.equal(ok.code, 0, `a 900-byte document passes (stderr: ${ok.stderr})`);
});

t.test('s3 cp --recursive: three 900-byte files pass the 3000-byte total, four are refused naming the total', async (t) => {
  const cwd = await workdir();
  const nine = 'x'.repeat(900);
  await writeTree(join(cwd, 'three'), { 'a.txt': nine, 'b.txt': nine, 'sub/c.txt': nine });
  const up = await runAws(['s3', 'cp', 'three', `s3://${BUCKET}/three`, '--recursive'], { env, cwd });
  t.equal(up.code, 0, `three files: exit 0 (stderr: ${up.stderr})`);
  const listing = await runAwsDirect(['s3', 'ls', `s3://${BUCKET}/three/`, '--recursive'], moto.url);
  t.equal(listing.stdout.toString().trim().split('\n').length, 3, 'all three uploaded');

  await writeTree(join(cwd, 'four'), { 'a.txt': nine, 'b.txt': nine, 'c.txt': nine, 'd.txt': nine });
  const argv = ['s3', 'cp', 'four', `s3://${BUCKET}/four`, '--recursive'];
  const res = await runAws(argv, { env, cwd });
  t.equal(res.code, 255, 'four files: exit 255');
  t.match(res.stderr, /^aws-guard: the command's local files come to 3\.5 KiB, more than the broker accepts per command \(2\.9 KiB, files\.maxTotalBytes\)/, `names the total and the limit: ${res.stderr}`);
  t.match(await recordsOf(limited.dataDir, argv), [{ type: 'command.refused', code: 'FILE_TOO_LARGE' }], 'audited as refused FILE_TOO_LARGE');
  const none = await runAwsDirect(['s3', 'ls', `s3://${BUCKET}/four/`], moto.url);
  t.equal(none.stdout.toString(), '', 'nothing uploaded');
});

t.test('a download over the per-file limit is not returned: exit 255 naming the file, no local file', async (t) => {
  const cwd = await workdir();
  const put = await runAwsDirect(['s3', 'cp', '-', `s3://${BUCKET}/big.bin`], moto.url, Buffer.alloc(2000, 7));
  t.equal(put.code, 0, 'object of 2000 bytes put directly');
  const argv = ['s3', 'cp', `s3://${BUCKET}/big.bin`, 'got.bin'];
  const res = await runAws(argv, { env, cwd });
  t.equal(res.code, 255, 'exit 255');
  t.match(res.stderr, /aws-guard: the CLI wrote got\.bin \(2\.0 KiB\), more than the broker returns per file \(1000 B, files\.maxFileBytes\); it was not returned/, `names the file and the limit: ${res.stderr}`);
  t.notOk(await exists(join(cwd, 'got.bin')), 'no got.bin');
  t.same(await readdir(cwd), [], 'and no temporary file either');
  t.match(await recordsOf(limited.dataDir, argv), [{ type: 'command.executed', data: { files: { filesOut: 0, returnFailed: 'FILE_TOO_LARGE' } } }], 'audited: the CLI ran, its file was not returned');
});

t.test('AWS_GUARD_MAX_FILES=2: a 3-file tree is refused FILE_TOO_MANY, a 2-file tree passes', async (t) => {
  const cwd = await workdir();
  await writeTree(join(cwd, 'three'), { 'a.txt': 'a', 'b.txt': 'b', 'sub/c.txt': 'c' });
  await writeTree(join(cwd, 'two'), { 'a.txt': 'a', 'sub/b.txt': 'b' });
  const argv = ['s3', 'cp', 'three', `s3://${BUCKET}/many`, '--recursive'];
  const res = await runAws(argv, { env: fewEnv, cwd });
  t.equal(res.code, 255, 'exit 255');
  t.match(res.stderr, /^aws-guard: the command names more than 2 local files \(the broker's limit, files\.maxFiles\)/, `names the limit: ${res.stderr}`);
  t.match(await recordsOf(fewFiles.dataDir, argv), [{ type: 'command.refused', code: 'FILE_TOO_MANY' }], 'audited as refused FILE_TOO_MANY');
  const none = await runAwsDirect(['s3', 'ls', `s3://${BUCKET}/many/`], moto.url);
  t.equal(none.stdout.toString(), '', 'nothing uploaded');
  const two = await runAws(['s3', 'cp', 'two', `s3://${BUCKET}/two`, '--recursive'], { env: fewEnv, cwd });
  t.equal(two.code, 0, `two files pass (stderr: ${two.stderr})`);
});
