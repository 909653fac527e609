// Replay checked in a real terminal (tmux): an agent's shell runs commands through the shim (plain, a coloured
// paginated table, a masked secret, refusals, a long listing, an approval wait), then `aws-guard replay` plays the
// session in a second terminal of the same size, and the two screens (scrollback, colours) must be the same.
// Also: the .cast file is asciicast v2, the audit's digests are the file's, and --speed/--idle-limit set its pauses.
import t from 'tap';
import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMoto } from '../helpers/moto.js';
import { startBroker } from '../helpers/broker.js';
import { shimBinDir } from '../helpers/shim.js';
import { runAwsDirect } from '../helpers/real-aws.js';
import { readAuditRecords } from '../helpers/audit.js';
import { runGuard } from '../helpers/guard-cli.js';
import { startTmux } from '../helpers/tmux.js';
import { BUNDLE } from '../helpers/paths.js';

const SECRET = 'replayed-NEVER-in-clear-4f7a';
const BUCKET = 'replay-bucket';
// The approval is given this long after the command asked: a pause in the recording that --idle-limit shortens.
const APPROVAL_WAIT_MS = 3_000;
const SIZE = { width: 120, height: 40 };

const tmux = startTmux('replay');
t.teardown(tmux.kill);
const moto = await startMoto();
t.teardown(moto.stop);
const policy = join(await mkdtemp(join(tmpdir(), 'policy-')), 'policy.yaml');
await writeFile(policy, [
  'version: 1',
  'rules:',
  '  - { id: allow-all, effect: allow, actions: ["*"] }',
  '  - { id: keep-bucket, effect: deny, actions: ["s3:DeleteBucket"], message: the replay bucket stays }',
  '  - { id: hold-identity, effect: approve, actions: ["sts:GetCallerIdentity"], message: a human looks first }',
  '',
].join('\n'));
const broker = await startBroker({ endpointUrl: moto.url, args: ['--policy', policy] });
t.teardown(broker.stop);
const agentToken = await broker.token({ agent: 'replay-agent', human: 'erin' });
const approver = await broker.token({ agent: 'frank-laptop', human: 'frank', role: 'approver' });

// The emulator's contents, planted directly: a secret, and a bucket with 60 objects (more lines than the terminal
// has rows, so the listing scrolls) and one under a prefix with a space.
const direct = async (args: string[]) => {
  const res = await runAwsDirect(args, moto.url);
  if (res.code !== 0) throw new Error(`aws ${args.join(' ')}: ${res.stderr}`);
};
await direct(['secretsmanager', 'create-secret', '--name', 'replay/db', '--secret-string', SECRET]);
await direct(['s3', 'mb', `s3://${BUCKET}`]);
const files = await mkdtemp(join(tmpdir(), 'replay-files-'));
await mkdir(join(files, 'many'));
await mkdir(join(files, 'with space'));
for (let i = 0; i < 60; i++) await writeFile(join(files, 'many', `object-${String(i).padStart(2, '0')}.txt`), 'x'.repeat(i + 1));
await writeFile(join(files, 'with space', 'a file.txt'), 'spaced\n');
await direct(['s3', 'sync', files, `s3://${BUCKET}/`]);

// The agent's commands, typed as the recording writes a command line (POSIX quoting only where needed).
const COMMANDS = [
  'aws s3 ls',
  `aws s3api list-objects-v2 --bucket ${BUCKET} --prefix many/ --page-size 7 --query 'Contents[].[Key,Size]' --output table --color on`,
  'aws secretsmanager get-secret-value --secret-id replay/db',
  'aws secretsmanager get-secret-value --secret-id replay/db --output table --color on',
  `aws s3api delete-bucket --bucket ${BUCKET}`,
  'aws configure list',
  `aws s3 ls 's3://${BUCKET}/with space/'`,
  `aws s3 ls s3://${BUCKET}/many/`,
  'aws sts get-caller-identity',
] as const;
const HELD = 'aws sts get-caller-identity';

// A prompt that is exactly the recording's (`$ ` then the command line), so that no prompt needs rewriting.
const PROMPT_LINE = /^\$( |$)/;
const prompts = (screen: string) => screen.split('\n').filter((line) => PROMPT_LINE.test(line)).length;
const atPrompt = (screen: string) => screen.split('\n').at(-1) === '$';
const SGR = /\u001b\[[0-9;]*m/g;

t.test('the agent works in a terminal; the replay in another shows the same screen', async (t) => {
  tmux.newSession('agent', {
    ...SIZE,
    env: { PATH: `${await shimBinDir()}:/usr/local/bin:/usr/bin:/bin`, HOME: tmpdir(), TERM: 'screen', PS1: '$ ', AWS_GUARD_URL: broker.url, AWS_GUARD_TOKEN: agentToken },
    command: ['sh'],
  });
  await tmux.waitFor('agent', atPrompt, 'the first prompt', { history: true });
  for (const line of COMMANDS) {
    const before = prompts(tmux.capture('agent', { history: true }));
    tmux.run('send-keys', '-t', 'agent', '-l', line);
    tmux.run('send-keys', '-t', 'agent', 'Enter');
    if (line === HELD) {
      const asked = await tmux.waitFor('agent', /needs approval .*approval (apr_[\w-]+)/, 'the approval notice');
      await new Promise((r) => setTimeout(r, APPROVAL_WAIT_MS));
      const id = /needs approval .*approval (apr_[\w-]+)/.exec(asked)![1]!;
      const approved = await runGuard(['approve', id, '--broker', broker.url, '--token', approver]);
      if (approved.code !== 0) throw new Error(approved.stderr);
    }
    await tmux.waitFor('agent', (s) => atPrompt(s) && prompts(s) === before + 1, `the prompt after ${line}`, { history: true, timeoutMs: 60_000 });
  }
  const agentScreen = tmux.capture('agent', { history: true, escapes: true });

  const { id: sessionId } = await recordedSession();
  const exitFile = join(await mkdtemp(join(tmpdir(), 'replay-exit-')), 'code');
  // The replay's exit code goes to a file, not the screen; `sleep` keeps the pane (and its screen) open.
  tmux.newSession('replay', {
    ...SIZE,
    env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: tmpdir(), TERM: 'screen' },
    command: ['sh', '-c', '"$0" replay "$1" --data-dir "$2" --speed 100; echo $? > "$3"; exec sleep 600', BUNDLE, sessionId, broker.dataDir, exitFile],
  });
  const code = await waitForFile(exitFile);
  t.equal(code, '0', 'the replay played to the end');
  t.equal(tmux.run('display', '-p', '-t', 'replay', '#{window_width}x#{window_height}').trim(), `${SIZE.width}x${SIZE.height}`, 'the replay terminal is as large as the agent’s');
  const replayScreen = tmux.capture('replay', { history: true, escapes: true });

  // What the agent's terminal shows that no recording holds, removed before comparing:
  // - the shim's own approval notice (`aws-guard: … needs approval …`): the shim prints it, not the CLI; the
  //   recording has the wait as a marker, which players keep on the timeline, not on screen (docs/sessions.md);
  // - the last prompt, where the shell waits for a command that never came.
  const expected = agentScreen
    .split('\n')
    .filter((line) => !/^aws-guard: sts get-caller-identity needs approval \(/.test(line))
    .join('\n')
    .replace(/\n\$$/, '');
  t.equal(agentScreen.split('\n').length - expected.split('\n').length, 2, 'only the notice and the last prompt were removed');
  t.ok(expected.split('\n').length > 3 * SIZE.height, 'more than the screen: the scrollback is compared too');
  t.equal(replayScreen, expected, 'the replayed screen is the agent’s, line by line and colour by colour');

  // Colours off for reading the text: a line after a coloured one starts with tmux's attribute resets.
  const replayText = replayScreen.replace(SGR, '');
  for (const line of COMMANDS) t.ok(replayText.split('\n').includes(`$ ${line}`), `the replay shows the command line: ${line}`);
  for (const [name, screen] of [['agent', agentScreen], ['replay', replayScreen]] as const) {
    t.match(screen, /"SecretString": "\*+\(masked: SecretString, 28 chars\)"/, `${name}: the secret masked`);
    t.match(screen.replace(SGR, ''), /\|\s+\*+\(masked: SecretString, 28 chars\)\s+\|/, `${name}: masked in the table too`);
    t.notMatch(screen, SECRET, `${name}: never the secret`);
    t.match(screen, /AccessDenied/, `${name}: the policy's refusal, from stderr`);
    t.match(screen, /^aws-guard: configure list: /m, `${name}: the broker's own refusal`);
    t.match(screen, /\u001b\[[0-9;]*m/, `${name}: the table's colours`);
    t.match(screen, /many\/object-59\.txt/, `${name}: the end of the long listing`);
  }
});

t.test('the recording is asciicast v2 and the audit holds its digests', async (t) => {
  const text = await readFile((await recordedSession()).cast, 'utf8');
  t.ok(text.endsWith('\n'), 'every line ends');
  const [headerLine, ...lines] = text.slice(0, -1).split('\n');
  const header = JSON.parse(headerLine!) as Record<string, unknown>;
  t.match(header, { version: 2, width: SIZE.width, height: Number, timestamp: Number, title: 'replay-agent for erin' }, 'the header, as wide as the agent’s terminal');
  const events = lines.map((line) => JSON.parse(line) as unknown);
  const bad = events.filter((e) => !(Array.isArray(e) && e.length === 3 && typeof e[0] === 'number' && ['o', 'm'].includes(e[1] as string) && typeof e[2] === 'string'));
  t.same(bad, [], 'every event is [time, "o"|"m", text]');
  const typed = events as [number, string, string][];
  const times = typed.map((e) => e[0]);
  t.ok(times.every((time, i) => i === 0 || time >= times[i - 1]!), 'times never decrease');
  t.notMatch(text, SECRET, 'never the secret');

  // The held command: its prompt, the wait marker, then its output at least the wait later.
  const prompt = typed.findIndex((e) => e[1] === 'o' && e[2] === `$ ${HELD}\r\n`);
  const marker = typed.findIndex((e, i) => i > prompt && e[1] === 'm' && e[2].startsWith('approval: waiting'));
  t.ok(prompt >= 0 && marker > prompt, 'the approval wait is a marker after the command line');
  const output = typed.find((e, i) => i > marker && e[1] === 'o');
  t.ok(output !== undefined && output[0] - typed[marker]![0] >= APPROVAL_WAIT_MS / 1000, 'the output comes after the wait');

  // Each command's terminal record holds the digest of the file up to a line's end; in order; the last is the file's.
  const prefixes = [0, ...[...text.matchAll(/\n/g)].map((m) => m.index + 1)].map((end) => createHash('sha256').update(text.slice(0, end)).digest('hex'));
  const digests = (await readAuditRecords(broker.dataDir))
    .filter((r) => ['command.executed', 'command.refused'].includes(r.type))
    .map((r) => (r.data['recording'] as { sha256?: string } | undefined)?.sha256);
  t.equal(digests.length, COMMANDS.length, 'a digest per command');
  const at = digests.map((d) => prefixes.indexOf(d ?? 'none'));
  t.ok(at.every((i, n) => i > 0 && (n === 0 || i > at[n - 1]!)), 'each is a longer prefix of the file', { found: at });
  t.equal(digests.at(-1), createHash('sha256').update(text).digest('hex'), 'the last is the whole file’s');
});

t.test('--speed scales and --idle-limit caps the replay\'s pauses', async (t) => {
  const { id: sessionId, cast: castFile } = await recordedSession();
  // The pauses between shown outputs (markers show nothing), as recorded.
  const cast = (await readFile(castFile, 'utf8')).trim().split('\n').slice(1).map((line) => JSON.parse(line) as [number, string, string]);
  const shown = cast.filter((e) => e[1] === 'o').map((e) => e[0]);
  const pauses = shown.map((time, i) => time - (shown[i - 1] ?? 0));
  const total = pauses.reduce((a, b) => a + b, 0) * 1000;
  const longest = Math.max(...pauses) * 1000;
  t.ok(longest >= APPROVAL_WAIT_MS, `the approval wait is the recording's longest pause (${Math.round(longest)} ms)`);
  const played = async (...opts: string[]) => {
    const started = Date.now();
    const res = await runGuard(['replay', sessionId, '--data-dir', broker.dataDir, ...opts]);
    if (res.code !== 0) throw new Error(res.stderr);
    t.match(res.stdout, `$ ${HELD}`, `${opts.join(' ')}: played to the end`);
    return Date.now() - started;
  };
  // No wall-clock ceilings that a loaded machine could break: a replay is never shorter than its scaled pauses
  // (sleeps do not end early), and where an option must shorten it, the run without it would take most of an hour.
  // The exact delays are unit-tested with an injected sleep (packages/cli/test/replay-command.test.ts).
  const slow = await played('--speed', '0.5');
  t.ok(slow >= total * 2, `--speed 0.5 takes at least twice the recording's ${Math.round(total)} ms (${slow} ms)`);
  const capped = await played('--speed', '0.001', '--idle-limit', '0.00001');
  // Capped first, then scaled: 10 ms a pause. Uncapped, at this speed the approval wait alone would take 50 minutes.
  t.ok(capped < 120_000, `--idle-limit caps every pause before --speed scales it (${capped} ms)`);
});

/** The agent's session, from `aws-guard sessions --json`: its id and its recording's path. */
async function recordedSession(): Promise<{ id: string; cast: string }> {
  const list = await runGuard(['sessions', '--data-dir', broker.dataDir, '--json']);
  if (list.code !== 0) throw new Error(list.stderr);
  const mine = (JSON.parse(list.stdout) as { sessionId: string; agent: string; recording: string | null }[]).find((s) => s.agent === 'replay-agent');
  if (mine?.recording == null) throw new Error(`no recorded session: ${list.stdout}`);
  return { id: mine.sessionId, cast: mine.recording };
}

async function waitForFile(path: string): Promise<string> {
  for (let i = 0; i < 600; i++) {
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text !== undefined && text.endsWith('\n')) return text.trim();
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${path} never appeared: the replay did not end`);
}
