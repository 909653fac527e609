// The CLI's own high-level commands (awscli/customizations): which API calls each one makes (AWS-CLI.md §2.1),
// which container commands insist on a subcommand, and which commands aws-guard refuses outright.
import type { CustomNode } from '../aws-model/model-types.js';
import { expandS3Command } from './s3-commands.js';

/** One API call a custom command makes, named by botocore service and API operation. */
export type Call = Readonly<{ service: string; api: string }>;

export type Expansion = Readonly<{
  calls: readonly Call[];
  /** The call that is the point of the command (`DeleteBucket` for `s3 rb --force`), null if none. */
  main: string | null;
  /** IAM actions the command needs beyond its calls (presigned URLs, tokens signed locally). */
  extraIam?: readonly string[];
}>;

export type Params = Readonly<Record<string, string | true | readonly string[]>>;

const calls = (service: string, ...apis: string[]): Call[] => apis.map((api) => ({ service, api }));
const fixed = (list: readonly Call[], main: string | null, extraIam?: readonly string[]) => (): Expansion =>
  extraIam === undefined ? { calls: list, main } : { calls: list, main, extraIam };

const deployStack = (p: Params): Expansion => {
  const execute = p['no-execute-changeset'] === undefined;
  const upload = p['s3-bucket'] !== undefined ? calls('s3', 'PutObject') : [];
  return {
    calls: [
      ...upload,
      ...calls('cloudformation', 'DescribeStacks', 'CreateChangeSet', 'DescribeChangeSet'),
      ...(execute ? calls('cloudformation', 'ExecuteChangeSet', 'DescribeStacks') : []),
    ],
    main: execute ? 'ExecuteChangeSet' : 'CreateChangeSet',
  };
};

const codedeploy = {
  push: fixed([...calls('s3', 'PutObject'), ...calls('codedeploy', 'RegisterApplicationRevision')], 'RegisterApplicationRevision'),
  register: fixed(
    [
      ...calls('iam', 'CreateUser', 'PutUserPolicy', 'CreateAccessKey'),
      ...calls('codedeploy', 'RegisterOnPremisesInstance', 'AddTagsToOnPremisesInstances'),
    ],
    'RegisterOnPremisesInstance',
  ),
  deregister: fixed(
    [
      ...calls('codedeploy', 'GetOnPremisesInstance', 'RemoveTagsFromOnPremisesInstances', 'DeregisterOnPremisesInstance'),
      ...calls('iam', 'ListUserPolicies', 'DeleteUserPolicy', 'ListAccessKeys', 'DeleteAccessKey', 'DeleteUser'),
    ],
    'DeregisterOnPremisesInstance',
  ),
  install: fixed([], null),
  uninstall: fixed([], null),
};

const createRoles = (...apis: string[]) => fixed(calls('iam', ...apis), 'CreateRole');
const emrSteps = fixed(calls('emr', 'AddJobFlowSteps'), 'AddJobFlowSteps');
const emrDescribe = fixed(calls('emr', 'DescribeCluster'), 'DescribeCluster');

/** Every custom command of the v1 CLI, by CLI path; a test keeps this in step with the model. */
export const CUSTOM_EXPANSIONS: Readonly<Record<string, (params: Params) => Expansion>> = Object.freeze({
  's3 ls': (p) => expandS3Command('ls', p),
  's3 website': (p) => expandS3Command('website', p),
  's3 cp': (p) => expandS3Command('cp', p),
  's3 mv': (p) => expandS3Command('mv', p),
  's3 rm': (p) => expandS3Command('rm', p),
  's3 sync': (p) => expandS3Command('sync', p),
  's3 mb': (p) => expandS3Command('mb', p),
  's3 rb': (p) => expandS3Command('rb', p),
  's3 presign': (p) => expandS3Command('presign', p),
  'cloudformation package': fixed(calls('s3', 'HeadObject', 'PutObject'), 'PutObject'),
  'cloudformation deploy': deployStack,
  'cloudformation deploy push': codedeploy.push,
  'cloudformation deploy register': codedeploy.register,
  'cloudformation deploy deregister': codedeploy.deregister,
  'cloudformation deploy install': codedeploy.install,
  'cloudformation deploy uninstall': codedeploy.uninstall,
  'ecs deploy push': codedeploy.push,
  'ecs deploy register': codedeploy.register,
  'ecs deploy deregister': codedeploy.deregister,
  'ecs deploy install': codedeploy.install,
  'ecs deploy uninstall': codedeploy.uninstall,
  'deploy push': codedeploy.push,
  'deploy register': codedeploy.register,
  'deploy deregister': codedeploy.deregister,
  'deploy install': codedeploy.install,
  'deploy uninstall': codedeploy.uninstall,
  'cloudfront sign': fixed([], null),
  'cloudtrail create-subscription': fixed(
    [...calls('s3', 'CreateBucket', 'PutBucketPolicy'), ...calls('sns', 'CreateTopic', 'SetTopicAttributes'), ...calls('cloudtrail', 'CreateTrail', 'StartLogging')],
    'CreateTrail',
  ),
  'cloudtrail update-subscription': fixed(
    [...calls('s3', 'CreateBucket', 'PutBucketPolicy'), ...calls('sns', 'CreateTopic', 'SetTopicAttributes'), ...calls('cloudtrail', 'UpdateTrail')],
    'UpdateTrail',
  ),
  'cloudtrail validate-logs': fixed(
    [...calls('cloudtrail', 'DescribeTrails', 'ListPublicKeys'), ...calls('s3', 'ListObjects', 'GetObject')],
    'ListPublicKeys',
  ),
  'codeartifact login': fixed(calls('codeartifact', 'GetAuthorizationToken', 'GetRepositoryEndpoint'), 'GetAuthorizationToken', ['sts:GetServiceBearerToken']),
  // Signs a git password locally from the broker's credentials; the risk table names the command.
  'codecommit credential-helper get': fixed([], null),
  'codecommit credential-helper store': fixed([], null),
  'codecommit credential-helper erase': fixed([], null),
  'datapipeline list-runs': fixed(calls('datapipeline', 'QueryObjects', 'DescribeObjects'), 'QueryObjects'),
  'datapipeline create-default-roles': createRoles('GetRole', 'CreateRole', 'PutRolePolicy', 'CreateInstanceProfile', 'AddRoleToInstanceProfile'),
  'dlm create-default-role': createRoles('GetRole', 'CreateRole', 'AttachRolePolicy'),
  'ecr get-login': fixed(calls('ecr', 'GetAuthorizationToken'), 'GetAuthorizationToken'),
  'ecr get-login-password': fixed(calls('ecr', 'GetAuthorizationToken'), 'GetAuthorizationToken'),
  'ecr-public get-login-password': fixed(calls('ecr-public', 'GetAuthorizationToken'), 'GetAuthorizationToken', ['sts:GetServiceBearerToken']),
  'ecs deploy': fixed(
    [...calls('ecs', 'DescribeServices', 'RegisterTaskDefinition'), ...calls('codedeploy', 'GetApplication', 'GetDeploymentGroup', 'CreateDeployment', 'GetDeployment')],
    'CreateDeployment',
  ),
  'eks update-kubeconfig': fixed(calls('eks', 'DescribeCluster'), 'DescribeCluster'),
  // A presigned sts:GetCallerIdentity URL, signed locally.
  'eks get-token': fixed([], null, ['sts:GetCallerIdentity']),
  'emr add-instance-groups': fixed(calls('emr', 'AddInstanceGroups'), 'AddInstanceGroups'),
  'emr describe-cluster': fixed(calls('emr', 'DescribeCluster', 'ListInstanceGroups', 'ListInstanceFleets', 'ListBootstrapActions'), 'DescribeCluster'),
  'emr terminate-clusters': fixed(calls('emr', 'TerminateJobFlows'), 'TerminateJobFlows'),
  'emr modify-cluster-attributes': fixed(
    calls('emr', 'SetVisibleToAllUsers', 'SetTerminationProtection', 'SetUnhealthyNodeReplacement', 'ModifyCluster'),
    'ModifyCluster',
  ),
  'emr install-applications': emrSteps,
  'emr create-cluster': fixed(calls('emr', 'RunJobFlow'), 'RunJobFlow'),
  'emr add-steps': emrSteps,
  'emr restore-from-hbase-backup': emrSteps,
  'emr create-hbase-backup': emrSteps,
  'emr schedule-hbase-backup': emrSteps,
  'emr disable-hbase-backups': emrSteps,
  'emr create-default-roles': createRoles('GetRole', 'CreateRole', 'AttachRolePolicy', 'CreateInstanceProfile', 'AddRoleToInstanceProfile'),
  'emr ssh': emrDescribe,
  'emr socks': emrDescribe,
  'emr get': emrDescribe,
  'emr put': emrDescribe,
  'emr-containers update-role-trust-policy': fixed(calls('iam', 'GetRole', 'UpdateAssumeRolePolicy'), 'UpdateAssumeRolePolicy'),
  'gamelift upload-build': fixed([...calls('gamelift', 'CreateBuild', 'RequestUploadCredentials'), ...calls('s3', 'PutObject')], 'CreateBuild'),
  'gamelift get-game-session-log': fixed(calls('gamelift', 'GetGameSessionLogUrl'), 'GetGameSessionLogUrl'),
  'logs start-live-tail': fixed(calls('logs', 'StartLiveTail'), 'StartLiveTail'),
  // A presigned rds-db:connect token, signed locally.
  'rds generate-db-auth-token': fixed([], null, ['rds-db:connect']),
  'servicecatalog generate product': fixed([...calls('s3', 'PutObject'), ...calls('servicecatalog', 'CreateProduct')], 'CreateProduct'),
  'servicecatalog generate provisioning-artifact': fixed(
    [...calls('s3', 'PutObject'), ...calls('servicecatalog', 'CreateProvisioningArtifact')],
    'CreateProvisioningArtifact',
  ),
  'configservice subscribe': fixed(
    [
      ...calls('s3', 'CreateBucket'),
      ...calls('sns', 'CreateTopic'),
      ...calls('config', 'PutConfigurationRecorder', 'PutDeliveryChannel', 'StartConfigurationRecorder'),
    ],
    'PutDeliveryChannel',
  ),
  'configservice get-status': fixed(calls('config', 'DescribeConfigurationRecorderStatus', 'DescribeDeliveryChannelStatus'), null),
  configure: fixed([], null),
  'configure list': fixed([], null),
  'configure get': fixed([], null),
  'configure set': fixed([], null),
  'configure add-model': fixed([], null),
  'history show': fixed([], null),
  'history list': fixed([], null),
});

/** Container commands that only report a missing subcommand (their _run_main), with the usage line they print. */
const NEEDS_SUBCOMMAND: Readonly<Record<string, string>> = Object.freeze({
  's3.s3.S3': 'usage: aws [options] <command> <subcommand> [parameters]',
  'waiters.WaitCommand': 'usage: aws [options] <command> <subcommand> [parameters]',
  'history.HistoryCommand': 'usage: aws [options] <command> <subcommand> [parameters]',
  'servicecatalog.generate.GenerateCommand': 'usage: aws [options] <command> <subcommand> [parameters]',
  'codecommit.CodeCommitCommand': 'usage: aws [options] codecommit credential-helper <subcommand> [parameters]',
});

export const missingSubcommandUsage = (node: CustomNode): string | null =>
  Object.hasOwn(NEEDS_SUBCOMMAND, node.impl) ? (NEEDS_SUBCOMMAND[node.impl] as string) : null;

export const expandCustom = (path: readonly string[], params: Params): Expansion | undefined => {
  const key = path.join(' ');
  return Object.hasOwn(CUSTOM_EXPANSIONS, key) ? CUSTOM_EXPANSIONS[key]?.(params) : undefined;
};
