// Decides whether the resolved AWS CLI can run warm: a Python script (pip, Debian, Homebrew installs) whose
// interpreter imports the same awscli the script runs. A frozen build (the official v2 installer) cannot.
import { execFile } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { fail, ok, type Result } from '@aws-guard/shared/result';
import { isExecutable, readFileHead } from '../file-head.js';
import type { AwsCliInfo } from '../resolve-aws-cli.js';
import { WORKER_ENV } from './worker-env.js';

const run = promisify(execFile);

export type PythonCli = Readonly<{ python: string; pythonVersion: string; cliPath: string; awscli: string; botocore: string }>;
export type DetectCode = 'NOT_PYTHON' | 'PROBE_FAILED' | 'VERSION_MISMATCH';

/** The interpreter a `#!` line names; `#!/usr/bin/env python3` is looked up on the CLI's own PATH. */
const interpreterOf = (head: string): string | undefined => {
  const line = /^#!([^\n]*)/.exec(head)?.[1]?.trim();
  if (line === undefined) return undefined;
  const [program, ...rest] = line.split(/\s+/);
  if (program === undefined) return undefined;
  if (!program.endsWith('/env')) return program;
  const name = rest.find((arg) => !arg.startsWith('-'));
  if (name === undefined) return undefined;
  return WORKER_ENV.PATH.split(delimiter).map((dir) => join(dir, name)).find(isExecutable);
};

export const detectPythonCli = async (cli: AwsCliInfo, script: string): Promise<Result<PythonCli, DetectCode>> => {
  const python = interpreterOf(readFileHead(cli.path));
  if (python === undefined) return fail('NOT_PYTHON', `${cli.path} is not a script (a frozen build, such as the official AWS CLI v2 installer's)`);
  if (!/^python[\d.]*$/.test(python.split('/').pop() ?? '')) return fail('NOT_PYTHON', `${cli.path} runs ${python}, not a Python interpreter`);
  let probe: { python: string; pythonVersion: string; awscli: string; botocore: string; scriptImportsAwscli: boolean };
  try {
    const { stdout } = await run(python, [script, '--probe', cli.path], { env: { ...WORKER_ENV }, cwd: '/', timeout: 30_000 });
    probe = JSON.parse(stdout) as typeof probe;
  } catch (e) {
    const why = ((e as { stderr?: string }).stderr || (e as Error).message).trim().split('\n').pop();
    return fail('PROBE_FAILED', `${python} cannot import the AWS CLI (${why})`);
  }
  if (probe.awscli !== cli.version) return fail('VERSION_MISMATCH', `${python} imports awscli ${probe.awscli}, but ${cli.path} is ${cli.version}`);
  if (!probe.scriptImportsAwscli) return fail('NOT_PYTHON', `${cli.path} does not run awscli.clidriver`);
  return ok(Object.freeze({ python, pythonVersion: probe.pythonVersion, cliPath: cli.path, awscli: probe.awscli, botocore: probe.botocore }));
};
