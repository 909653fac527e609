// The real CLI run in a pseudo-terminal of a given width (util-linux `script`), for the comparisons that need
// one: the CLI sizes a table by its stdout's terminal (ioctl), never by COLUMNS, so a pipe always gives 80.
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { realAwsCli } from '../../../../test/helpers/real-aws.js';
import { requireBinary } from '../../../../test/helpers/service-process.js';

const quote = (arg: string): string => `'${arg.replaceAll("'", "'\\''")}'`;

/** stdout and stderr together, as the terminal shows them, with the terminal's CR LF turned back into LF. */
export const runAwsInTerminal = async (args: readonly string[], endpointUrl: string, columns: number): Promise<Readonly<{ code: number | null; output: string }>> => {
  requireBinary('script', 'install util-linux (it provides script)');
  const { path } = await realAwsCli();
  const home = await mkdtemp(join(tmpdir(), 'aws-terminal-'));
  const env = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: home, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '', LANG: 'C.UTF-8' };
  const command = `stty cols ${columns} rows 60; exec ${[path, '--endpoint-url', endpointUrl, ...args].map(quote).join(' ')}`;
  const child = spawn('script', ['-qec', command, '/dev/null'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => out.push(c));
  return new Promise((resolve) =>
    child.once('close', (code) => resolve({ code, output: Buffer.concat(out).toString('utf8').replaceAll('\r\n', '\n') })),
  );
};
