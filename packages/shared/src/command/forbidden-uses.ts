// Uses aws-guard refuses whatever the policy says (DESIGN §7.5, §7.6): global options that redirect or expose
// credentials however they were spelled, commands that are local-only, and commands that write the host's
// configuration or start programs on it. File-related refusals are found with the file references (file-refs.ts).
import type { ArgSpec } from '../aws-model/model-types.js';
import type { OptionUse } from './argparse-parse.js';
import type { ForbiddenUse } from './aws-command.js';
import { FORBIDDEN_GLOBALS } from './global-options.js';

/** Local-only: they read or write the CLI's own configuration and history, never AWS. */
const LOCAL_ONLY = new Set(['configure', 'history']);

/** By CLI path (a path also covers its subcommands). v2-only names are listed for a v2 broker's model. */
const FORBIDDEN_COMMANDS: Readonly<Record<string, string>> = Object.freeze({
  'eks update-kubeconfig': 'writes a kubeconfig on the host that runs the CLI',
  'codeartifact login': 'runs npm/pip/twine/dotnet/nuget/swift or writes their configuration on the host',
  'emr ssh': 'runs ssh on the host',
  'emr socks': 'runs ssh on the host',
  'emr get': 'runs scp on the host and writes the copied file there',
  'emr put': 'runs scp on the host',
  'ssm start-session': 'starts session-manager-plugin on the host (interactive)',
  'ecs execute-command': 'starts session-manager-plugin on the host (interactive)',
  'deploy install': 'installs the CodeDeploy agent on the host',
  'deploy uninstall': 'uninstalls the CodeDeploy agent from the host',
  'deploy register': 'creates an IAM user and writes its access key into a config file on the host',
  // awscli attaches codedeploy's subcommands to every command named `deploy` (event name collision).
  'cloudformation deploy install': 'installs the CodeDeploy agent on the host',
  'cloudformation deploy uninstall': 'uninstalls the CodeDeploy agent from the host',
  'cloudformation deploy register': 'creates an IAM user and writes its access key into a config file on the host',
  'ecs deploy install': 'installs the CodeDeploy agent on the host',
  'ecs deploy uninstall': 'uninstalls the CodeDeploy agent from the host',
  'ecs deploy register': 'creates an IAM user and writes its access key into a config file on the host',
  'ec2-instance-connect ssh': 'runs ssh on the host',
  'ec2-instance-connect open-tunnel': 'listens on a local port or bridges the host stdio',
  'lightsail push-container-image': 'runs docker on the host',
  'dynamodb wizard': 'interactive wizard',
  'iam wizard': 'interactive wizard',
  'events wizard': 'interactive wizard',
  'lambda wizard': 'interactive wizard',
  'sso login': 'credentials are managed by the broker',
  'sso logout': 'credentials are managed by the broker',
  login: 'credentials are managed by the broker',
  logout: 'credentials are managed by the broker',
  update: 'updates the CLI installation on the host',
  'cli-dev': 'developer commands of the CLI itself',
  'agent-toolkit': 'writes AI-agent configuration on the host',
});

/** Spelling as written, without an attached value: `--endp=http://x` → `--endp`. */
const writtenOption = (written: string): string => {
  const eq = written.indexOf('=');
  return eq === -1 ? written : written.slice(0, eq);
};

export const forbiddenGlobalUses = (uses: readonly OptionUse<ArgSpec>[]): ForbiddenUse[] =>
  uses
    .filter((u) => Object.hasOwn(FORBIDDEN_GLOBALS, u.action.name))
    .map((u) => {
      const arg = writtenOption(u.written);
      const resolved = `--${u.action.name}`;
      const reason = `${resolved} ${FORBIDDEN_GLOBALS[u.action.name] as string}`;
      return Object.freeze(arg === resolved ? { code: 'FORBIDDEN_OPTION', arg, reason } : { code: 'FORBIDDEN_OPTION', arg, resolved, reason });
    });

export const forbiddenCommandUses = (path: readonly string[]): ForbiddenUse[] => {
  const [head] = path;
  const name = path.join(' ');
  if (head !== undefined && LOCAL_ONLY.has(head))
    return [{ code: 'LOCAL_ONLY_COMMAND', arg: name, reason: `\`aws ${name}\` reads or writes the CLI's local configuration; aws-guard's broker never runs it` }];
  for (let n = path.length; n > 0; n -= 1) {
    const key = path.slice(0, n).join(' ');
    if (Object.hasOwn(FORBIDDEN_COMMANDS, key))
      return [{ code: 'FORBIDDEN_COMMAND', arg: name, reason: `\`aws ${key}\` ${FORBIDDEN_COMMANDS[key] as string}` }];
  }
  return [];
};
