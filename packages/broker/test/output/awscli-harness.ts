// The installed CLI's own formatters and JMESPath, run in the CLI's Python over many documents at once
// (fixtures/awscli-format.py): the reference the renderer is compared with, beside real command lines.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { realAwsCli } from '../../../../test/helpers/real-aws.js';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

export type FormatCase = Readonly<{ doc: string; query: string | null; format: string; columns?: number; color?: boolean; title?: string }>;
export type FormatResult = Readonly<{ stdout: string; stderr: string; code: number }>;

/** The Python the real CLI runs with (its script's shebang), where awscli, botocore and jmespath are importable. */
export const cliPython = async (): Promise<string> => {
  const { path } = await realAwsCli();
  const shebang = readFileSync(path, 'utf8').split('\n', 1)[0] ?? '';
  const python = /^#!\s*(\S+)/.exec(shebang)?.[1];
  if (python === undefined) throw new Error(`cannot tell which Python runs ${path}`);
  return python;
};

const runPython = (args: readonly string[], input: string): Promise<string> =>
  cliPython().then(
    (python) =>
      new Promise((resolve, reject) => {
        const child = execFile(python, [...args], { maxBuffer: 1 << 28, env: { PATH: process.env['PATH'] ?? '', LANG: 'C.UTF-8' } }, (error, stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
        );
        child.stdin?.end(input);
      }),
  );

/** Each case as the CLI's formatter prints it after the call (title: the operation's name). */
export const runCliFormatters = async (cases: readonly FormatCase[]): Promise<FormatResult[]> =>
  JSON.parse(await runPython([join(FIXTURES, 'awscli-format.py')], JSON.stringify(cases))) as FormatResult[];

/** Runs Python code in the CLI's Python, giving it `input` on stdin. */
export const runCliPython = (code: string, input = ''): Promise<string> => runPython(['-c', code], input);
