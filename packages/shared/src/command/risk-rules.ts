// The risk classification of every command, as data: which IAM actions, API operations, CLI commands and
// parameters make a command destructive, privileged, secret-revealing or forbidden. classify-risk.ts applies it;
// docs/risk.md is generated from it (scripts/generate-risk-doc.mjs) and a test keeps the two in sync.
import type { Risk } from './aws-command.js';

/** A condition on the options of a command; a rule with several conditions matches when ANY holds. */
export type OptionCondition = Readonly<{
  /** Operation parameters or global options, by canonical name without dashes (`with-decryption`, `endpoint-url`). */
  in: 'params' | 'globals';
  name: string;
  /** Value globs (case-sensitive); omitted = the option is present at all. A flag's value is `true`. */
  values?: readonly string[];
  /** Holds when the option is NOT given (for options that opt out of a secret, e.g. glue `--hide-password`). */
  absent?: true;
}>;

export type RiskRule = Readonly<{
  /** Stable id, printed in reasons: `<risk>.<what>`. */
  id: string;
  risk: Risk;
  /** Why a command matching this rule has this risk: one short clause. */
  reason: string;
  /** IAM action globs (`iam:Detach*`, `*:Delete*`), case-insensitive, matched against each of the command's actions. */
  actions?: readonly string[];
  /** IAM action globs excluded from `actions` (like IAM's NotAction). */
  notActions?: readonly string[];
  /** API operation globs as `<cli service>:<ApiOperation>` (`s3api:PutBucketLifecycle*`), a net under the IAM mapping. */
  apiOperations?: readonly string[];
  /** CLI command globs as `<service> <operation>` (`s3 rb`, `eks get-token`, `configure *`). */
  commands?: readonly string[];
  /** Option conditions, any of which must hold (and every selector above must match). */
  when?: readonly OptionCondition[];
}>;

/** What `--cli-input-json/yaml` may set without it showing on the command line: conditions must assume the worst. */
const INPUT_DOCUMENT: readonly OptionCondition[] = [
  { in: 'params', name: 'cli-input-json' },
  { in: 'params', name: 'cli-input-yaml' },
];
/** Values loaded from a file are unknown at decision time: value conditions must assume the worst. */
const FILE_VALUES = ['file://*', 'fileb://*'];

/** Verbs that only read. An IAM action that matches no rule is `write`. */
const READ_ACTIONS = [
  '*:Get*', '*:List*', '*:Describe*', '*:Head*', '*:Search*', '*:Query*', '*:Scan*', '*:Select*', '*:Lookup*',
  '*:BatchGet*', '*:Check*', '*:Validate*', '*:Estimate*', '*:Simulate*', '*:Filter*', '*:Detect*', '*:Download*',
  '*:Preview*', '*:View*', '*:Verify*', '*:Discover*', '*:Retrieve*', '*:Count*', '*:Decode*',
];

export const RISK_RULES: readonly RiskRule[] = [
  // read
  { id: 'read.verbs', risk: 'read', reason: 'reads configuration or data without changing it', actions: READ_ACTIONS },

  // destructive: data or resources are lost or become unreachable
  { id: 'destructive.delete', risk: 'destructive', reason: 'deletes resources or data', actions: ['*:Delete*', '*:BatchDelete*'] },
  { id: 'destructive.terminate', risk: 'destructive', reason: 'terminates instances, clusters or jobs', actions: ['*:Terminate*'] },
  {
    id: 'destructive.delete-operation', risk: 'destructive', reason: 'the API operation deletes or terminates, whatever IAM action it maps to',
    apiOperations: ['*:Delete*', '*:BatchDelete*', '*:Terminate*'],
  },
  { id: 'destructive.purge', risk: 'destructive', reason: 'purges data (queue messages, caches)', actions: ['*:Purge*'] },
  { id: 'destructive.deregister', risk: 'destructive', reason: 'deregisters images, task definitions or targets that running workloads use', actions: ['*:Deregister*'] },
  { id: 'destructive.release', risk: 'destructive', reason: 'releases an address or host that cannot reliably be reclaimed', actions: ['ec2:ReleaseAddress', 'ec2:ReleaseHosts'] },
  { id: 'destructive.kms-key', risk: 'destructive', reason: 'makes data encrypted under the key unreadable', actions: ['kms:ScheduleKeyDeletion', 'kms:DisableKey'] },
  {
    id: 'destructive.lifecycle', risk: 'destructive',
    reason: 'lifecycle rules can expire (delete) objects or images; the rules may come from a file, so they are not inspected',
    actions: ['s3:PutLifecycleConfiguration', 'ecr:PutLifecyclePolicy', 'backup:UpdateRecoveryPointLifecycle'],
  },
  {
    id: 'destructive.lifecycle-operation', risk: 'destructive', reason: 'bucket lifecycle rules can expire (delete) objects',
    apiOperations: ['s3api:PutBucketLifecycle*'],
  },
  { id: 'destructive.log-retention', risk: 'destructive', reason: 'a shorter retention deletes older log events', actions: ['logs:PutRetentionPolicy'] },
  {
    id: 'destructive.versioning-suspend', risk: 'destructive',
    reason: 'suspending versioning (or MFA delete) makes later deletes and overwrites permanent',
    actions: ['s3:PutBucketVersioning'],
    when: [{ in: 'params', name: 'versioning-configuration', values: ['*Suspended*', '*Disabled*', ...FILE_VALUES] }, ...INPUT_DOCUMENT],
  },
  {
    id: 'destructive.protection-off', risk: 'destructive', reason: 'turns off deletion or termination protection',
    commands: ['*'],
    when: ['no-deletion-protection', 'no-deletion-protection-enabled', 'no-disable-api-termination', 'no-enable-termination-protection']
      .map((name) => ({ in: 'params', name }) as const),
  },
  { id: 'destructive.s3-remove', risk: 'destructive', reason: 'removes buckets or objects (`s3 mv` deletes its source, local files included)', commands: ['s3 rb', 's3 rm', 's3 mv'] },
  { id: 'destructive.s3-sync-delete', risk: 'destructive', reason: '`--delete` removes destination files and objects missing from the source', commands: ['s3 sync'], when: [{ in: 'params', name: 'delete' }] },

  // privilege: changes who can access what, or how access is watched
  {
    id: 'privilege.iam', risk: 'privilege', reason: 'changes IAM identities, credentials or permissions',
    actions: ['iam:*'], notActions: ['iam:Get*', 'iam:List*', 'iam:Generate*', 'iam:Simulate*'],
  },
  {
    id: 'privilege.identity-center', risk: 'privilege', reason: 'changes Identity Center users, groups, permission sets or account assignments',
    actions: ['sso:*', 'identitystore:*', 'sso-directory:*'],
    notActions: ['*:Describe*', '*:List*', '*:Get*', '*:Search*', '*:IsMemberInGroups'],
  },
  {
    id: 'privilege.organizations', risk: 'privilege', reason: 'changes the organization, its accounts or its policies (SCPs)',
    actions: ['organizations:*', 'account:*'], notActions: ['*:Describe*', '*:List*', '*:Get*'],
  },
  {
    id: 'privilege.policy', risk: 'privilege', reason: 'changes a permissions policy (identity, resource or organization policy)',
    actions: ['*:Put*Policy*', '*:Set*Policy*', '*:Delete*Policy*', '*:Attach*Policy*', '*:Detach*Policy*', '*:Update*Policy*', 'iot:CreatePolicy*'],
    // Policies that are not about access: scaling, lifecycle, retention, caching, TLS negotiation.
    notActions: [
      '*:*ScalingPolicy*', '*:*LifecyclePolicy*', '*:*RetentionPolicy*', '*:*CachePolicy*', '*:*OriginRequestPolicy*',
      '*:*ResponseHeadersPolicy*', '*:*LoadBalancerPolic*', '*:*BackupPolicy', '*:*ContinuousDeploymentPolicy*', '*:*LbCookieStickinessPolicy',
    ],
  },
  {
    id: 'privilege.grant', risk: 'privilege', reason: 'grants, revokes or shares access to a resource',
    actions: ['*:Add*Permission*', '*:Remove*Permission*', '*:Put*Permission*', '*:Grant*', '*:Revoke*', '*:Authorize*', '*:Retire*', 'ssm:ModifyDocumentPermission', 'ram:Create*', 'ram:Associate*', 'ram:Accept*', 'ram:Update*'],
  },
  {
    id: 'privilege.acl', risk: 'privilege', reason: 'changes an access control list',
    actions: ['*:Put*Acl', 'ec2:CreateNetworkAcl*', 'ec2:ReplaceNetworkAcl*', 'ec2:DeleteNetworkAcl*', '*:Update*WebACL*', '*:Associate*WebACL*', '*:Disassociate*WebACL*'],
  },
  {
    id: 'privilege.s3-acl-options', risk: 'privilege', reason: 'sets an object or bucket ACL, which can make data public',
    actions: ['s3:PutObject', 's3:CreateBucket'],
    when: ['acl', 'grants', 'grant-full-control', 'grant-read', 'grant-read-acp', 'grant-write', 'grant-write-acp']
      .map((name) => ({ in: 'params', name }) as const),
  },
  {
    id: 'privilege.public-access', risk: 'privilege', reason: 'changes public access blocks, ownership controls or public function URLs',
    actions: ['s3:*PublicAccessBlock', 's3:PutBucketOwnershipControls', 'ec2:*BlockPublicAccess*', 'lambda:CreateFunctionUrlConfig', 'lambda:UpdateFunctionUrlConfig'],
    notActions: ['*:Get*', '*:Describe*'],
  },
  {
    id: 'privilege.sharing', risk: 'privilege', reason: 'can share snapshots or images with other accounts or the public',
    actions: ['ec2:ModifySnapshotAttribute', 'ec2:ModifyImageAttribute', 'ec2:ModifyFpgaImageAttribute', 'rds:ModifyDBSnapshotAttribute', 'rds:ModifyDBClusterSnapshotAttribute'],
  },
  {
    id: 'privilege.security-group', risk: 'privilege', reason: 'changes network access (security group rules or attachments)',
    actions: ['ec2:AuthorizeSecurityGroup*', 'ec2:RevokeSecurityGroup*', 'ec2:ModifySecurityGroupRules', 'ec2:ApplySecurityGroupsToClientVpnTargetNetwork', 'elasticloadbalancing:SetSecurityGroups'],
  },
  {
    id: 'privilege.security-group-attach', risk: 'privilege', reason: 'changes the security groups of an instance or network interface',
    actions: ['ec2:ModifyInstanceAttribute', 'ec2:ModifyNetworkInterfaceAttribute'],
    when: [{ in: 'params', name: 'groups' }, ...INPUT_DOCUMENT],
  },
  { id: 'privilege.kms', risk: 'privilege', reason: 'changes who can use a KMS key', actions: ['kms:CreateGrant', 'kms:RetireGrant', 'kms:RevokeGrant', 'kms:PutKeyPolicy', 'kms:DisableKeyRotation'] },
  {
    id: 'privilege.logging-off', risk: 'privilege', reason: 'turns off or weakens audit logging, threat detection or compliance recording',
    actions: [
      'cloudtrail:StopLogging', 'cloudtrail:DeleteTrail', 'cloudtrail:UpdateTrail', 'cloudtrail:Put*Selectors', 'cloudtrail:DeleteEventDataStore',
      'cloudtrail:StopEventDataStoreIngestion', 'cloudtrail:UpdateEventDataStore', 'config:StopConfigurationRecorder',
      'config:DeleteConfigurationRecorder', 'config:DeleteDeliveryChannel', 'config:PutConfigurationRecorder', 'guardduty:DeleteDetector',
      'guardduty:UpdateDetector', 'guardduty:Disassociate*', 'guardduty:CreateFilter', 'guardduty:UpdateFilter', 'guardduty:ArchiveFindings',
      'securityhub:Disable*', 'securityhub:BatchDisableStandards', 'securityhub:BatchUpdateFindings', 'access-analyzer:DeleteAnalyzer',
      'access-analyzer:CreateArchiveRule', 'macie2:DisableMacie', 'macie2:UpdateMacieSession', 'inspector2:Disable*', 'detective:DeleteGraph',
      's3:PutBucketLogging', 'ec2:DeleteFlowLogs', 'logs:DeleteSubscriptionFilter', 'cloudwatch:DisableAlarmActions',
      'wafv2:DeleteLoggingConfiguration', 'route53:DeleteQueryLoggingConfig',
    ],
  },
  {
    id: 'privilege.remote-exec', risk: 'privilege', reason: 'runs commands on, or opens a shell into, instances and containers with their roles',
    actions: ['ssm:SendCommand', 'ssm:StartSession', 'ssm:StartAutomationExecution', 'ecs:ExecuteCommand', 'ec2-instance-connect:Send*'],
  },
  { id: 'privilege.instance-role', risk: 'privilege', reason: 'changes the IAM role an instance runs with', actions: ['ec2:AssociateIamInstanceProfile', 'ec2:ReplaceIamInstanceProfileAssociation'] },
  {
    id: 'privilege.user-pool-admin', risk: 'privilege', reason: 'changes user-pool users, passwords, groups or sign-in',
    actions: ['cognito-idp:Admin*'], notActions: ['cognito-idp:AdminGet*', 'cognito-idp:AdminList*', 'cognito-idp:AdminInitiateAuth', 'cognito-idp:AdminRespondToAuthChallenge'],
  },
  {
    id: 'privilege.queue-topic-policy', risk: 'privilege', reason: 'queue and topic attributes include their access policy',
    actions: ['sqs:SetQueueAttributes', 'sns:SetTopicAttributes'],
    when: [{ in: 'params', name: 'attributes', values: ['*Policy*', ...FILE_VALUES] }, { in: 'params', name: 'attribute-name', values: ['Policy'] }, ...INPUT_DOCUMENT],
  },

  // secret_read: "reads" that hand out secrets or credential-derived bearer material
  { id: 'secret_read.secrets-manager', risk: 'secret_read', reason: 'returns secret values', actions: ['secretsmanager:GetSecretValue', 'secretsmanager:BatchGetSecretValue'] },
  {
    id: 'secret_read.ssm-decrypt', risk: 'secret_read', reason: 'with --with-decryption returns SecureString parameters in plaintext',
    actions: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath', 'ssm:GetParameterHistory'],
    when: [{ in: 'params', name: 'with-decryption' }, ...INPUT_DOCUMENT],
  },
  { id: 'secret_read.kms-plaintext', risk: 'secret_read', reason: 'returns plaintext data or data keys', actions: ['kms:Decrypt', 'kms:GenerateDataKey*'] },
  { id: 'secret_read.sts', risk: 'secret_read', reason: 'returns temporary AWS credentials or tokens', actions: ['sts:Assume*', 'sts:Get*Token'] },
  {
    id: 'secret_read.iam-credentials', risk: 'secret_read', reason: 'returns a new long-term credential (access key, service password, MFA seed)',
    actions: ['iam:CreateAccessKey', 'iam:CreateServiceSpecificCredential', 'iam:ResetServiceSpecificCredential', 'iam:CreateVirtualMFADevice'],
  },
  { id: 'secret_read.registry-token', risk: 'secret_read', reason: 'returns a registry or repository bearer token', actions: ['ecr:GetAuthorizationToken', 'ecr-public:GetAuthorizationToken', 'codeartifact:GetAuthorizationToken'] },
  {
    id: 'secret_read.bearer-commands', risk: 'secret_read', reason: 'prints bearer material derived from the broker credentials (presigned URL, token or password)',
    commands: [
      's3 presign', 'eks get-token', 'rds generate-db-auth-token', 'dsql generate-db-connect*', 'codecommit credential-helper*',
      'cloudfront sign', 'ecr get-login*', 'ecr-public get-login*',
    ],
  },
  { id: 'secret_read.ec2', risk: 'secret_read', reason: 'returns a Windows administrator password or a new private key', actions: ['ec2:GetPasswordData', 'ec2:CreateKeyPair'] },
  { id: 'secret_read.code-url', risk: 'secret_read', reason: 'returns a presigned URL to function or layer code', actions: ['lambda:GetFunction', 'lambda:GetLayerVersion*'] },
  {
    id: 'secret_read.identity-tokens', risk: 'secret_read', reason: 'returns user-pool, identity-pool, database or portal credentials',
    actions: [
      'cognito-identity:GetCredentialsForIdentity', 'cognito-identity:GetOpenIdToken*', 'cognito-idp:*InitiateAuth', 'cognito-idp:*RespondToAuthChallenge',
      '*:GetRoleCredentials', 'redshift:GetClusterCredentials*', 'redshift-serverless:GetCredentials', 'emr-containers:GetManagedEndpointSessionCredentials',
      'lightsail:GetInstanceAccessDetails', 'lightsail:DownloadDefaultKeyPair', 'lightsail:CreateKeyPair', 'lightsail:GetRelationalDatabaseMasterUserPassword',
      'iot:CreateKeysAndCertificate', 'iot:CreateProvisioningClaim', 'appsync:ListApiKeys',
    ],
  },
  { id: 'secret_read.presigned-url', risk: 'secret_read', reason: 'returns a presigned or embeddable sign-in URL', actions: ['*:CreatePresigned*', '*:Generate*EmbedUrl*', '*:Get*EmbedUrl*'] },
  { id: 'secret_read.glue-password', risk: 'secret_read', reason: 'returns connection passwords unless --hide-password is given', actions: ['glue:GetConnection', 'glue:GetConnections'], when: [{ in: 'params', name: 'hide-password', absent: true }] },
  { id: 'secret_read.api-key-value', risk: 'secret_read', reason: 'with --include-value returns API key values', commands: ['apigateway get-api-key', 'apigateway get-api-keys'], when: [{ in: 'params', name: 'include-value' }, { in: 'params', name: 'include-values' }] },

  // forbidden: refused whatever the policy says (DESIGN §7.5, §7.6); the parser flags these too, this is the net under it
  {
    id: 'forbidden.credential-options', risk: 'forbidden', reason: 'redirects or exposes the broker credentials',
    commands: ['*'],
    when: ['endpoint-url', 'profile', 'debug', 'ca-bundle', 'no-verify-ssl', 'no-sign-request'].map((name) => ({ in: 'globals', name }) as const),
  },
  { id: 'forbidden.local-config', risk: 'forbidden', reason: "reads or writes the CLI's own configuration, credentials or history on the broker host", commands: ['configure', 'configure *', 'history', 'history *'] },
  {
    id: 'forbidden.host-side-effects', risk: 'forbidden', reason: 'writes configuration or installs software on the host that runs the CLI',
    commands: ['eks update-kubeconfig', 'codeartifact login', 'deploy install', 'deploy uninstall', 'update', 'update *', 'agent-toolkit*', 'cli-dev*'],
  },
  {
    id: 'forbidden.spawns-programs', risk: 'forbidden', reason: 'spawns local programs (ssh, session-manager-plugin, docker) on the host that runs the CLI',
    commands: ['emr ssh', 'emr socks', 'emr get', 'emr put', 'ssm start-session', 'ecs execute-command', 'ec2-instance-connect ssh', 'ec2-instance-connect open-tunnel', 'lightsail push-container-image'],
  },
  { id: 'forbidden.interactive', risk: 'forbidden', reason: 'interactive sign-in or wizard: credentials are managed by the broker', commands: ['sso login', 'sso logout', 'login', 'login *', 'logout', 'logout *', '* wizard', '* wizard *'] },
];
