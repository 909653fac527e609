// The never-leak suite's planted secrets and its one check (test/e2e/never-leak-*.test.ts, issue 6): known,
// distinctive secret values planted in the emulator with the real CLI, then each command line run twice, through
// the shim and directly, and compared. Expectations are always the real CLI's own output with each secret
// replaced by its mask, never hand-written strings.
import { spawn } from 'node:child_process';
import { createHash, generateKeyPairSync, randomInt } from 'node:crypto';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { readAuditRecords } from './audit.js';
import { startBroker, writeAllowAllPolicy, type Broker } from './broker.js';
import { startMoto } from './moto.js';
import { realAwsCli, runAwsDirect } from './real-aws.js';
import { agentEnv, runAws, type RunResult } from './shim.js';

// ---------------------------------------------------------------------------------------------------------------
// Secrets

/** A secret as the CLI's JSON output holds it, and every byte string that would betray it. */
export type Secret = Readonly<{
  /** The output member the mask names: `****(masked: <member>, N chars)`; `*` for any name. */
  member: string;
  /** The value as parsed from the CLI's JSON output (a blob: its base64, as the CLI prints it). */
  value: string;
  /** Must appear nowhere on the agent's side or in the broker's records: the value in every spelling, its parts. */
  needles: readonly Buffer[];
}>;

/** The mask the broker writes for a value of `chars` characters (docs/masking.md "The mask"). */
export const maskText = (member: string, chars: number): string => `****(masked: ${member}, ${chars} chars)`;
/** Any mask; group 1 the name (a member, or an output path such as `Parameters[].Value`), group 2 the count. */
const MASK = /\*\*\*\*\(masked: ([^,()\s]+), (\d+) chars\)/g;
/** The member a mask or an audit count names: the last part of an output path (`Parameters[].Value` → `Value`). */
export const memberOf = (name: string): string => name.split('.').at(-1)!.replaceAll('[]', '');

const chars = (s: string): number => [...s].length;
const jsonInner = (s: string): string => JSON.stringify(s).slice(1, -1);
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const randomText = (n: number, alphabet = ALNUM): string => Array.from({ length: n }, () => alphabet[randomInt(alphabet.length)]).join('');

/** The parts of a value that give it away on their own: runs of 16+ key-ish characters that are not a plain name. */
const fragments = (text: string): string[] =>
  text.split(/[^A-Za-z0-9+/=_-]+/).filter((part) => part.length >= 16 && /[A-Z0-9]/.test(part) && !/^-+[A-Z ]*-*$/.test(part));

/** `raw`: the bytes behind a base64 value (SecretBinary, KMS Plaintext). */
export const secret = (member: string, value: string, raw?: Buffer): Secret => {
  const spellings = [value, jsonInner(value), jsonInner(jsonInner(value)), Buffer.from(value).toString('base64'), ...fragments(value)];
  const bytes: Buffer[] = spellings.map((s) => Buffer.from(s));
  if (raw !== undefined) bytes.push(raw, ...fragments(raw.toString('latin1')).map((s) => Buffer.from(s, 'latin1')));
  const unique = new Map(bytes.filter((b) => b.length > 0).map((b) => [b.toString('hex'), b]));
  return { member, value, needles: [...unique.values()] };
};

/**
 * The length n at which a value and its mask are equally long (`SecretString`: 36). A value of that length leaves
 * the real CLI's table exactly as wide as the agent's, so the table can be compared byte for byte.
 */
export const fitLength = (member: string): number => {
  for (let n = 1; n < 200; n++) if (maskText(member, n).length === n) return n;
  throw new Error(`no fit length for ${member}`);
};

/** `NEVERLEAK-<kind>-<random>`, `length` characters long. */
export const distinctive = (kind: string, length: number): string => {
  const head = `NEVERLEAK-${kind}-`;
  if (length < head.length + 8) throw new Error(`${length} characters leave no room for randomness after ${head}`);
  return head + randomText(length - head.length);
};

/** A distinctive string value exactly as long as its mask. */
export const fitString = (member: string, kind: string): Secret => secret(member, distinctive(kind, fitLength(member)));

/** Distinctive bytes (NUL and 0xff included) whose base64 is exactly as long as its mask. */
export const fitBinary = (member: string, kind: string): { secret: Secret; bytes: Buffer } => {
  const n = fitLength(member);
  if (n % 4 !== 0) throw new Error(`${member}: base64 of ${n} characters would need padding`);
  const head = Buffer.concat([Buffer.from([0, 0xff]), Buffer.from(`NEVERLEAK-${kind}-`)]);
  const bytes = Buffer.concat([head, Buffer.from(randomText((n / 4) * 3 - head.length))]);
  return { secret: secret(member, bytes.toString('base64'), bytes), bytes };
};

/** A real RSA private key (PKCS#1 PEM, 27 lines), new on every run. */
export const pemPrivateKey = (): string => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

/** An access key pair of the real shape, new on every run. */
export const accessKeyPair = (): { id: string; secret: string } => ({
  id: `AKIA${randomText(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
  secret: randomText(40, `${ALNUM}/+`),
});

/** Every date-time made 0000-00-00T00:00:00…, its length kept (so table columns keep their widths). */
export const undate = (text: string): string => text.replace(/\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?/g, (d) => d.replace(/\d/g, '0'));

// ---------------------------------------------------------------------------------------------------------------
// The emulator and the broker

export type Suite = Readonly<{ endpoint: string; broker: Broker; env: NodeJS.ProcessEnv }>;

/** One private moto and one broker (allow-all policy, debug logs) for a test file; stopped at its end. */
export const startSuite = async (t: Test): Promise<Suite> => {
  const moto = await startMoto();
  t.teardown(moto.stop);
  const broker = await startBroker({ endpointUrl: moto.url, args: ['--policy', await writeAllowAllPolicy()], env: { AWS_GUARD_LOG_LEVEL: 'debug' } });
  t.teardown(broker.stop);
  return { endpoint: moto.url, broker, env: await agentEnv(broker.url, await broker.token()) };
};

/** The real CLI against the emulator, the agent's extra environment (AWS_DEFAULT_OUTPUT) included. */
export const runDirect = async (endpoint: string, args: readonly string[], opts: { env?: Readonly<Record<string, string>>; cwd?: string } = {}): Promise<RunResult> => {
  if (opts.env === undefined || Object.keys(opts.env).length === 0) return runAwsDirect(args, endpoint, undefined, opts.cwd);
  // As runAwsDirect, with the agent's variables added: it has no parameter for them.
  const { path } = await realAwsCli();
  const home = await mkdtemp(join(tmpdir(), 'aws-direct-'));
  const env = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: home, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '', LANG: 'C.UTF-8', ...opts.env };
  const child = spawn(path, ['--endpoint-url', endpoint, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'], ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }) });
  const out: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(out), stderr })));
};

/** Planting and looking up: the real CLI directly against the emulator; a failure stops the suite. */
export const plant = async (endpoint: string, args: readonly string[], cwd?: string): Promise<string> => {
  const res = await runAwsDirect(args, endpoint, undefined, cwd);
  if (res.code !== 0) throw new Error(`aws ${args.join(' ')} (direct) exited ${res.code}: ${res.stderr}`);
  return res.stdout.toString();
};

/** moto's whole state (`/moto-api/data.json`): where the values it generates (access keys, key pairs, STS sessions) can be read back. */
export const motoState = async (endpoint: string): Promise<Record<string, Record<string, Record<string, unknown>[]>>> =>
  (await (await fetch(`${endpoint}/moto-api/data.json`)).json()) as Record<string, Record<string, Record<string, unknown>[]>>;

// ---------------------------------------------------------------------------------------------------------------
// The check

export type Runs = Readonly<{ shim: RunResult; direct: RunResult }>;
type OrFromRuns<T> = T | ((runs: Runs) => Promise<T>);

export type LeakCase = Readonly<{
  name: string;
  /** The agent's command line, after `aws`. */
  args: readonly string[];
  /** The real CLI's command line where it must differ (a second user for a second access key, …). */
  directArgs?: readonly string[];
  /** Added to the agent's environment, and to the real CLI's. */
  env?: Readonly<Record<string, string>>;
  /** The directory both run in (a `fileb://` argument). */
  cwd?: string;
  /** Members whose masks must show in the agent's output and be counted in the audit; [] when none may show. */
  masked: readonly string[];
  /** Every secret of the case; values the emulator generates are read back after the runs. */
  secrets: OrFromRuns<readonly Secret[]>;
  /** Non-secret values that differ between the two runs: [as the real CLI printed it, as the agent got it]. */
  aliases?: OrFromRuns<readonly (readonly [string, string])[]>;
  /** Applied to both outputs before comparing (dates, ciphertexts: what differs from one run to the next). */
  normalize?: (text: string) => string;
  /** Secrets known only by shape (a generated data key nobody can read back): found in both outputs by this. */
  shapes?: readonly Readonly<{ member: string; re: RegExp }>[];
}>;

const placeholder = (member: string) => `«masked ${member}»`;

/** How a value shows in an output: as it is (text, table), JSON-escaped (json), escaped twice (`to_string(@)`). */
const spellingsOf = (s: Secret): string[] => [...new Set([jsonInner(jsonInner(s.value)), jsonInner(s.value), s.value])];

/** The real CLI's output with each secret, in any spelling, replaced by its placeholder; and how often each showed. */
const maskDirect = (text: string, secrets: readonly Secret[]): { text: string; count: Map<string, number> } => {
  const count = new Map<string, number>();
  const spellings = secrets
    .flatMap((s) => spellingsOf(s).map((spelling) => ({ spelling, member: s.member })))
    .sort((a, b) => b.spelling.length - a.spelling.length);
  for (const { spelling, member } of spellings) {
    const parts = text.split(spelling);
    if (parts.length === 1) continue;
    count.set(member, (count.get(member) ?? 0) + parts.length - 1);
    text = parts.join(placeholder(member));
  }
  return { text, count };
};

/** The agent's output with each mask replaced by its member's placeholder; and the masks seen. */
const maskSeen = (text: string, members: ReadonlySet<string>): { text: string; masks: { member: string; chars: number }[] } => {
  const masks: { member: string; chars: number }[] = [];
  const out = text.replace(MASK, (_, name: string, n: string) => {
    const member = members.has(memberOf(name)) || !members.has('*') ? memberOf(name) : '*';
    masks.push({ member, chars: Number(n) });
    return placeholder(member);
  });
  return { text: out, masks };
};

/**
 * A table without its layout: its cells, trimmed and sorted, one a line. For a mask not as long as its value: the
 * CLI sizes columns to their widest cell, and draws a one-row section wider than the terminal (80 columns without
 * one) as key | value rows instead, so a value and its mask can give the same cells in another arrangement.
 */
const tableCells = (text: string): string =>
  text
    .split('\n')
    .filter((line) => !/^[\s|+-]*$/.test(line))
    .flatMap((line) => line.split('|').map((cell) => cell.trim()).filter((cell) => cell !== ''))
    .sort()
    .join('\n');

/** The widths (in characters) of a text's lines. */
const lineWidths = (text: string): Set<number> => new Set(text.split('\n').filter((line) => line !== '').map(chars));

const outputFormat = (c: LeakCase): string => {
  const i = c.args.indexOf('--output');
  return i >= 0 ? c.args[i + 1]! : (c.env?.['AWS_DEFAULT_OUTPUT'] ?? 'json');
};

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

const parses = (b: Buffer): boolean => {
  try {
    JSON.parse(b.toString());
    return b.length > 0;
  } catch {
    return false;
  }
};

const filesUnder = async (dir: string): Promise<string[]> =>
  (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));

const preview = (b: Buffer) => JSON.stringify(b.toString('latin1').slice(0, 24));

/**
 * Runs one case through the shim and directly (at the same time) and checks: the exit code; stdout and stderr equal
 * the real CLI's with each secret replaced by its mask (tables cell by cell where a mask is not as long as its
 * value); each expected member masked; no secret in any spelling in the agent's output, the audit, the broker's log
 * or any file of its data dir; the audit's `masked` counts.
 */
export const checkNeverLeaks = async (t: Test, suite: Suite, c: LeakCase): Promise<void> => {
  const opts = { ...(c.env === undefined ? {} : { env: c.env }), ...(c.cwd === undefined ? {} : { cwd: c.cwd }) };
  const logFrom = suite.broker.stderr().length;
  const [shim, direct] = await Promise.all([
    runAws(c.args, { env: { ...suite.env, ...c.env }, ...(c.cwd === undefined ? {} : { cwd: c.cwd }) }),
    runDirect(suite.endpoint, c.directArgs ?? c.args, opts),
  ]);
  const runs = { shim, direct };
  const resolve = async <T>(x: OrFromRuns<T> | undefined, none: T): Promise<T> => (x === undefined ? none : typeof x === 'function' ? (x as (r: Runs) => Promise<T>)(runs) : x);
  const secrets = [...(await resolve(c.secrets, []))];
  // Secrets known by shape only: every match in the real CLI's output is one; any match left in the agent's is a leak.
  for (const { member, re } of c.shapes ?? [])
    for (const out of [direct.stdout.toString(), shim.stdout.toString().replace(MASK, '')]) for (const m of out.matchAll(re)) secrets.push(secret(member, m[0]));
  const aliases = await resolve(c.aliases, []);
  const norm = c.normalize ?? ((s: string) => s);
  const format = outputFormat(c);
  const members = new Set([...c.masked, ...secrets.map((s) => s.member)]);

  t.ok(secrets.length > 0, 'the case knows the secrets it checks for');
  t.equal(shim.code, direct.code, "exit code as the real CLI's", { stderr: shim.stderr });

  // stdout: the real CLI's, each secret replaced by its mask.
  const expected = maskDirect(direct.stdout.toString(), secrets);
  const seen = maskSeen(shim.stdout.toString(), members);
  let want = norm(aliases.reduce((s, [from, to]) => s.replaceAll(from, to), expected.text));
  let got = norm(seen.text);
  const unfit = secrets.some((s) => (expected.count.get(s.member) ?? 0) > 0 && maskText(s.member, chars(s.value)).length !== chars(s.value));
  if (format === 'table' && unfit) {
    [want, got] = [tableCells(want), tableCells(got)];
    // Cell by cell says nothing of the layout: the CLI draws every line of a table equally wide (were each secret
    // one line of its own length), and a mask in a cell must widen its column, not push the border out of line.
    const drawn = secrets.reduce((text, s) => spellingsOf(s).reduce((out, spelling) => out.replaceAll(spelling, 'x'.repeat(chars(spelling))), text), direct.stdout.toString());
    if (lineWidths(drawn).size === 1) t.equal(lineWidths(shim.stdout.toString()).size, 1, 'every line of the table is equally wide, as the CLI draws it', { widths: [...lineWidths(shim.stdout.toString())] });
  }
  t.equal(got, want, `stdout is the real CLI's with masks in place of the secrets${format === 'table' && unfit ? ' (its cells)' : ''}`);
  // (Not for text: `--query SecretString --output text` prints a JSON secret as it is, its mask is no JSON.)
  if (format === 'json' && parses(direct.stdout)) t.ok(parses(shim.stdout), 'the JSON output still parses');
  const stderrWant = norm(maskDirect(direct.stderr, secrets).text);
  t.equal(norm(maskSeen(shim.stderr, members).text), stderrWant, 'stderr is the real CLI’s');

  for (const member of c.masked) {
    // The planting worked: without the secret in the real CLI's output this case would test nothing.
    if (member !== '*') t.ok((expected.count.get(member) ?? 0) > 0, `the real CLI printed the ${member} value`);
    t.ok(seen.masks.some((m) => m.member === member), `a ${member} mask shows where the value was`);
  }
  for (const m of seen.masks) {
    const lengths = new Set(secrets.filter((s) => s.member === m.member || m.member === '*').map((s) => chars(s.value)));
    if (m.member !== '*') t.ok(lengths.has(m.chars), `the ${m.member} mask counts the value's characters (${m.chars}; values: ${[...lengths].join(', ')})`);
  }

  // Nowhere: not to the agent, not in the audit, the broker's log, or any file the broker keeps.
  const places: [string, Buffer][] = [
    ['stdout', shim.stdout],
    ['stderr', Buffer.from(shim.stderr)],
    // Only what this case logged: a leak is reported once, by the case that caused it.
    ["the broker's log", Buffer.from(suite.broker.stderr().slice(logFrom))],
  ];
  for (const file of await filesUnder(suite.broker.dataDir)) places.push([file.slice(suite.broker.dataDir.length + 1), await readFile(file)]);
  const leaks = secrets.flatMap((s) => s.needles.flatMap((needle) => places.filter(([, bytes]) => bytes.includes(needle)).map(([where]) => `${s.member} ${preview(needle)} in ${where}`)));
  t.same([...new Set(leaks)], [], 'no secret, in any spelling, anywhere');

  // The audit: the command's record counts what was masked, by member.
  if (direct.code !== 0 || c.masked.length === 0) return;
  const record = (await readAuditRecords(suite.broker.dataDir)).filter((r) => r.type === 'command.executed' && r.data['stdoutSha256'] === sha256(shim.stdout)).at(-1);
  if (!t.ok(record, 'a command.executed record with the digest of what the agent received')) return;
  const masked = (record!.data['masked'] ?? {}) as Record<string, number>;
  const counted = (member: string) => Object.entries(masked).reduce((n, [name, k]) => n + (member === '*' || memberOf(name) === member ? k : 0), 0);
  for (const member of c.masked) {
    // Without --query the agent sees the whole output, so the count is exact; a query may show fewer than were masked.
    if (c.args.includes('--query') || member === '*') t.ok(counted(member) >= 1, `audit masked counts ${member} (${JSON.stringify(masked)})`);
    else t.equal(counted(member), expected.count.get(member) ?? 0, `audit masked counts every ${member} (${JSON.stringify(masked)})`);
  }
};

/** The output format arguments every command goes through: all the installed CLI accepts, and v2's YAML. */
export const FORMATS = ['json', 'text', 'table', 'yaml', 'yaml-stream'] as const;
/** Formats the installed CLI refuses (v1 has no YAML): the agent must get the same refusal. */
export const refusedFormats = async (): Promise<Set<string>> => new Set((await realAwsCli()).major === 1 ? ['yaml', 'yaml-stream'] : []);

/** Each case as a subtest of its own, one after the other (they share the emulator, the broker and its audit). */
export const runCases = (t: Test, suite: Suite, cases: readonly LeakCase[]): void => {
  for (const c of cases) t.test(c.name, (t) => checkNeverLeaks(t, suite, c));
};
