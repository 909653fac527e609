// `aws-guard broker`: runs the broker. Flags override AWS_GUARD_* env, which overrides the config file.
import { withExamples } from './help-examples.js';
import type { RegisterCommand } from './command-context.js';

type BrokerFlags = Readonly<{
  listen?: string;
  dataDir?: string;
  config?: string;
  awsCli?: string;
  awsEndpointUrl?: string;
  region?: string;
  policy?: string;
  redis?: string;
  approvalWebhook?: string;
  execTimeout?: string;
  maxConcurrent?: string;
  maxPerAgent?: string;
  executor?: string;
  execWorkers?: string;
  maskStyle?: string;
  maxFileBytes?: string;
  maxTotalFileBytes?: string;
  logLevel?: string;
  isolation?: string;
  credentialsMode?: string;
  roleArn?: string;
  metricsListen?: string;
}>;

export const registerBroker: RegisterCommand = (program, ctx) => {
  withExamples(program.command('broker'), [
    'aws-guard broker --listen 127.0.0.1:8750 --data-dir /var/lib/aws-guard',
    'aws-guard broker --config /etc/aws-guard/broker.yaml --credentials-mode assume-role --role-arn arn:aws:iam::123456789012:role/agents',
    'aws-guard broker --redis redis://10.0.0.5:6379 --data-dir /var/lib/aws-guard   # one of several brokers sharing approvals and the audit chain',
  ])
    .description('run the broker: agents connect to it, it runs the real AWS CLI with its own credentials')
    .option('--listen <host:port>', 'address to listen on (env AWS_GUARD_LISTEN; default 127.0.0.1:8750)')
    .option('--data-dir <dir>', 'audit log, signing keys (env AWS_GUARD_DATA_DIR; default ./.aws-guard)')
    .option('--config <file>', 'YAML config file (env AWS_GUARD_CONFIG)')
    .option('--aws-cli <path>', 'the real AWS CLI (env AWS_GUARD_AWS_CLI; default: first `aws` on PATH that is not aws-guard)')
    .option('--aws-endpoint-url <url>', 'trusted endpoint override, e.g. a local emulator (env AWS_GUARD_AWS_ENDPOINT_URL); agents can never set one')
    .option('--region <region>', 'region when the agent sends none (env AWS_GUARD_REGION)')
    .option('--policy <file>', 'policy YAML (env AWS_GUARD_POLICY; default: the built-in policy)')
    .option('--redis <url>', 'share approvals through Redis (env AWS_GUARD_REDIS; default: the embedded store)')
    .option('--approval-webhook <url>', 'POST a Slack-compatible message for every new approval request (env AWS_GUARD_APPROVAL_WEBHOOK)')
    .option('--exec-timeout <duration>', 'wall-time limit per command (env AWS_GUARD_EXEC_TIMEOUT; default 15m)')
    .option('--max-concurrent <n>', 'AWS CLI processes run at once; more requests queue, taking turns per agent (env AWS_GUARD_MAX_CONCURRENT; default 8)')
    .option('--max-per-agent <n>', 'of those, how many one agent may run at once, so that others always have slots (env AWS_GUARD_MAX_PER_AGENT; default half of --max-concurrent, rounded up)')
    .option('--executor <mode>', 'auto|warm|spawn: run commands in forks of preloaded Python workers (warm) or spawn each (env AWS_GUARD_EXECUTOR; default spawn)')
    .option('--exec-workers <n>', 'warm workers kept running (env AWS_GUARD_EXEC_WORKERS; default 2)')
    .option('--max-file-bytes <n>', "largest local file one command may send or receive (env AWS_GUARD_MAX_FILE_BYTES; default 5 GiB)")
    .option('--max-total-file-bytes <n>', 'all local files of one command together (env AWS_GUARD_MAX_TOTAL_FILE_BYTES; default 20 GiB)')
    .option('--credentials-mode <mode>', "passthrough|assume-role: the broker's own credentials, or a role assumed per agent session (env AWS_GUARD_CREDENTIALS_MODE; default passthrough)")
    .option('--role-arn <arn>', 'the role assume-role mode assumes (env AWS_GUARD_ROLE_ARN)')
    .option('--isolation <mode>', 'auto|bwrap|none: run the CLI under bubblewrap (env AWS_GUARD_ISOLATION; default auto = bwrap when it works here)')
    .option('--mask-style <style>', 'length|hmac: how masked secrets read, with their length or a keyed hash that tells equal values apart (env AWS_GUARD_MASK_STYLE; default length)')
    .option('--metrics-listen <host:port>', 'serve /metrics only on this address, not on --listen (env AWS_GUARD_METRICS_LISTEN; AWS_GUARD_METRICS=false turns metrics off)')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (env AWS_GUARD_LOG_LEVEL; default info)')
    .action(async (flags: BrokerFlags) => {
      // Loaded only here, so the shim and other commands never pay for the broker's code.
      const { runBroker } = await import('@aws-guard/broker/main');
      ctx.setExitCode(
        await runBroker({
          flags: {
            listen: flags.listen,
            dataDir: flags.dataDir,
            awsCli: flags.awsCli,
            awsEndpointUrl: flags.awsEndpointUrl,
            region: flags.region,
            policy: flags.policy,
            redis: flags.redis,
            approvalWebhook: flags.approvalWebhook,
            'exec.timeout': flags.execTimeout,
            'exec.maxConcurrent': flags.maxConcurrent,
            'exec.maxPerAgent': flags.maxPerAgent,
            'exec.executor': flags.executor,
            'exec.workers': flags.execWorkers,
            'files.maxFileBytes': flags.maxFileBytes,
            'files.maxTotalBytes': flags.maxTotalFileBytes,
            logLevel: flags.logLevel,
            isolation: flags.isolation,
            'credentials.mode': flags.credentialsMode,
            'credentials.roleArn': flags.roleArn,
            'masking.style': flags.maskStyle,
            'metrics.listen': flags.metricsListen,
          },
          configFile: flags.config,
          env: ctx.env,
          cwd: process.cwd(),
          stderr: ctx.stderr,
          version: ctx.version,
        }),
      );
    });
};
