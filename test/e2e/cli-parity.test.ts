// Through the shim, an agent with no AWS credentials gets exactly what the real CLI prints when run
// directly against the same emulator: stdout, stderr and exit code.
import t from 'tap';
import { startMoto } from '../helpers/moto.js';
import { startBroker } from '../helpers/broker.js';
import { agentEnv, runAws } from '../helpers/shim.js';
import { runAwsDirect } from '../helpers/real-aws.js';

const moto = await startMoto();
t.teardown(moto.stop);
const broker = await startBroker({ endpointUrl: moto.url });
t.teardown(broker.stop);
const env = await agentEnv(broker.url, await broker.token());

// Order matters: later rows see the buckets earlier rows created, in the same emulator both ways.
// Rows with `direct` create their own twin of what the shim row creates; the rest run identically both ways.
const CASES: readonly { name: string; shim: string[]; direct?: string[] }[] = [
  { name: 'create-bucket', shim: ['s3api', 'create-bucket', '--bucket', 'parity-a'], direct: ['s3api', 'create-bucket', '--bucket', 'parity-b'] },
  { name: 'list-buckets as text', shim: ['s3api', 'list-buckets', '--query', 'Buckets[].Name', '--output', 'text'] },
  { name: 'list-buckets as JSON', shim: ['s3api', 'list-buckets', '--query', 'length(Buckets)'] },
  { name: 'get-caller-identity', shim: ['sts', 'get-caller-identity'] },
  { name: 'get-caller-identity as table', shim: ['sts', 'get-caller-identity', '--output', 'table'] },
  { name: 'head-bucket on a missing bucket', shim: ['s3api', 'head-bucket', '--bucket', 'missing-bucket'] },
  { name: 'get-object on a missing key', shim: ['s3api', 'get-object', '--bucket', 'parity-a', '--key', 'nope', 'out.bin'] },
  { name: 's3 ls of a missing bucket', shim: ['s3', 'ls', 's3://missing-bucket'] },
  { name: 'an unknown operation (usage error)', shim: ['s3api', 'no-such-operation'] },
];

for (const c of CASES) {
  t.test(c.name, async (t) => {
    const direct = await runAwsDirect(c.direct ?? c.shim, moto.url);
    const shim = await runAws(c.shim, { env });
    // moto names the caller by its example access key id (real AWS: an AIDA… user id), which the broker masks.
    const masked = (s: string) => s.replaceAll('AKIAIOSFODNN7EXAMPLE', '****(masked: AccessKeyId, 20 chars)');
    const same = (s: string) => masked(c.direct === undefined ? s : s.replaceAll('parity-b', 'parity-a'));
    t.equal(shim.code, direct.code, 'exit code');
    t.equal(shim.stdout.toString(), same(direct.stdout.toString()), 'stdout');
    t.equal(shim.stderr, same(direct.stderr), 'stderr');
  });
}

t.test('the agent environment holds no AWS variable', async (t) => {
  t.same(Object.keys(env).filter((k) => k.startsWith('AWS_') && !k.startsWith('AWS_GUARD_')), []);
});

t.test('aws --version prints the broker CLI version', async (t) => {
  const direct = await runAwsDirect(['--version'], moto.url);
  const shim = await runAws(['--version'], { env });
  t.equal(shim.code, 0);
  t.match(shim.stdout.toString(), /^aws-cli\/\d+\.\d+\.\d+ /);
  t.equal(shim.stdout.toString(), direct.stdout.toString());
});
