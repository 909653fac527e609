// Options and arguments that would redirect or expose the broker's credentials are refused however they are
// spelled (DESIGN §7.5), before anything runs. Local file paths are not refused but read on the agent and staged
// in the sandbox: path-escape.test.ts shows no broker path is ever reached (§7.6).
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startMoto } from '../helpers/moto.js';
import { startBroker } from '../helpers/broker.js';
import { agentEnv, runAws } from '../helpers/shim.js';

const moto = await startMoto();
t.teardown(moto.stop);
const broker = await startBroker({ endpointUrl: moto.url });
t.teardown(broker.stop);
const env = await agentEnv(broker.url, await broker.token());

const ACCESS_DENIED = /An error occurred \(AccessDenied\) when calling the \w+ operation: denied by aws-guard: .*\(rule \S+, request req_[0-9a-f]+\)/;

const CASES: readonly { argv: string[]; mentions: RegExp }[] = [
  { argv: ['--endpoint-url', 'http://127.0.0.1:9', 's3api', 'list-buckets'], mentions: /--endpoint-url/ },
  { argv: ['--endpoint-url=http://127.0.0.1:9', 's3api', 'list-buckets'], mentions: /--endpoint-url/ },
  { argv: ['--endp', 'http://127.0.0.1:9', 's3api', 'list-buckets'], mentions: /--endp \(--endpoint-url\)/ },
  { argv: ['--endpoint', 'http://127.0.0.1:9', 's3api', 'list-buckets'], mentions: /--endpoint-url/ },
  { argv: ['s3api', '--endpoint-u=http://127.0.0.1:9', 'list-buckets'], mentions: /--endpoint-url/ },
  { argv: ['s3api', 'list-buckets', '--endpoint-url', 'http://127.0.0.1:9'], mentions: /--endpoint-url/ },
  { argv: ['--profile', 'prod', 's3api', 'list-buckets'], mentions: /--profile/ },
  { argv: ['s3api', 'list-buckets', '--prof', 'prod'], mentions: /--prof \(--profile\)/ },
  { argv: ['s3api', 'list-buckets', '--debug'], mentions: /--debug/ },
  { argv: ['s3api', 'list-buckets', '--deb'], mentions: /--deb \(--debug\)/ },
  { argv: ['--ca-bundle', '/etc/passwd', 's3api', 'list-buckets'], mentions: /--ca-bundle/ },
  { argv: ['--ca', '/etc/passwd', 's3api', 'list-buckets'], mentions: /--ca \(--ca-bundle\)/ },
  { argv: ['--no-verify-ssl', 's3api', 'list-buckets'], mentions: /--no-verify-ssl/ },
  { argv: ['--no-verify', 's3api', 'list-buckets'], mentions: /--no-verify \(--no-verify-ssl\)/ },
  { argv: ['--no-sign-request', 's3api', 'list-buckets'], mentions: /--no-sign-request/ },
  { argv: ['ssm', 'put-parameter', '--name', 'p', '--type', 'String', '--value', 'x', '--debug'], mentions: /--debug/ },
  { argv: ['sqs', 'create-queue', '--queue-name', 'http://127.0.0.1:9/x'], mentions: /http/ },
  { argv: ['eks', 'update-kubeconfig', '--name', 'c1'], mentions: /update-kubeconfig/ },
];

for (const c of CASES) {
  t.test(`refuses: aws ${c.argv.join(' ')}`, async (t) => {
    const res = await runAws(c.argv, { env });
    t.not(res.code, 0, 'fails');
    t.match(res.stderr, /denied by aws-guard|aws-guard:/, 'says aws-guard refused it');
    t.match(res.stderr, c.mentions, 'names what was refused');
    t.equal(res.stdout.length, 0, 'prints nothing on stdout');
  });
}

t.test('a refused API command looks like AWS AccessDenied, with the v1 exit code', async (t) => {
  const res = await runAws(['--endp', 'http://127.0.0.1:9', 's3api', 'list-buckets'], { env });
  t.equal(res.code, 255);
  t.match(res.stderr, ACCESS_DENIED);
  t.match(res.stderr, /ListBuckets/);
});

t.test('a refused s3 high-level command fails like the s3 commands do', async (t) => {
  const res = await runAws(['s3', 'ls', '--debug'], { env });
  t.equal(res.code, 1);
  t.match(res.stderr, /^fatal error: An error occurred \(AccessDenied\)/);
});

t.test('local-only commands are refused with a clear message', async (t) => {
  for (const argv of [['configure', 'list'], ['configure', 'get', 'region'], ['history', 'list']]) {
    const res = await runAws(argv, { env });
    t.not(res.code, 0, argv.join(' '));
    t.match(res.stderr, /aws-guard/, argv.join(' '));
    t.equal(res.stdout.length, 0);
  }
});

t.test('every refusal is audited and nothing was executed', async (t) => {
  const lines = (await readFile(join(broker.dataDir, 'audit', 'audit.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { type: string });
  const refused = lines.filter((r) => r.type === 'command.refused').length;
  t.ok(refused >= CASES.length + 2, `${refused} refusals audited`);
  t.equal(lines.filter((r) => r.type === 'command.executed').length, 0, 'no command ran');
});
