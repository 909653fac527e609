import t from 'tap';
import {
  FORWARDED_ENV_NAMES,
  clientMessageSchema,
  serverMessageSchema,
} from '@aws-guard/shared/protocol/messages';

const hello = { type: 'hello', protocol: { min: 1, max: 1 }, client: { name: 'aws-guard-shim', version: '0.1.0' } };
const run = { type: 'command.run', argv: ['s3api', 'list-buckets'], env: { AWS_REGION: 'eu-west-1' }, terminal: { columns: 120 } };
const serverHello = {
  type: 'hello',
  protocol: 1,
  broker: { version: '0.1.0' },
  cli: { version: '1.45.11', major: 1, versionText: 'aws-cli/1.45.11 Python/3.11.7 Linux/6.1 botocore/1.43.11\n' },
};

const validClient: Array<[string, unknown]> = [
  ['a hello', hello],
  ['a command.run with every forwarded variable', { ...run, env: { AWS_REGION: 'a', AWS_DEFAULT_REGION: 'b', AWS_DEFAULT_OUTPUT: 'json', AWS_CLI_FILE_ENCODING: 'latin-1' } }],
  ['a command.run with no env and no terminal width', { ...run, env: {}, terminal: {} }],
  ['a command.run with an empty argv', { ...run, argv: [] }],
  ['a command.run with an argument of exactly 256 KiB', { ...run, argv: ['x'.repeat(256 * 1024)] }],
  ['a command.run with 4096 arguments', { ...run, argv: Array.from({ length: 4096 }, () => 'a') }],
  ['a command.stdin-end', { type: 'command.stdin-end' }],
  ['a command.cancel for a signal', { type: 'command.cancel', reason: 'signal', signal: 'SIGINT' }],
  ['a command.cancel on disconnect without a signal', { type: 'command.cancel', reason: 'disconnect' }],
  ['a command.cancel by the user', { type: 'command.cancel', reason: 'user', signal: 'SIGTERM' }],
  ['a flow.ack for stdout', { type: 'flow.ack', stream: 'stdout', bytes: 65536 }],
  ['a flow.ack of zero bytes for stderr', { type: 'flow.ack', stream: 'stderr', bytes: 0 }],
];

const invalidClient: Array<[string, unknown]> = [
  ['an unknown type', { type: 'command.explode' }],
  ['no type at all', { argv: [] }],
  ['a server-only type (command.exit)', { type: 'command.exit', requestId: 'r', exitCode: 0, reason: 'exited' }],
  ['a hello with an extra field', { ...hello, token: 'secret' }],
  ['a hello with an extra field in protocol', { ...hello, protocol: { min: 1, max: 1, pref: 1 } }],
  ['a hello with protocol min 0', { ...hello, protocol: { min: 0, max: 1 } }],
  ['a hello with a fractional version', { ...hello, protocol: { min: 1, max: 1.5 } }],
  ['a hello with a version as string', { ...hello, protocol: { min: '1', max: 1 } }],
  ['a hello without client', { type: 'hello', protocol: { min: 1, max: 1 } }],
  ['a hello with a 65-character client name', { ...hello, client: { name: 'n'.repeat(65), version: '1' } }],
  ['a command.run with a shell string instead of argv', { ...run, argv: 's3 ls' }],
  ['a command.run with a non-string argument', { ...run, argv: ['s3', 1] }],
  ['a command.run with an argument over 256 KiB', { ...run, argv: ['x'.repeat(256 * 1024 + 1)] }],
  ['a command.run with 4097 arguments', { ...run, argv: Array.from({ length: 4097 }, () => 'a') }],
  ['a command.run forwarding a credential variable', { ...run, env: { AWS_SECRET_ACCESS_KEY: 'x' } }],
  ['a command.run forwarding AWS_PROFILE', { ...run, env: { AWS_PROFILE: 'prod' } }],
  ['a command.run forwarding an endpoint', { ...run, env: { AWS_ENDPOINT_URL: 'http://evil' } }],
  ['a command.run with a 65-character region', { ...run, env: { AWS_REGION: 'r'.repeat(65) } }],
  ['a command.run with a region that is not a string', { ...run, env: { AWS_REGION: 1 } }],
  ['a command.run without env', { type: 'command.run', argv: [], terminal: {} }],
  ['a command.run with zero columns', { ...run, terminal: { columns: 0 } }],
  ['a command.run with 10001 columns', { ...run, terminal: { columns: 10_001 } }],
  ['a command.run with an extra terminal field', { ...run, terminal: { rows: 40 } }],
  ['a command.stdin-end with data', { type: 'command.stdin-end', data: 'x' }],
  ['a command.cancel with an unknown reason', { type: 'command.cancel', reason: 'bored' }],
  ['a command.cancel with SIGKILL', { type: 'command.cancel', reason: 'signal', signal: 'SIGKILL' }],
  ['a flow.ack with negative bytes', { type: 'flow.ack', stream: 'stdout', bytes: -1 }],
  ['a flow.ack with fractional bytes', { type: 'flow.ack', stream: 'stdout', bytes: 1.5 }],
  ['a flow.ack for an unknown stream', { type: 'flow.ack', stream: 'stdlog', bytes: 1 }],
  ['null', null],
  ['an array', [hello]],
  ['a string', 'hello'],
];

t.test('every valid client message is accepted and comes back unchanged', async (t) => {
  for (const [name, message] of validClient) {
    const parsed = clientMessageSchema.safeParse(message);
    t.ok(parsed.success, name);
    if (parsed.success) t.same(parsed.data, message, `${name} keeps its fields`);
  }
});

t.test('every invalid client message is rejected', async (t) => {
  for (const [name, message] of invalidClient) t.notOk(clientMessageSchema.safeParse(message).success, name);
});

t.test('a __proto__ key is an unknown field, not a way to smuggle one in', async (t) => {
  const text = '{"type":"command.stdin-end","__proto__":{"extra":1}}';
  t.notOk(clientMessageSchema.safeParse(JSON.parse(text)).success);
});

const validServer: Array<[string, unknown]> = [
  ['a hello', serverHello],
  ['a command.accepted', { type: 'command.accepted', requestId: 'req_1', stdin: false }],
  ['a command.exit for each reason', { type: 'command.exit', requestId: 'req_1', exitCode: 0, reason: 'exited' }],
  ['a command.exit with 255', { type: 'command.exit', requestId: 'req_1', exitCode: 255, reason: 'refused' }],
  ['an error without request id', { type: 'error', code: 'AUTH_TOKEN_EXPIRED', message: 'expired' }],
  ['an error with request id', { type: 'error', code: 'EXEC_TIMEOUT', message: 'too slow', requestId: 'req_1' }],
  ['a flow.ack for stdin', { type: 'flow.ack', stream: 'stdin', bytes: 10 }],
  ['a command.queued', { type: 'command.queued', requestId: 'req_1', position: 3, running: 8, max: 8 }],
  ['a command.queued first in line', { type: 'command.queued', requestId: 'req_1', position: 0, running: 1, max: 1 }],
  ['a command.queued at the agent\'s own limit', { type: 'command.queued', requestId: 'req_1', position: 0, running: 4, max: 4, limit: 'agent' }],
  ...(['exited', 'refused', 'timeout', 'output-limit', 'cancelled', 'killed'] as const).map(
    (reason): [string, unknown] => [`a command.exit with reason ${reason}`, { type: 'command.exit', requestId: 'r', exitCode: 1, reason }],
  ),
];

const invalidServer: Array<[string, unknown]> = [
  ['a hello with a protocol range instead of one version', { ...serverHello, protocol: { min: 1, max: 1 } }],
  ['a hello without the CLI', { type: 'hello', protocol: 1, broker: { version: '0.1.0' } }],
  ['a hello with an extra CLI field', { ...serverHello, cli: { ...serverHello.cli, path: '/usr/bin/aws' } }],
  ['a command.accepted with stdin as a string', { type: 'command.accepted', requestId: 'r', stdin: 'yes' }],
  ['a command.exit with 256', { type: 'command.exit', requestId: 'r', exitCode: 256, reason: 'exited' }],
  ['a command.exit with -1', { type: 'command.exit', requestId: 'r', exitCode: -1, reason: 'exited' }],
  ['a command.exit with an unknown reason', { type: 'command.exit', requestId: 'r', exitCode: 1, reason: 'crashed' }],
  ['a command.exit without request id', { type: 'command.exit', exitCode: 0, reason: 'exited' }],
  ['an error without message', { type: 'error', code: 'X' }],
  ['an error with an extra field', { type: 'error', code: 'X', message: 'm', stack: 'at …' }],
  ['a client-only type (command.run)', run],
  ['a command.queued with max 0', { type: 'command.queued', requestId: 'r', position: 0, running: 0, max: 0 }],
  ['a command.queued with a negative position', { type: 'command.queued', requestId: 'r', position: -1, running: 1, max: 1 }],
  ['a command.queued with a fractional position', { type: 'command.queued', requestId: 'r', position: 0.5, running: 1, max: 1 }],
  ['a command.queued without request id', { type: 'command.queued', position: 0, running: 1, max: 1 }],
  ['a command.queued naming the broker\'s limit (it is the default, never sent)', { type: 'command.queued', requestId: 'r', position: 0, running: 1, max: 1, limit: 'broker' }],
  ['a command.queued with an extra field', { type: 'command.queued', requestId: 'r', position: 0, running: 1, max: 1, agent: 'other' }],
];

t.test('every valid server message is accepted', async (t) => {
  for (const [name, message] of validServer) t.ok(serverMessageSchema.safeParse(message).success, name);
});

t.test('every invalid server message is rejected', async (t) => {
  for (const [name, message] of invalidServer) t.notOk(serverMessageSchema.safeParse(message).success, name);
});

t.test('the forwarded env names are exactly the region and output variables, frozen', async (t) => {
  t.same([...FORWARDED_ENV_NAMES].sort(), ['AWS_CLI_FILE_ENCODING', 'AWS_DEFAULT_OUTPUT', 'AWS_DEFAULT_REGION', 'AWS_REGION']);
  t.ok(Object.isFrozen(FORWARDED_ENV_NAMES));
});
