// `aws-guard doctor`: checks what the broker and the shim need, each as OK/WARN/FAIL with one line of reason,
// using the broker's own code (config, CLI lookup, isolation probe, policy loader, audit verifier).
import { resolveAwsCli } from '@aws-guard/broker/exec/resolve-aws-cli';
import { selectIsolation } from '@aws-guard/broker/exec/select-isolation';
import { describeIsolation } from '@aws-guard/broker/exec/isolation';
import { describeWarm, planExecutor } from '@aws-guard/broker/exec/warm/select-executor';
import { loadBrokerConfig } from '@aws-guard/broker/config/load-config';
import type { BrokerConfig } from '@aws-guard/broker/config/config-schema';
import { loadPolicy } from '@aws-guard/broker/policy/load-policy';
import { loadDefaultPolicy } from '@aws-guard/broker/policy/default-policy';
import { pingRedis, redisUrlForDisplay } from '@aws-guard/broker/approval/ping-redis';
import { check, type DoctorCheck } from '../doctor/doctor-check.js';
import { checkAgentToken } from '../doctor/check-agent-token.js';
import { checkTokenMapping } from '../doctor/check-token-mapping.js';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { checkBrokerReady } from '../doctor/check-broker-ready.js';
import { checkAuditChain, checkDataDirWritable, checkRedisAuditChain } from '../doctor/check-data-dir.js';
import { doctorExitCode, formatDoctorJson, formatDoctorText } from '../doctor/format-doctor-report.js';
import type { CommandContext } from './command-context.js';

export type DoctorOptions = Readonly<{
  config?: string;
  dataDir?: string;
  awsCli?: string;
  policy?: string;
  isolation?: string;
  redis?: string;
  token?: string;
  json?: boolean;
}>;

export type DoctorIo = Pick<CommandContext, 'env' | 'stdout' | 'stderr'> & Readonly<{ cwd: string; now?: () => Date; stdin?: NodeJS.ReadableStream }>;

/** The token to explain, from a file or stdin (`-`), trimmed; a read failure is a FAIL line, not a crash. */
const readTokenArg = async (arg: string, io: DoctorIo): Promise<{ ok: true; token: string } | { ok: false; check: DoctorCheck }> => {
  try {
    let text: string;
    if (arg === '-') {
      const chunks: Buffer[] = [];
      for await (const c of io.stdin ?? process.stdin) chunks.push(Buffer.from(c as Buffer));
      text = Buffer.concat(chunks).toString('utf8');
    } else text = await readFile(resolve(io.cwd, arg), 'utf8');
    const token = text.trim();
    return token === '' ? { ok: false, check: check('token', 'FAIL', `${arg === '-' ? 'stdin' : arg} holds no token`) } : { ok: true, token };
  } catch (e) {
    return { ok: false, check: check('token', 'FAIL', `cannot read ${arg} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`) };
  }
};

/** The broker's config as `aws-guard broker` with the same flags would load it; if invalid, what is usable of it. */
const brokerConfig = (opts: DoctorOptions, io: DoctorIo): { check: DoctorCheck; config: BrokerConfig | undefined } => {
  const flags = { dataDir: opts.dataDir, awsCli: opts.awsCli, policy: opts.policy, isolation: opts.isolation, redis: opts.redis };
  const loaded = loadBrokerConfig({ flags, env: io.env, configFile: opts.config, cwd: io.cwd });
  if (loaded.ok) {
    const file = opts.config ?? io.env['AWS_GUARD_CONFIG'];
    return { check: check('config', 'OK', file === undefined ? 'valid (no config file: defaults, AWS_GUARD_* and flags)' : `${file} is valid`), config: loaded.value };
  }
  const problems = loaded.issue.details ?? [loaded.issue.message];
  // The rest is still worth checking with what does load: the same flags over the defaults.
  const fallback = loadBrokerConfig({ flags, env: {}, configFile: undefined, cwd: io.cwd });
  return { check: check('config', 'FAIL', `invalid: ${problems.join('; ')}`), config: fallback.ok ? fallback.value : undefined };
};

const checkPolicy = (file: string | undefined): DoctorCheck => {
  const policy = file === undefined ? loadDefaultPolicy() : loadPolicy(file);
  if (!policy.ok) return check('policy', 'FAIL', policy.issue.message.replace(/:?\s*\n\s*/g, '; '));
  const { source, rules, hash } = policy.value;
  return check('policy', 'OK', `${source}: valid, ${rules.length} rule${rules.length === 1 ? '' : 's'}, sha256 ${hash.slice(0, 12)}…`);
};

const checkCliAndIsolation = async (config: BrokerConfig, pathEnv: string): Promise<DoctorCheck[]> => {
  const cli = await resolveAwsCli(config.awsCli, pathEnv);
  if (!cli.ok) return [check('aws cli', 'FAIL', cli.issue.message), check('isolation', 'WARN', 'not checked: it needs the AWS CLI'), check('executor', 'WARN', 'not checked: it needs the AWS CLI')];
  const found = check('aws cli', 'OK', `${cli.value.path} (aws-cli/${cli.value.version})`);
  const hide = [config.dataDir, ...(config.policyFile === undefined ? [] : [config.policyFile])];
  const plan = await selectIsolation({ mode: config.isolation, cliPath: cli.value.path, pathEnv, hide });
  if (!plan.ok) return [found, check('isolation', 'FAIL', plan.issue.message)];
  const text = describeIsolation(plan.value);
  // Which executor the broker would use (docs/warm-executor.md): detected, no worker started.
  const exec = await planExecutor({ mode: config.exec.executor, cli: cli.value, isolation: plan.value });
  const executor = exec.kind === 'warm' ? check('executor', 'OK', describeWarm(exec.python, config.exec.workers, plan.value)) : check('executor', exec.warn ? 'WARN' : 'OK', `spawn (${exec.why})`);
  return [found, plan.value.kind === 'bwrap' ? check('isolation', 'OK', text) : check('isolation', 'WARN', `${text}: the CLI can read every file the broker can`), executor];
};

export async function runDoctor(opts: DoctorOptions, io: DoctorIo): Promise<number> {
  const { check: configCheck, config } = brokerConfig(opts, io);
  const checks: DoctorCheck[] = [configCheck];
  if (config !== undefined) {
    checks.push(...(await checkCliAndIsolation(config, io.env['PATH'] ?? '')));
    checks.push(await checkDataDirWritable(config.dataDir));
    checks.push(config.redisUrl === undefined ? await checkAuditChain(config.dataDir) : await checkRedisAuditChain(config.dataDir, config.redisUrl));
    checks.push(checkPolicy(config.policyFile));
    if (config.redisUrl !== undefined) {
      const pong = await pingRedis(config.redisUrl);
      checks.push(pong.ok ? check('redis', 'OK', `${redisUrlForDisplay(config.redisUrl)} answers ${pong.value}`) : check('redis', 'FAIL', `unreachable: ${pong.issue.message}`));
    }
  }
  const brokerUrl = io.env['AWS_GUARD_URL'];
  if (brokerUrl !== undefined && brokerUrl !== '') checks.push(await checkBrokerReady(brokerUrl));
  checks.push(checkAgentToken(io.env, (io.now ?? (() => new Date()))()));
  if (opts.token !== undefined) {
    const read = await readTokenArg(opts.token, io);
    if (!read.ok) checks.push(read.check);
    else if (config === undefined || configCheck.status === 'FAIL') checks.push(check('token', 'FAIL', 'not checked: the broker config does not load'));
    else checks.push(...(await checkTokenMapping(config, read.token, (io.now ?? (() => new Date()))())));
  }
  io.stdout.write(opts.json ? formatDoctorJson(checks) : formatDoctorText(checks));
  return doctorExitCode(checks);
}
