// The rewritten command line means the same command to the real AWS CLI, only with the staged paths: checked
// with our parser and with the CLI's own (the oracle), for every path trick and form, and where the same text
// appears in another argument (a rewrite may be refused, never change something else).
import t from 'tap';
import { spawnSync } from 'node:child_process';
import type { AwsCommand } from '@aws-guard/shared/command/aws-command';
import { planLocalFiles, type RootPlan } from '@aws-guard/broker/files/plan-local-files';
import { rewriteArgv } from '@aws-guard/broker/files/rewrite-argv';
import { askOracle, oracleAvailable, pythonBin, type OracleResult } from '../../../shared/test/helpers/cli-oracle.js';
import { analyze, pathCases } from './path-tricks.js';

type Moved = readonly { from: string; to: string }[];

const moves = (plans: readonly RootPlan[]): Moved => plans.filter((p) => p.rewriteTo !== null).map((p) => ({ from: p.path, to: p.rewriteTo as string }));

/** A value of a file argument as the agent wrote it: exact leaves only, so a changed literal is never hidden. */
const mapBack = (value: unknown, moved: Moved): unknown => {
  if (typeof value === 'string') {
    for (const { from, to } of moved)
      for (const prefix of ['', 'file://', 'fileb://', '<LOADED file://', '<LOADED fileb://'])
        if (value === `${prefix}${to}${prefix.startsWith('<') ? '>' : ''}`) return `${prefix}${from}${prefix.startsWith('<') ? '>' : ''}`;
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => mapBack(v, moved));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapBack(v, moved)]));
  return value;
};

// The CLI's own shorthand parser, its file loading replaced by a marker: what each key's value really is.
const SHORTHAND = `
import json, sys
from awscli import shorthand
shorthand.get_paramfile = lambda v, m: '<LOADED %s>' % v if v.startswith(('file://', 'fileb://')) else None
out = []
for v in json.load(sys.stdin):
    try:
        out.append(shorthand.ShorthandParser().parse(v))
    except Exception as e:
        out.append({'error': type(e).__name__})
json.dump(out, sys.stdout)
`;
/** Each distinct `--default-arguments` value of these lines, as the CLI's shorthand parser reads it. */
const parseShorthand = (lines: readonly (readonly string[])[]): ReadonlyMap<string, unknown> => {
  const values = [...new Set(lines.flatMap((argv) => argv.filter((_, i) => argv[i - 1] === '--default-arguments')))];
  const run = spawnSync(pythonBin(), ['-c', SHORTHAND], { input: JSON.stringify(values), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`shorthand parser failed: ${run.stderr}`);
  const parsed = JSON.parse(run.stdout) as unknown[];
  return new Map(values.map((v, i) => [v, parsed[i]]));
};

/** The real CLI's reading of each line, asked once per distinct line. */
const askOnce = (lines: readonly (readonly string[])[]): OracleResult[] => {
  const distinct = [...new Set(lines.map((l) => JSON.stringify(l)))];
  const answers = askOracle(distinct.map((l) => JSON.parse(l) as string[]));
  const byLine = new Map(distinct.map((l, i) => [l, answers[i] as OracleResult]));
  return lines.map((l) => byLine.get(JSON.stringify(l)) as OracleResult);
};

const fileArgs = (cmd: AwsCommand): Set<string> => new Set(cmd.localFiles.map((r) => r.arg.replace(/^--/u, '')));
const shorthandArgs = (cmd: AwsCommand): Set<string> => new Set(cmd.localFiles.filter((r) => r.form.startsWith('shorthand')).map((r) => r.arg.replace(/^--/u, '')));
const py = (name: string) => name.replaceAll('-', '_');

/** Every difference between what the agent's line and the rewritten line mean to our parser. */
const parserDifferences = (before: AwsCommand, after: AwsCommand, moved: Moved): string[] => {
  const out: string[] = [];
  if (after.service !== before.service || after.operation !== before.operation) out.push(`command ${after.service} ${after.operation}`);
  if (JSON.stringify(after.globals) !== JSON.stringify(before.globals)) out.push('globals differ');
  const files = fileArgs(before);
  const shorthand = shorthandArgs(before);
  for (const key of new Set([...Object.keys(before.params), ...Object.keys(after.params)])) {
    if (shorthand.has(key)) continue; // raw shorthand text: compared by the CLI's shorthand parser below
    const a = JSON.stringify(before.params[key]);
    const b = JSON.stringify(files.has(key) ? mapBack(after.params[key], moved) : after.params[key]);
    if (a !== b) out.push(`--${key}: ${a} became ${JSON.stringify(after.params[key])}`);
  }
  const expected = before.localFiles.map((r) => ({ ...r, path: moved.find((m) => m.from === r.path)?.to ?? r.path }));
  if (JSON.stringify(expected) !== JSON.stringify(after.localFiles)) out.push(`local files ${JSON.stringify(after.localFiles)}`);
  return out;
};

/** The same for the real CLI: dispatch, globals, parsed values, the files its parameter loading reads. */
const oracleDifferences = (cmd: AwsCommand, before: OracleResult, after: OracleResult, moved: Moved, shorthand: ReadonlyMap<string, unknown>): string[] => {
  const out: string[] = [];
  if (before.crash !== undefined || after.crash !== undefined) return [`oracle crashed: ${before.crash ?? after.crash}`];
  if (JSON.stringify([before.kind, before.lineage, before.api]) !== JSON.stringify([after.kind, after.lineage, after.api])) out.push(`dispatched to ${after.lineage?.join(' ')}, not ${before.lineage?.join(' ')}`);
  if (JSON.stringify((before as { globals?: unknown }).globals) !== JSON.stringify((after as { globals?: unknown }).globals)) out.push('globals differ');
  const files = new Set([...fileArgs(cmd)].map(py));
  const sh = new Set([...shorthandArgs(cmd)].map(py));
  const argsOf = (r: OracleResult) => r.args ?? {};
  for (const key of new Set([...Object.keys(argsOf(before)), ...Object.keys(argsOf(after))])) {
    let a = argsOf(before)[key];
    let b = argsOf(after)[key];
    if (sh.has(key)) {
      a = shorthand.get(String(a));
      b = shorthand.get(String(b));
    }
    if (files.has(key)) b = mapBack(b, moved);
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`the CLI's ${key}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  }
  const read = (r: OracleResult) => JSON.stringify(r.files ?? []);
  const expectedFiles = JSON.stringify((before.files ?? []).map(([prefix, path]) => [prefix, moved.find((m) => m.from === path)?.to ?? path]));
  if (read(after) !== expectedFiles) out.push(`the CLI reads ${read(after)}, expected ${expectedFiles}`);
  return out;
};

const { cases } = pathCases();

t.test('every path trick in every form rewrites to the same command, for our parser and the real CLI', async (t) => {
  const missing = oracleAvailable();
  if (missing !== null) return void t.fail(missing);
  const done = cases.map((c) => {
    const plans = planLocalFiles(c.cmd);
    return { c, moved: moves(plans), result: rewriteArgv(c.cmd, plans, analyze) };
  });
  const ok = done.filter((d) => d.result.ok) as (typeof done[number] & { result: { ok: true; value: { argv: readonly string[]; cmd: AwsCommand } } })[];
  // These lines name each path once: a rewrite has no reason to fail.
  t.same(done.filter((d) => !d.result.ok).map((d) => `${d.c.form} ${JSON.stringify(d.c.trick)}`), [], 'no rewrite refused');

  for (const { c, moved, result } of ok) {
    const name = `${c.form} ${JSON.stringify(c.trick)}`;
    const again = analyze(result.value.argv);
    if (again === null) {
      t.fail(`${name}: the rewritten line does not parse`);
      continue;
    }
    t.same(parserDifferences(c.cmd, again, moved), [], `${name}: the same command to our parser`);
    // Only tokens that carry a file reference change.
    const changed = result.value.argv.flatMap((token, i) => (token === c.argv[i] ? [] : [i]));
    t.ok(result.value.argv.length === c.argv.length && changed.every((i) => moved.some((m) => (c.argv[i] as string).includes(m.from))), `${name}: changed only ${changed.map((i) => JSON.stringify(c.argv[i])).join(', ') || 'nothing'}`);
    if (moved.length === 0) t.same(result.value.argv, c.argv, `${name}: a plain relative path leaves argv as written`);
  }

  const lines = ok.flatMap((d) => [d.c.argv, d.result.value.argv]);
  const answers = askOnce(lines);
  const parsed = parseShorthand(lines);
  ok.forEach((d, i) => {
    const [before, after] = [answers[2 * i] as OracleResult, answers[2 * i + 1] as OracleResult];
    t.ok(before.kind !== undefined, `${d.c.form} ${JSON.stringify(d.c.trick)}: the real CLI parses the agent's line`);
    t.same(oracleDifferences(d.c.cmd, before, after, d.moved, parsed), [], `${d.c.form} ${JSON.stringify(d.c.trick)}: the same command to the real CLI`);
  });
});

t.test('the same text in another argument is never rewritten with the file path', async (t) => {
  const missing = oracleAvailable();
  if (missing !== null) return void t.fail(missing);
  // [line, what must hold: 'rewrite' = it must be rewritten correctly; 'either' = rewritten correctly or refused]
  const table: readonly (readonly [readonly string[], 'rewrite' | 'either'])[] = [
    [['s3api', 'put-object', '--bucket', 'b', '--key', '/tmp/x', '--body', '/tmp/x'], 'rewrite'],
    [['s3api', 'put-object', '--bucket', 'b', '--key=/tmp/x', '--body=/tmp/x'], 'rewrite'],
    [['s3api', 'put-object', '--bucket', 'b', '--key', '/tmp/x', '--bo', '/tmp/x'], 'either'],
    [['s3api', 'put-object', '--bucket', '/tmp/x', '--key', 'k', '--body', '/tmp/x'], 'rewrite'],
    [['s3api', 'put-object', '--body', '/tmp/x', '--key', '/tmp/x', '--bucket', 'b'], 'rewrite'],
    [['s3api', 'get-object', '--bucket', 'b', '--key', '/tmp/x', '/tmp/x'], 'either'],
    [['s3api', 'get-object', '--bucket', 'b', '/tmp/x', '--key', '/tmp/x'], 'either'],
    [['s3', 'cp', '/tmp/x', 's3://b/k', '--include', '/tmp/x'], 'either'],
    [['s3', 'cp', 's3://b/tmp/x', '/tmp/x'], 'rewrite'],
    [['iam', 'create-policy', '--policy-name', 'file:///tmp/x', '--policy-document', 'file:///tmp/x'], 'rewrite'],
    [['iam', 'create-policy', '--policy-name', '/tmp/x', '--policy-document', 'file:///tmp/x'], 'rewrite'],
    [['iam', 'create-policy', '--description', 'file:///tmp/x is it', '--policy-name', 'p', '--policy-document', 'file:///tmp/x'], 'rewrite'],
    [['lambda', 'invoke', '--function-name', 'f', '--payload', 'file:///tmp/x', '/tmp/x'], 'either'],
    [['glue', 'create-job', '--name', 'a@=file:///tmp/x', '--role', 'r', '--command', 'Name=x,ScriptLocation=s', '--default-arguments', 'a@=file:///tmp/x'], 'either'],
    // Inside one shorthand value: `b=` does not load its value, so `c@=file:///tmp/x` is text for AWS, not a file.
    [['glue', 'create-job', '--name', 'n', '--role', 'r', '--command', 'Name=x,ScriptLocation=s', '--default-arguments', 'a@=file:///tmp/x,b=c@=file:///tmp/x'], 'either'],
    [['glue', 'create-job', '--name', 'n', '--role', 'r', '--command', 'Name=x,ScriptLocation=s', '--default-arguments', "a@=file:///tmp/x,b='c@=file:///tmp/x'"], 'either'],
    [['glue', 'create-job', '--name', 'n', '--role', 'r', '--command', 'Name=x,ScriptLocation=s', '--default-arguments', 'b=c@=file:///tmp/x,a@=file:///tmp/x'], 'either'],
    // A quoted file value: the CLI loads it, but the text `@=file://…` is not in the token as such.
    [['glue', 'create-job', '--name', 'n', '--role', 'r', '--command', 'Name=x,ScriptLocation=s', '--default-arguments', "a@='file:///tmp/x'"], 'either'],
    // Two files, one path the prefix of the other.
    [['glue', 'create-job', '--name', 'n', '--role', 'r', '--command', 'Name=x,ScriptLocation=s', '--default-arguments', 'a@=file:///tmp/x,b@=file:///tmp/xy'], 'either'],
    [['glue', 'create-job', '--name', 'n', '--role', 'r', '--command', 'Name=x,ScriptLocation=s', '--default-arguments', 'a@=file:///tmp/x,b@=file:///tmp/x'], 'rewrite'],
  ];
  const results = table.map(([argv, must]) => {
    const cmd = analyze(argv);
    if (cmd === null) throw new Error(`does not parse: ${argv.join(' ')}`);
    const plans = planLocalFiles(cmd);
    return { argv, must, cmd, moved: moves(plans), result: rewriteArgv(cmd, plans, analyze) };
  });
  const rewritten = results.flatMap((r) => (r.result.ok ? [r] : []));
  const lines = rewritten.flatMap((r) => [r.argv, (r.result as { value: { argv: readonly string[] } }).value.argv]);
  const answers = askOnce(lines);
  const shorthand = parseShorthand(lines);
  for (const r of results) {
    const name = r.argv.join(' ');
    if (!r.result.ok) {
      t.equal(r.must, 'either', `${name}: refused (${r.result.issue.message}) but must be rewritten`);
      t.equal(r.result.issue.code, 'FILE_REWRITE_FAILED', `${name}: refused as FILE_REWRITE_FAILED`);
      continue;
    }
    const at = rewritten.indexOf(r);
    const again = analyze(r.result.value.argv);
    t.same(again === null ? ['does not parse'] : parserDifferences(r.cmd, again, r.moved), [], `${name}: → ${r.result.value.argv.join(' ')}: the same command to our parser`);
    t.same(oracleDifferences(r.cmd, answers[2 * at] as OracleResult, answers[2 * at + 1] as OracleResult, r.moved, shorthand), [], `${name}: the same command to the real CLI`);
  }
});
