// Runs command lines through the real AWS CLI's parser (scripts/aws-model/cli_oracle.py: no AWS calls) and
// compares what it did with parseCommand's reading. The interpreter is $AWS_GUARD_PYTHON, else python3.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ParseResult } from '@aws-guard/shared/command/parse-command';

export type OracleResult = Readonly<{
  rc: number;
  stderr: string;
  stdout: string;
  kind?: 'op' | 'custom' | 'help';
  lineage?: readonly string[];
  api?: string;
  /** The operation's parsed values, present once the CLI went on to load them. */
  args?: Readonly<Record<string, unknown>>;
  /** The API operation the CLI actually went on to call (after loading and checking values). */
  invoked?: string;
  skeleton?: string;
  files?: readonly (readonly [string, string])[];
  urls?: readonly string[];
  paramError?: string;
  /** The deepest custom command whose own parse succeeded (its values were being loaded). */
  customParsed?: readonly string[];
  crash?: string;
}>;

const script = fileURLToPath(new URL('../../../../scripts/aws-model/cli_oracle.py', import.meta.url));
export const pythonBin = (): string => process.env.AWS_GUARD_PYTHON ?? 'python3';

/** Fails with an install hint when the real CLI is missing (DESIGN §8: a missing dependency is a failure). */
export const oracleAvailable = (): string | null => {
  const probe = spawnSync(pythonBin(), ['-c', 'import awscli, botocore'], { encoding: 'utf8' });
  return probe.status === 0
    ? null
    : `the real AWS CLI v1 is needed (python3 -m pip install awscli, or set AWS_GUARD_PYTHON): ${probe.stderr || probe.error?.message}`;
};

export const askOracle = (argvs: readonly (readonly string[])[]): OracleResult[] => {
  const input = argvs.map((a) => JSON.stringify(a)).join('\n') + '\n';
  const run = spawnSync(pythonBin(), [script], { input, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, timeout: 600_000 });
  if (run.status !== 0) throw new Error(`cli_oracle.py failed (${run.status}): ${run.stderr}`);
  const lines = run.stdout.trim().split('\n');
  if (lines.length !== argvs.length) throw new Error(`cli_oracle.py answered ${lines.length} of ${argvs.length} lines: ${run.stderr}`);
  return lines.map((l) => JSON.parse(l) as OracleResult);
};

const FILE_FORMS: Readonly<Record<string, string>> = { file: 'file://', fileb: 'fileb://', 'shorthand-file': 'file://', 'shorthand-fileb': 'fileb://' };
// The CLI reads a --cli-input-json file twice (argument loading, then the JSON merge): compare as sets.
const sortPairs = (pairs: string[][]): string => JSON.stringify([...new Set(pairs.map((p) => p.join('')))].sort());

/** Every way our reading differs from the CLI's, as sentences (empty when they agree). */
export const differences = (ours: ParseResult, cli: OracleResult): string[] => {
  if (cli.crash !== undefined) return [`the oracle crashed: ${cli.crash}`];
  const out: string[] = [];
  const dispatched = cli.kind !== undefined || (cli.rc === 0 && cli.stdout.startsWith('aws-cli/'));
  if (!dispatched) {
    // --query is compiled by the CLI before the command is looked at; we leave JMESPath errors to the CLI.
    if (/^\nBad value for --query /.test(cli.stderr)) return [];
    // A custom command rejected a value after its own parse succeeded: a value check, not grammar. If we refuse
    // the same line it is for an unknown option, which the CLI only reports after checking values.
    // A profile the CLI's config does not define fails as soon as the session starts; we flag --profile instead.
    if (/^\nThe config profile \(.*\) could not be found\n$/.test(cli.stderr))
      return !ours.ok || ours.value.forbidden.some((f) => f.resolved === '--profile' || f.arg === '--profile') ? [] : ['the CLI failed on --profile, we did not flag it'];
    const grammarError = /aws: error: |^\nUnknown options: |^usage: |too few arguments/.test(cli.stderr);
    if (cli.customParsed !== undefined && !grammarError) {
      if (!ours.ok) return ours.issue.code === 'PARSE_UNKNOWN_OPTION' ? [] : [`the CLI parsed ${cli.customParsed.join(' ')} (then rejected a value) but we refused: ${ours.issue.code}`];
      const path = ours.value.operation.split(' ').join(' ');
      return path === cli.customParsed.slice(1).join(' ') ? [] : [`command ${ours.value.service} ${path}, the CLI's ${cli.customParsed.join(' ')}`];
    }
    if (ours.ok) return [`the CLI refused it (rc ${cli.rc}: ${cli.stderr.trim().split('\n').at(-1)}) but we parsed ${ours.value.service} ${ours.value.operation}`];
    if (ours.issue.exitCode !== cli.rc) out.push(`exit code ${ours.issue.exitCode}, the CLI's ${cli.rc}`);
    if (ours.issue.stderr !== cli.stderr) {
      let at = 0;
      while (ours.issue.stderr[at] === cli.stderr[at]) at += 1;
      const around = (s: string) => JSON.stringify(s.slice(Math.max(0, at - 60), at + 120));
      out.push(`stderr differs at ${at}:\n  ours ${around(ours.issue.stderr)}\n  cli  ${around(cli.stderr)}`);
    }
    return out;
  }
  if (!ours.ok) {
    // The s3 commands check their paths in _run_main, which the oracle replaces by a recorder.
    if (cli.kind === 'custom' && ours.issue.code === 'PARSE_INVALID_ARGUMENT' && cli.lineage?.[0] === 's3') return [];
    return [`the CLI dispatched it (${cli.kind ?? 'version'} ${cli.lineage?.join(' ') ?? ''}) but we refused: ${ours.issue.code} ${ours.issue.message.slice(0, 200)}`];
  }
  const cmd = ours.value;
  if (cli.kind === undefined) return cmd.operation === '--version' ? [] : [`the CLI printed its version, we parsed ${cmd.operation}`];
  if (cli.kind === 'help') return cmd.localOnly && cmd.operation.endsWith('help') ? [] : [`the CLI showed help, we parsed ${cmd.service} ${cmd.operation}`];
  // An alias command (runtime.sagemaker) reports the name of the command it aliases in its lineage.
  const path = cmd.operation.split(' ').join(' ');
  if (path !== cli.lineage?.slice(1).join(' ')) out.push(`command ${cmd.service} ${path}, the CLI's ${cli.lineage?.join(' ')}`);
  if (cli.kind === 'op') {
    // Parsed but stopped on a value (bad --cli-input-json, pagination conflict): it would have called api,
    // or printed a skeleton if that was asked for.
    const stopped = cli.invoked === undefined && cli.skeleton === undefined && cli.rc !== 0;
    const api = cli.skeleton !== undefined ? null : cli.api;
    const agrees = stopped ? cmd.apiOperation === cli.api || cmd.apiOperation === null : cmd.apiOperation === api;
    if (!agrees) out.push(`API ${cmd.apiOperation}, the CLI's ${api}`);
  }
  const cliFiles = (cli.files ?? []).map((f) => [...f]);
  const ourFiles = cmd.localFiles.filter((f) => FILE_FORMS[f.form] !== undefined).map((f) => [FILE_FORMS[f.form] as string, f.path]);
  // A value the CLI rejected stops its loading part-way (or before it began, as a pagination conflict does):
  // then what it loaded must be among ours.
  const filesAgree =
    cli.paramError === undefined && (cli.kind !== 'op' || cli.args !== undefined)
      ? sortPairs(cliFiles) === sortPairs(ourFiles)
      : cliFiles.every((f) => ourFiles.some((o) => o.join('') === f.join('')));
  if (!filesAgree) out.push(`files ${sortPairs(ourFiles)}, the CLI loaded ${sortPairs(cliFiles)}`);
  const ourUrls = cmd.forbidden.filter((f) => f.code === 'FORBIDDEN_URL_PARAM').length;
  if (cli.paramError === undefined && (cli.kind !== 'op' || cli.args !== undefined) && ourUrls !== (cli.urls ?? []).length) out.push(`${ourUrls} URL fetches flagged, the CLI fetched ${(cli.urls ?? []).length}`);
  return out;
};
