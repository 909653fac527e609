// Binary-safe streaming through the gateway in both directions: 20 MB of random bytes piped into
// `s3 cp - s3://b/k` and read back with `s3 cp s3://b/k -` arrive byte-identical.
import t from 'tap';
import { createHash, randomBytes } from 'node:crypto';
import { startMoto } from '../helpers/moto.js';
import { startBroker } from '../helpers/broker.js';
import { agentEnv, runAws } from '../helpers/shim.js';
import { runAwsDirect } from '../helpers/real-aws.js';

const moto = await startMoto();
t.teardown(moto.stop);
const broker = await startBroker({ endpointUrl: moto.url });
t.teardown(broker.stop);
const env = await agentEnv(broker.url, await broker.token());
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

t.test('20 MB of random bytes round-trip through stdin and stdout', async (t) => {
  const payload = randomBytes(20 * 1024 * 1024);
  t.equal((await runAws(['s3', 'mb', 's3://stream-bucket'], { env })).code, 0, 'bucket made');
  const up = await runAws(['s3', 'cp', '-', 's3://stream-bucket/blob'], { env, input: payload });
  t.equal(up.code, 0, `upload exit code (stderr: ${up.stderr})`);
  const down = await runAws(['s3', 'cp', 's3://stream-bucket/blob', '-'], { env });
  t.equal(down.code, 0, 'download exit code');
  t.equal(down.stdout.length, payload.length, 'same length');
  t.equal(sha(down.stdout), sha(payload), 'same bytes');
  const direct = await runAwsDirect(['s3', 'cp', 's3://stream-bucket/blob', '-'], moto.url);
  t.equal(sha(direct.stdout), sha(payload), 'the object in the emulator is the one the agent sent');
});

t.test('stdout and stderr keep their own order and content', async (t) => {
  const res = await runAws(['s3api', 'head-object', '--bucket', 'stream-bucket', '--key', 'missing'], { env });
  const direct = await runAwsDirect(['s3api', 'head-object', '--bucket', 'stream-bucket', '--key', 'missing'], moto.url);
  t.equal(res.code, direct.code);
  t.equal(res.stderr, direct.stderr);
  t.equal(res.stdout.length, 0);
});
