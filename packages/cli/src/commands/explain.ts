// `aws-guard explain [--json] -- <aws args>` and `explain --stdin`: how the broker would read and decide a
// command (DESIGN §9), without a broker, credentials or any AWS call. Usage errors exit 2; a decision exits 0.
import { withExamples } from './help-examples.js';
import { createInterface } from 'node:readline';
import { UserFacingError } from '@aws-guard/shared/errors';
import type { AwsCommand } from '@aws-guard/shared/command/aws-command';
import type { Result } from '@aws-guard/shared/result';
import type { Policy } from '@aws-guard/broker/policy/policy';
import { explainArgv, refusedExplanation, type ExplainDeps, type Explanation } from '../explain/explain-command.js';
import { formatExplanation } from '../explain/format-explanation.js';
import { loadAnalyzer } from '../explain/load-analyzer.js';
import type { CommandContext, RegisterCommand } from './command-context.js';

export type ExplainOptions = Readonly<{
  json?: boolean;
  stdin?: boolean;
  policy?: string;
  agent?: string;
  for?: string;
  group?: readonly string[];
  role?: string;
  account?: string;
}>;

/** What tests replace: the analyzer (model + parser) and the input for --stdin. */
export type ExplainRuntime = Readonly<{
  analyze?: (argv: readonly string[]) => Result<AwsCommand>;
  stdin?: NodeJS.ReadableStream;
}>;

const usage = (message: string): UserFacingError => new UserFacingError('EXPLAIN_USAGE', `explain: ${message}`, 2);

const readPolicy = async (file: string | undefined): Promise<Policy> => {
  // Loaded here, not at import: the bundle's other commands (and the shim) never pay for YAML and the schema.
  const [{ loadDefaultPolicy }, { loadPolicy }] = await Promise.all([
    import('@aws-guard/broker/policy/default-policy'),
    import('@aws-guard/broker/policy/load-policy'),
  ]);
  const loaded = file === undefined ? loadDefaultPolicy() : loadPolicy(file);
  if (!loaded.ok) throw usage(loaded.issue.message);
  return loaded.value;
};

/** One JSON line of --stdin input → argv, or why not. */
const parseLine = (line: string): readonly string[] | string => {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    return `not JSON (${(e as Error).message})`;
  }
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string'))
    return 'expected a JSON array of argv strings, e.g. ["s3","ls"]';
  return value;
};

const toJsonLine = (e: Explanation): string => `${JSON.stringify(e)}\n`;

const explainStream = async (input: NodeJS.ReadableStream, deps: ExplainDeps, ctx: CommandContext): Promise<number> => {
  let badLines = 0;
  let lineNo = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    lineNo += 1;
    const argv = parseLine(line);
    if (typeof argv === 'string') {
      badLines += 1;
      // Still one output line per input line, so that results stay aligned with the commands they explain.
      ctx.stdout.write(toJsonLine(refusedExplanation('EXPLAIN_BAD_LINE', `line ${lineNo}: ${argv}`)));
      continue;
    }
    ctx.stdout.write(toJsonLine(explainArgv(argv, deps).explanation));
  }
  if (badLines > 0) ctx.stderr.write(`aws-guard: explain: ${badLines} input line${badLines === 1 ? '' : 's'} were not JSON arrays of strings\n`);
  return badLines > 0 ? 2 : 0;
};

export const runExplain = async (args: readonly string[], options: ExplainOptions, ctx: CommandContext, runtime: ExplainRuntime = {}): Promise<void> => {
  if (options.stdin && args.length > 0) throw usage('give either --stdin or a command after --, not both');
  if (!options.stdin && args.length === 0) throw usage('nothing to explain: aws-guard explain [--json] -- <aws arguments>, or --stdin');
  const policy = await readPolicy(options.policy);
  const deps: ExplainDeps = {
    analyze: runtime.analyze ?? (await loadAnalyzer(ctx.env)),
    policy,
    identity: {
      agent: options.agent ?? '',
      human: options.for ?? '',
      groups: options.group ?? [],
      role: options.role ?? 'agent',
      sessionId: 'explain',
    },
    context: options.account === undefined ? {} : { account: options.account },
  };
  if (options.stdin) {
    ctx.setExitCode(await explainStream(runtime.stdin ?? process.stdin, deps, ctx));
    return;
  }
  const detail = explainArgv(args, deps);
  ctx.stdout.write(options.json ? toJsonLine(detail.explanation) : formatExplanation(args, detail, `${policy.source}, sha256 ${policy.hash.slice(0, 16)}…`));
  ctx.setExitCode(0);
};

const collect = (value: string, previous: readonly string[]): readonly string[] => [...previous, value];

export const registerExplain: RegisterCommand = (program, ctx) => {
  withExamples(program.command('explain'), [
    'aws-guard explain -- s3 rm s3://prod-bucket --recursive',
    'aws-guard explain --json --policy ./policy.yaml --agent claude-1 --for alice -- iam create-user --user-name x',
  ])
    .description('show how the broker would read and decide an aws command, without running anything')
    .argument('[args...]', 'the aws arguments, after --')
    .usage('[options] -- <aws arguments>')
    .option('--json', 'print one JSON object (the stable contract of DESIGN §9)')
    .option('--stdin', 'read one JSON array of argv strings per line, write one JSON result per line, in order')
    .option('--policy <file>', 'policy YAML to decide with (default: the built-in policy)')
    .option('--agent <name>', 'the agent, for rules that match agents')
    .option('--for <human>', 'the human the agent acts for, for rules that match humans')
    .option('--group <group>', 'a group of the caller, for rules that match groups (repeatable)', collect, [] as readonly string[])
    .option('--role <role>', "the caller's token role, for rules that match roles", 'agent')
    .option('--account <id>', 'the AWS account the broker acts in, for rules that match accounts')
    .action((args: string[], options: ExplainOptions) => runExplain(args, options, ctx));
};
