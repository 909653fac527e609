// The CLI runs with an allowlisted environment and a broker-owned config: nothing of the broker's own
// environment leaks in, and the agent can set only a well-formed region, output format and terminal width.
import t from 'tap';
import { basename, dirname } from 'node:path';
import { join } from 'node:path';
import { startBroker } from '../helpers/broker.js';
import { agentEnv, runAws } from '../helpers/shim.js';
import { FIXTURES } from '../helpers/paths.js';

const broker = await startBroker({
  awsCli: join(FIXTURES, 'fake-aws', 'sandbox-aws'),
  endpointUrl: 'http://127.0.0.1:4566',
  env: { BROKER_ONLY_SECRET: 'leak-me', HTTPS_PROXY: 'http://127.0.0.1:9', AWS_CA_BUNDLE: '/etc/passwd', AWS_DATA_PATH: '/tmp' },
});
t.teardown(broker.stop);
const token = await broker.token();

type Report = { argv: string[]; cwd: string; env: Record<string, string>; config: string; credentials: string };
const run = async (extra: NodeJS.ProcessEnv, argv = ['sts', 'get-caller-identity']): Promise<Report> => {
  const res = await runAws(argv, { env: await agentEnv(broker.url, token, extra) });
  t.equal(res.code, 0, res.stderr);
  return JSON.parse(res.stdout.toString()) as Report;
};

const ALLOWED = new Set(['PATH', 'HOME', 'TMPDIR', 'LANG', 'PYTHONNOUSERSITE', 'PYTHONDONTWRITEBYTECODE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_PAGER', 'AWS_CLI_AUTO_PROMPT', 'AWS_EC2_METADATA_DISABLED', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_DEFAULT_OUTPUT', 'COLUMNS',
  // bwrap sets PWD to its --chdir (the sandbox home) and offers no way not to: harmless, cwd says the same.
  'PWD']);

t.test('only allowlisted variables reach the CLI', async (t) => {
  const report = await run({ AWS_PROFILE: 'agent-profile', AWS_ENDPOINT_URL: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', AWS_ACCESS_KEY_ID: 'AKIAAGENT' });
  t.same(Object.keys(report.env).filter((k) => !ALLOWED.has(k)), [], 'no other variable');
  t.notOk(JSON.stringify(report).includes('leak-me'), 'nothing of the broker env');
  t.equal(report.env['AWS_ACCESS_KEY_ID'], 'test', "the broker's credentials, not the agent's");
  t.equal(report.env['AWS_SECRET_ACCESS_KEY'], '<set>');
  t.equal(report.env['AWS_PAGER'], '');
  t.equal(report.env['AWS_CLI_AUTO_PROMPT'], 'off');
});

t.test('the CLI runs in a fresh sandbox: cwd is its work dir beside an empty HOME, config is the broker\'s own', async (t) => {
  const a = await run({});
  const b = await run({});
  t.equal(basename(a.cwd), 'work', 'cwd is the work dir, where local files are staged');
  t.equal(dirname(a.cwd), dirname(a.env['HOME'] ?? ''), 'HOME is its sibling, so a staged file never becomes ~/.aws/…');
  t.not(a.cwd, b.cwd, 'a new directory per command');
  t.match(a.config, /cli_follow_urlparam = false/);
  t.match(a.config, /cli_history = disabled/);
  t.match(a.config, /region = us-east-1/);
  t.notMatch(a.config, /plugins|alias/);
  t.equal(a.credentials, '', 'an empty credentials file');
});

t.test('the trusted endpoint comes first in argv, the agent argv follows untouched', async (t) => {
  const argv = ['s3api', 'list-objects-v2', '--bucket', 'b', '--query', "Contents[?Size > `10`].Key"];
  const report = await run({}, argv);
  t.same(report.argv, ['--endpoint-url', 'http://127.0.0.1:4566', ...argv]);
});

t.test('the agent may set a well-formed region and output format, nothing else', async (t) => {
  const good = await run({ AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-central-1', AWS_DEFAULT_OUTPUT: 'text' });
  t.match(good.env, { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-central-1', AWS_DEFAULT_OUTPUT: 'text' });
  const bad = await run({ AWS_REGION: 'eu-west-1\n[profile x]', AWS_DEFAULT_REGION: '../../etc', AWS_DEFAULT_OUTPUT: 'python' });
  t.notOk('AWS_REGION' in bad.env || 'AWS_DEFAULT_REGION' in bad.env || 'AWS_DEFAULT_OUTPUT' in bad.env, 'malformed values are dropped');
});
