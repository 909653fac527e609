// `<cli> --version` run exactly as commands run (a fresh request sandbox, the given executor and isolation): how
// start-up proves that bwrap's binds suffice (select-isolation.ts) and that a warm fork works (select-executor.ts).
import { SANDBOX_PATH } from './cli-host-paths.js';
import { createSandbox } from './create-sandbox.js';
import { sandboxIsolation, type IsolationPlan } from './isolation.js';
import type { ExecRequest, OutputSink, RunningCli } from './run-aws-cli.js';
import type { SandboxPaths } from './sandbox-env.js';

/** The environment of a probe: the sandbox's own paths, no credentials. */
export const probeEnv = (sandbox: SandboxPaths): Record<string, string> => ({
  PATH: SANDBOX_PATH, HOME: sandbox.home, TMPDIR: sandbox.tmp, LANG: 'C.UTF-8', PYTHONNOUSERSITE: '1', PYTHONDONTWRITEBYTECODE: '1',
  AWS_CONFIG_FILE: sandbox.configFile, AWS_SHARED_CREDENTIALS_FILE: sandbox.credentialsFile,
});

/** null when the CLI printed its version; otherwise why not, in one line (the last line names the error for bwrap, Python and node alike). */
export const probeCliVersion = async (
  run: (req: ExecRequest, sink: OutputSink) => RunningCli,
  cliPath: string,
  isolation: IsolationPlan,
  sandboxParent?: string,
): Promise<string | null> => {
  const sandbox = await createSandbox(undefined, sandboxParent);
  try {
    let output = '';
    const outcome = await run(
      {
        cliPath,
        args: ['--version'],
        env: probeEnv(sandbox),
        cwd: sandbox.work,
        readsStdin: false,
        timeoutMs: 60_000,
        maxOutputBytes: 64 * 1024,
        killGraceMs: 1000,
        isolation: sandboxIsolation(isolation, sandbox),
      },
      (_stream, chunk) => void (output += chunk.toString()),
    ).done;
    if (outcome.exitCode === 0 && /aws-cli\//.test(output)) return null;
    return output.trim().split('\n').at(-1)?.trim().slice(0, 300) || outcome.error || `exit ${outcome.exitCode}`;
  } finally {
    await sandbox.remove();
  }
};
