// Ctrl-C in the middle of a file transfer: while the shim writes a download (no file under the real name, no
// .part left behind) and while the broker receives an upload (cancelled at the files stage, no object made).
// Either way every request sandbox the broker made is gone afterwards.
import t from 'tap';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMoto } from '../helpers/moto.js';
import { startBroker, writeAllowAllPolicy } from '../helpers/broker.js';
import { agentEnv, runAws } from '../helpers/shim.js';
import { runAwsDirect } from '../helpers/real-aws.js';
import { readAuditRecords, STEP_TYPES } from '../helpers/audit.js';
import { writeBigFile } from '../helpers/big-file.js';

const SIZE = 150 * 1024 * 1024;
const BUCKET = 'xfer-cancel';

t.setTimeout(300_000);
const moto = await startMoto();
t.teardown(moto.stop);
const policyFile = await writeAllowAllPolicy();
// The broker's os.tmpdir() is a directory of this test's own, so that its request sandboxes (aws-guard-req-*)
// are told apart from those of other tests running at the same time.
const sandboxParent = await mkdtemp(join(tmpdir(), 'xfer-cancel-tmp-'));
const broker = await startBroker({ endpointUrl: moto.url, args: ['--policy', policyFile], env: { TMPDIR: sandboxParent } });
t.teardown(broker.stop);
const env = await agentEnv(broker.url, await broker.token(), { HOME: await mkdtemp(join(tmpdir(), 'agent-home-')) });
const cwd = await mkdtemp(join(tmpdir(), 'agent-cwd-'));
t.teardown(() => rm(cwd, { recursive: true, force: true }));
t.teardown(() => rm(sandboxParent, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sandboxes = async () => (await readdir(sandboxParent)).filter((n) => n.startsWith('aws-guard-req-'));
const partFiles = async () => (await readdir(cwd)).filter((n) => /^\.out\.bin\.aws-guard-[0-9a-f]+\.part$/.test(n));
const sizeOf = (path: string) => stat(path).then((s) => s.size, () => -1);

/** Polls `check` every 10 ms until it returns a value, or gives up after `ms`. */
const until = async <T>(check: () => Promise<T | undefined>, ms: number): Promise<T | undefined> => {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(10)) {
    const found = await check();
    if (found !== undefined) return found;
  }
  return undefined;
};

await runAwsDirect(['s3', 'mb', `s3://${BUCKET}`], moto.url);
await writeBigFile(join(cwd, 'big.bin'), SIZE);
const put = await runAwsDirect(['s3', 'cp', 'big.bin', `s3://${BUCKET}/big.bin`], moto.url, undefined, cwd);
if (put.code !== 0) throw new Error(`could not put the object: ${put.stderr}`);

t.test('Ctrl-C while the download comes back: exit 130, no out.bin, no .part left', async (t) => {
  let pid = 0;
  const running = runAws(['s3', 'cp', `s3://${BUCKET}/big.bin`, 'out.bin'], { env, cwd, onSpawn: (p) => (pid = p) });
  let ended = false;
  void running.then(() => (ended = true));
  // The part file appears once the broker's CLI has the object and starts sending it; wait until it has grown.
  const part = await until(async () => {
    if (ended) return 'ended';
    const [name] = await partFiles();
    return name !== undefined && (await sizeOf(join(cwd, name))) > 0 ? name : undefined;
  }, 120_000);
  t.ok(part !== undefined && part !== 'ended', `a .part file appeared and grew (${part})`);
  const partSize = part === undefined || part === 'ended' ? -1 : await sizeOf(join(cwd, part));
  t.ok(partSize > 0 && partSize < SIZE, `the download was in the middle (${partSize} of ${SIZE} bytes)`);
  process.kill(pid, 'SIGINT');
  const res = await running;
  t.equal(res.code, 130, 'the shim exits 130');
  t.equal(res.stderr, '', 'and prints nothing: the broker confirmed the cancel');
  t.equal(await sizeOf(join(cwd, 'out.bin')), -1, 'no out.bin');
  t.same(await partFiles(), [], 'no .part file remains');
  const audit = await readAuditRecords(broker.dataDir);
  const requested = audit.find((r) => r.type === 'command.requested' && JSON.stringify(r.data['argv']) === JSON.stringify(['s3', 'cp', `s3://${BUCKET}/big.bin`, 'out.bin']));
  t.ok(requested, 'the audit has the command');
  const outcome = audit.filter((r) => r.requestId === requested?.requestId && !STEP_TYPES.has(r.type));
  // The CLI itself finished; what the agent cancelled was the return of its file, which never arrived.
  t.match(outcome, [{ type: 'command.cancelled', data: { stage: 'files', cancelledBy: 'signal', files: { filesOut: 0, bytesOut: 0, returnFailed: 'FILE_CANCELLED' } } }], 'audited as cancelled while the file was returned, nothing counted as delivered');
});

t.test('Ctrl-C while the broker receives an upload: exit 130, cancelled at the files stage, no object', async (t) => {
  let pid = 0;
  const running = runAws(['s3', 'cp', 'big.bin', `s3://${BUCKET}/k2`], { env, cwd, onSpawn: (p) => (pid = p) });
  let ended = false;
  void running.then(() => (ended = true));
  // The staged copy: work/ is the CLI's cwd, where a plain relative path lands.
  const staged = await until(async () => {
    if (ended) return 'ended';
    for (const box of await sandboxes()) {
      const size = await sizeOf(join(sandboxParent, box, 'work', 'big.bin'));
      if (size > 0) return size;
    }
    return undefined;
  }, 60_000);
  t.ok(typeof staged === 'number' && staged < SIZE, `the broker was receiving the file (${staged} of ${SIZE} bytes staged)`);
  process.kill(pid, 'SIGINT');
  const res = await running;
  t.equal(res.code, 130, 'the shim exits 130');
  // The upload still in flight when the cancel arrived is not a protocol error ("unexpected upload data").
  t.equal(res.stderr, '', 'and prints nothing: the broker confirmed the cancel');
  const audit = await readAuditRecords(broker.dataDir);
  const requested = audit.find((r) => r.type === 'command.requested' && JSON.stringify(r.data['argv']) === JSON.stringify(['s3', 'cp', 'big.bin', `s3://${BUCKET}/k2`]));
  t.ok(requested, 'the audit has the command');
  const outcome = audit.filter((r) => r.requestId === requested?.requestId && !STEP_TYPES.has(r.type));
  t.match(outcome, [{ type: 'command.cancelled', data: { stage: 'files', cancelledBy: 'signal' } }], 'audited as cancelled while files were transferred');
  const head = await runAwsDirect(['s3api', 'head-object', '--bucket', BUCKET, '--key', 'k2'], moto.url);
  t.not(head.code, 0, `no object k2 in the emulator (${head.stderr.trim()})`);
});

t.test("every request sandbox the broker made is removed", async (t) => {
  const left = await until(async () => ((await sandboxes()).length === 0 ? [] : undefined), 10_000);
  t.same(left ?? (await sandboxes()), [], `none left under ${sandboxParent}`);
});
