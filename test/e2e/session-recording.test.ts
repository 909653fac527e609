// Every agent session is recorded as an asciicast through the real broker: the command lines as typed, the masked
// output the agent saw (never a secret), the audit's terminal records carrying the recording's digest, and
// `aws-guard sessions` / `aws-guard replay` reading it back.
import t from 'tap';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startMoto } from '../helpers/moto.js';
import { startBroker, writeAllowAllPolicy } from '../helpers/broker.js';
import { agentEnv, runAws } from '../helpers/shim.js';
import { runAwsDirect } from '../helpers/real-aws.js';
import { readAuditRecords } from '../helpers/audit.js';
import { runGuard } from '../helpers/guard-cli.js';

const SECRET = 'recorded-NEVER-in-clear-91c2';
const moto = await startMoto();
t.teardown(moto.stop);
const broker = await startBroker({ endpointUrl: moto.url, args: ['--policy', await writeAllowAllPolicy()] });
t.teardown(broker.stop);
const env = await agentEnv(broker.url, await broker.token({ agent: 'rec-agent', human: 'carol' }));
const created = await runAwsDirect(['secretsmanager', 'create-secret', '--name', 'rec', '--secret-string', SECRET], moto.url);
if (created.code !== 0) throw new Error(created.stderr);

t.test('a session is recorded as the agent saw it, masked, and its digest is in the audit', async (t) => {
  for (const args of [
    ['sts', 'get-caller-identity'],
    ['secretsmanager', 'get-secret-value', '--secret-id', 'rec', '--query', 'SecretString', '--output', 'text'],
    ['configure', 'list'],
  ]) {
    await runAws(args, { env });
  }
  const dir = join(broker.dataDir, 'sessions');
  const [file] = await readdir(dir);
  t.ok(file?.endsWith('.cast'), `one recording: ${file}`);
  const text = await readFile(join(dir, file as string), 'utf8');
  const [header, ...events] = text.trimEnd().split('\n').map((line) => JSON.parse(line) as unknown);
  t.match(header, { version: 2, title: 'rec-agent for carol' }, 'an asciicast v2 header naming the agent and its human');
  const output = (events as [number, string, string][]).filter((e) => e[1] === 'o').map((e) => e[2]).join('');
  t.match(output, '$ aws sts get-caller-identity\r\n', 'the command line as typed');
  t.match(output, '$ aws secretsmanager get-secret-value --secret-id rec --query SecretString --output text\r\n');
  t.match(output, '****(masked: SecretString, 28 chars)', 'the masked value, as the agent got it');
  t.notMatch(text, SECRET, 'never the secret');
  t.match(output, 'configure', 'the refusal is recorded too');
  const times = (events as [number][]).map((e) => e[0]);
  t.same([...times].sort((a, b) => a - b), times, 'times never decrease');

  const terminal = (await readAuditRecords(broker.dataDir)).filter((r) => ['command.executed', 'command.refused'].includes(r.type));
  t.equal(terminal.length, 3);
  const last = terminal.at(-1)?.data as { recording?: { sha256?: string } };
  t.equal(last.recording?.sha256, createHash('sha256').update(text).digest('hex'), "the last command's record holds the digest of the whole recording");
  t.ok(terminal.every((r) => typeof (r.data as { recording?: { sha256?: string } }).recording?.sha256 === 'string'), 'every command ends with a digest');
});

t.test('sessions lists it; replay plays back what the agent saw', async (t) => {
  const guardEnv = { PATH: process.env['PATH'], HOME: '/tmp' };
  const list = await runGuard(['sessions', '--data-dir', broker.dataDir, '--json'], guardEnv);
  t.equal(list.code, 0, list.stderr);
  const sessions = JSON.parse(list.stdout) as { sessionId: string; agent: string; commands: number; denied: number }[];
  const mine = sessions.find((s) => s.agent === 'rec-agent');
  t.match(mine, { commands: 3, denied: 1 }, 'three commands, one refused');
  const replay = await runGuard(['replay', mine?.sessionId ?? 'none', '--data-dir', broker.dataDir, '--speed', '1000'], guardEnv);
  t.equal(replay.code, 0, replay.stderr);
  t.match(replay.stdout, '****(masked: SecretString, 28 chars)');
  t.notMatch(replay.stdout, SECRET);
  const identity = await runAws(['sts', 'get-caller-identity'], { env });
  const account = (JSON.parse(identity.stdout.toString()) as { Account: string }).Account;
  t.match(replay.stdout, account, "the identity output the agent saw is played back");
});
