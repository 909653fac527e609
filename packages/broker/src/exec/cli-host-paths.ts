// The host paths the real CLI needs to run, learned once at start: its own directory and, for a script, the
// interpreter its shebang names plus, for Python, that interpreter's prefixes and import path.
import { execFile } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { promisify } from 'node:util';
import { fail, ok, type Result } from '@aws-guard/shared/result';
import { isExecutable, readFileHead } from './file-head.js';

const run = promisify(execFile);

/** The PATH the CLI runs with: `#!/usr/bin/env python3` is looked up here. Must match sandbox-env.ts. */
export const SANDBOX_PATH = '/usr/local/bin:/usr/bin:/bin';

const PYTHON = /^(python|pypy)[0-9.]*$/;
const PROBE = 'import sys,json;print(json.dumps([sys.prefix,sys.base_prefix,sys.exec_prefix,sys.base_exec_prefix,*sys.path]))';

const firstLine = (path: string): string => readFileHead(path, 512).split('\n', 1)[0] ?? '';

/** `#!/usr/bin/python3 -s` → the interpreter; `#!/usr/bin/env [-S] [VAR=x] python3` → python3 on SANDBOX_PATH. */
export const shebangInterpreter = (line: string, pathEnv: string = SANDBOX_PATH): Result<string | undefined, 'CLI_LAYOUT'> => {
  if (!line.startsWith('#!')) return ok(undefined);
  const words = line.slice(2).trim().split(/\s+/).filter((w) => w !== '');
  const program = words[0];
  if (program === undefined) return fail('CLI_LAYOUT', 'the CLI starts with an empty #! line');
  if (basename(program) !== 'env') return ok(program);
  const name = words.slice(1).find((w) => !w.startsWith('-') && !w.includes('='));
  if (name === undefined) return fail('CLI_LAYOUT', `cannot tell the interpreter from "${line}"`);
  if (isAbsolute(name)) return ok(name);
  const found = pathEnv.split(':').map((dir) => join(dir, name)).find(isExecutable);
  return found === undefined ? fail('CLI_LAYOUT', `the CLI's interpreter ${name} is not on the sandbox PATH ${pathEnv}`) : ok(found);
};

/** Python's prefixes and import path, as the CLI will see them (same env switches as sandbox-env.ts). */
const pythonPaths = async (interpreter: string): Promise<Result<string[], 'CLI_LAYOUT'>> => {
  try {
    const { stdout } = await run(interpreter, ['-c', PROBE], {
      env: { PATH: SANDBOX_PATH, HOME: '/nonexistent', LANG: 'C.UTF-8', PYTHONNOUSERSITE: '1', PYTHONDONTWRITEBYTECODE: '1' },
      timeout: 30_000,
    });
    const paths: unknown = JSON.parse(stdout);
    if (!Array.isArray(paths)) throw new Error('unexpected output');
    return ok(paths.filter((p): p is string => typeof p === 'string' && isAbsolute(p)));
  } catch (e) {
    return fail('CLI_LAYOUT', `cannot learn where ${interpreter} keeps its libraries: ${(e as Error).message.split('\n')[0]}`);
  }
};

/** Absolute, existing paths (not minimised; select-isolation.ts drops those under another). */
export const cliHostPaths = async (cliPath: string): Promise<Result<string[], 'CLI_LAYOUT'>> => {
  const paths = [dirname(cliPath), dirname(realpathSync(cliPath))];
  const interpreter = shebangInterpreter(firstLine(cliPath));
  if (!interpreter.ok) return interpreter;
  if (interpreter.value !== undefined) {
    const named = interpreter.value;
    if (!existsSync(named)) return fail('CLI_LAYOUT', `the CLI's interpreter ${named} does not exist`);
    // The shebang's own path must exist inside too, and any link on the way: bind both ends' directories.
    const real = realpathSync(named);
    paths.push(dirname(named), dirname(real));
    if (PYTHON.test(basename(named)) || PYTHON.test(basename(real))) {
      const python = await pythonPaths(named);
      if (!python.ok) return python;
      paths.push(...python.value);
    }
  }
  return ok([...new Set(paths)].filter((p) => existsSync(p)));
};
