// Shared by the warm executor tests: the real CLI, its detected interpreter, a pool, and one command run
// through an executor with a fresh request sandbox (the broker's own env for the CLI).
import { createSandbox, type Sandbox } from '@aws-guard/broker/exec/create-sandbox';
import { sandboxEnv, type AwsCredentials } from '@aws-guard/broker/exec/sandbox-env';
import { resolveAwsCli } from '@aws-guard/broker/exec/resolve-aws-cli';
import type { ExecOutcome, ExecRequest, OutputSink, RunningCli } from '@aws-guard/broker/exec/run-aws-cli';
import { detectPythonCli } from '@aws-guard/broker/exec/warm/detect-python-cli';
import { workerScript } from '@aws-guard/broker/exec/warm/worker-script';

export const resolvePythonCli = async () => {
  const cli = await resolveAwsCli(undefined, process.env['PATH'] ?? '');
  if (!cli.ok) throw new Error(`${cli.issue.message} (these tests need the real AWS CLI: pip install awscli)`);
  const py = await detectPythonCli(cli.value, workerScript());
  if (!py.ok) throw new Error(`the warm executor needs a Python AWS CLI here: ${py.issue.message}`);
  return { cli: cli.value, python: py.value.python };
};

export type Run = { outcome: ExecOutcome; stdout: Buffer; stderr: Buffer; pid: number | undefined };
export type RunFn = (req: ExecRequest, sink: OutputSink) => RunningCli;

export const runIn = async (
  run: RunFn,
  cliPath: string,
  args: readonly string[],
  opts: { stdin?: Buffer; credentials?: AwsCredentials; over?: (s: Sandbox) => Partial<ExecRequest>; onStart?: (r: RunningCli) => void } = {},
): Promise<Run> => {
  const sandbox = await createSandbox('us-east-1');
  try {
    const out = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
    const running = run(
      {
        cliPath,
        args,
        env: sandboxEnv({ paths: sandbox, credentials: opts.credentials ?? { accessKeyId: 'test', secretAccessKey: 'test' }, forwarded: {}, columns: undefined }),
        cwd: sandbox.work,
        readsStdin: opts.stdin !== undefined,
        timeoutMs: 60_000,
        maxOutputBytes: 16 * 1024 * 1024,
        killGraceMs: 1000,
        ...opts.over?.(sandbox),
      },
      (stream, chunk) => void out[stream].push(Buffer.from(chunk)),
    );
    running.stdin?.end(opts.stdin);
    opts.onStart?.(running);
    const outcome = await running.done;
    return { outcome, stdout: Buffer.concat(out.stdout), stderr: Buffer.concat(out.stderr), pid: running.pid };
  } finally {
    await sandbox.remove();
  }
};
