// Risk classes of real command lines, through the real parser and model: one table row per command, every
// service family the issue names, with the risk rule that decides (the first reason) or how the default applied.
import t from 'tap';
import { analyzeCommand } from '@aws-guard/shared/command/analyze-command';
import { createModelStore, sourceModelDir } from '@aws-guard/shared/aws-model/model-store';

const model = createModelStore(sourceModelDir());

/** [command line after `aws`, risk, deciding rule id | FORBIDDEN_* code | 'default-write' | 'local'] */
const TABLE: [string, string, string][] = [
  ['s3 ls s3://b/ --recursive', 'read', 'read.verbs'],
  ['s3 cp s3://b/k ./a.txt', 'read', 'read.verbs'],
  ['s3 mv ./a.txt s3://b/k', 'destructive', 'destructive.s3-remove'],
  ['s3 rm s3://b/p/ --recursive --dryrun', 'destructive', 'destructive.s3-remove'],
  ['s3 sync ./site s3://b/', 'write', 'default-write'],
  ['s3 sync ./site s3://b/ --delete', 'destructive', 'destructive.delete'],
  ['s3 sync s3://b/ ./mirror --delete --exact-timestamps', 'destructive', 'destructive.s3-sync-delete'],
  ['s3 mb s3://new-bucket', 'write', 'default-write'],
  ['s3 website s3://b --index-document index.html', 'write', 'default-write'],
  ['s3api list-buckets', 'read', 'read.verbs'],
  ['s3api get-object --bucket b --key k out.bin', 'read', 'read.verbs'],
  ['s3api delete-bucket --bucket b', 'destructive', 'destructive.delete'],
  ['s3api delete-objects --bucket b --delete Objects=[{Key=k}]', 'destructive', 'destructive.delete'],
  ['s3api put-bucket-policy --bucket b --policy file://p.json', 'privilege', 'privilege.policy'],
  ['s3api delete-bucket-policy --bucket b', 'privilege', 'privilege.policy'],
  ['s3api put-bucket-acl --bucket b --acl public-read', 'privilege', 'privilege.acl'],
  ['s3api put-public-access-block --bucket b --public-access-block-configuration BlockPublicAcls=false', 'privilege', 'privilege.public-access'],
  ['s3api delete-public-access-block --bucket b', 'privilege', 'privilege.public-access'],
  ['s3api put-bucket-lifecycle-configuration --bucket b --lifecycle-configuration file://lc.json', 'destructive', 'destructive.lifecycle'],
  ['s3api put-bucket-versioning --bucket b --versioning-configuration Status=Suspended', 'destructive', 'destructive.versioning-suspend'],
  ['s3api put-bucket-versioning --bucket b --versioning-configuration Status=Enabled', 'write', 'default-write'],
  ['s3api put-bucket-logging --bucket b --bucket-logging-status {}', 'privilege', 'privilege.logging-off'],
  ['s3api head-object --bucket b --key k', 'read', 'read.verbs'],
  ['s3api list-objects-v2 --bucket b --generate-cli-skeleton', 'read', 'local'],
  ['ec2 describe-instances', 'read', 'read.verbs'],
  ['ec2 run-instances --image-id ami-1 --instance-type t3.micro', 'write', 'default-write'],
  ['ec2 terminate-instances --instance-ids i-1', 'destructive', 'destructive.terminate'],
  ['ec2 terminate-instances --instance-ids i-1 --dry-run', 'destructive', 'destructive.terminate'],
  ['ec2 stop-instances --instance-ids i-1', 'write', 'default-write'],
  ['ec2 authorize-security-group-ingress --group-id sg-1 --protocol tcp --port 22 --cidr 0.0.0.0/0', 'privilege', 'privilege.grant'],
  ['ec2 revoke-security-group-egress --group-id sg-1 --ip-permissions IpProtocol=-1', 'privilege', 'privilege.grant'],
  ['ec2 get-password-data --instance-id i-1', 'secret_read', 'secret_read.ec2'],
  ['ec2 create-key-pair --key-name k', 'secret_read', 'secret_read.ec2'],
  ['ec2 modify-snapshot-attribute --snapshot-id snap-1 --attribute createVolumePermission --operation-type add --group-names all', 'privilege', 'privilege.sharing'],
  ['ec2 modify-instance-attribute --instance-id i-1 --groups sg-1 sg-2', 'privilege', 'privilege.security-group-attach'],
  ['ec2 modify-instance-attribute --instance-id i-1 --no-disable-api-termination', 'destructive', 'destructive.protection-off'],
  ['ec2 wait instance-running --instance-ids i-1', 'read', 'read.verbs'],
  ['ec2 release-address --allocation-id eipalloc-1', 'destructive', 'destructive.release'],
  ['ec2 delete-flow-logs --flow-log-ids fl-1', 'privilege', 'privilege.logging-off'],
  ['ec2 create-network-acl-entry --network-acl-id acl-1 --rule-number 100 --protocol -1 --rule-action allow --ingress --cidr-block 0.0.0.0/0', 'privilege', 'privilege.acl'],
  ['ec2 associate-iam-instance-profile --instance-id i-1 --iam-instance-profile Name=p', 'privilege', 'privilege.instance-role'],
  ['iam list-roles', 'read', 'read.verbs'],
  ['iam get-role --role-name r', 'read', 'read.verbs'],
  ['iam create-role --role-name r --assume-role-policy-document file://t.json', 'privilege', 'privilege.iam'],
  ['iam attach-role-policy --role-name r --policy-arn arn:aws:iam::aws:policy/AdministratorAccess', 'privilege', 'privilege.iam'],
  ['iam put-role-policy --role-name r --policy-name p --policy-document file://p.json', 'privilege', 'privilege.iam'],
  ['iam create-access-key --user-name u', 'secret_read', 'secret_read.iam-credentials'],
  ['iam delete-user --user-name u', 'privilege', 'privilege.iam'],
  ['iam create-virtual-mfa-device --virtual-mfa-device-name m --outfile qr.png --bootstrap-method QRCodePNG', 'secret_read', 'secret_read.iam-credentials'],
  ['iam generate-credential-report', 'write', 'default-write'],
  ['iam simulate-principal-policy --policy-source-arn arn:aws:iam::1:user/u --action-names s3:GetObject', 'read', 'read.verbs'],
  ['kms list-keys', 'read', 'read.verbs'],
  ['kms encrypt --key-id k --plaintext fileb://p.bin', 'write', 'default-write'],
  ['kms decrypt --ciphertext-blob fileb://ct.bin', 'secret_read', 'secret_read.kms-plaintext'],
  ['kms generate-data-key --key-id k --key-spec AES_256', 'secret_read', 'secret_read.kms-plaintext'],
  ['kms create-grant --key-id k --grantee-principal arn:aws:iam::1:role/r --operations Decrypt', 'privilege', 'privilege.kms'],
  ['kms put-key-policy --key-id k --policy-name default --policy file://p.json', 'privilege', 'privilege.policy'],
  ['kms schedule-key-deletion --key-id k --pending-window-in-days 7', 'destructive', 'destructive.kms-key'],
  ['kms disable-key --key-id k', 'destructive', 'destructive.kms-key'],
  ['secretsmanager list-secrets', 'read', 'read.verbs'],
  ['secretsmanager get-secret-value --secret-id s', 'secret_read', 'secret_read.secrets-manager'],
  ['secretsmanager batch-get-secret-value --secret-id-list s1 s2', 'secret_read', 'secret_read.secrets-manager'],
  ['secretsmanager create-secret --name s --secret-string x', 'write', 'default-write'],
  ['secretsmanager delete-secret --secret-id s', 'destructive', 'destructive.delete'],
  ['secretsmanager put-resource-policy --secret-id s --resource-policy file://p.json', 'privilege', 'privilege.policy'],
  ['ssm get-parameter --name /p', 'read', 'read.verbs'],
  ['ssm get-parameters --names /a /b --with-decryption', 'secret_read', 'secret_read.ssm-decrypt'],
  ['ssm get-parameters-by-path --path / --recursive --with-decryption', 'secret_read', 'secret_read.ssm-decrypt'],
  ['ssm get-parameters-by-path --path /', 'read', 'read.verbs'],
  ['ssm get-parameter --cli-input-json file://in.json', 'secret_read', 'secret_read.ssm-decrypt'],
  ['ssm put-parameter --name /p --value v --type SecureString', 'write', 'default-write'],
  ['ssm send-command --document-name AWS-RunShellScript --instance-ids i-1 --parameters commands=id', 'privilege', 'privilege.remote-exec'],
  ['ssm start-session --target i-1', 'forbidden', 'FORBIDDEN_COMMAND'],
  ['ssm delete-parameter --name /p', 'destructive', 'destructive.delete'],
  ['sts get-caller-identity', 'read', 'read.verbs'],
  ['sts assume-role --role-arn arn:aws:iam::1:role/r --role-session-name s', 'secret_read', 'secret_read.sts'],
  ['sts get-session-token', 'secret_read', 'secret_read.sts'],
  ['sts get-federation-token --name n', 'secret_read', 'secret_read.sts'],
  ['sts decode-authorization-message --encoded-message x', 'read', 'read.verbs'],
  ['ecr get-login-password', 'secret_read', 'secret_read.registry-token'],
  ['ecr describe-repositories', 'read', 'read.verbs'],
  ['ecr batch-delete-image --repository-name r --image-ids imageTag=t', 'destructive', 'destructive.delete'],
  ['ecr set-repository-policy --repository-name r --policy-text file://p.json', 'privilege', 'privilege.policy'],
  ['ecr put-lifecycle-policy --repository-name r --lifecycle-policy-text file://lp.json', 'destructive', 'destructive.lifecycle'],
  ['eks update-kubeconfig --name c', 'forbidden', 'FORBIDDEN_COMMAND'],
  ['eks describe-cluster --name c', 'read', 'read.verbs'],
  ['eks delete-cluster --name c', 'destructive', 'destructive.delete'],
  ['rds describe-db-instances', 'read', 'read.verbs'],
  ['rds generate-db-auth-token --hostname h --port 5432 --username u', 'secret_read', 'secret_read.bearer-commands'],
  ['rds delete-db-instance --db-instance-identifier d --skip-final-snapshot', 'destructive', 'destructive.delete'],
  ['rds modify-db-instance --db-instance-identifier d --no-deletion-protection', 'destructive', 'destructive.protection-off'],
  ['rds modify-db-snapshot-attribute --db-snapshot-identifier s --attribute-name restore --values-to-add all', 'privilege', 'privilege.sharing'],
  ['lambda list-functions', 'read', 'read.verbs'],
  ['lambda get-function --function-name f', 'secret_read', 'secret_read.code-url'],
  ['lambda invoke --function-name f out.json', 'write', 'default-write'],
  ['lambda add-permission --function-name f --statement-id s --action lambda:InvokeFunction --principal *', 'privilege', 'privilege.grant'],
  ['lambda create-function-url-config --function-name f --auth-type NONE', 'privilege', 'privilege.public-access'],
  ['lambda update-function-code --function-name f --zip-file fileb://f.zip', 'write', 'default-write'],
  ['lambda delete-function --function-name f', 'destructive', 'destructive.delete'],
  ['cloudtrail stop-logging --name t', 'privilege', 'privilege.logging-off'],
  ['cloudtrail delete-trail --name t', 'privilege', 'privilege.logging-off'],
  ['cloudtrail lookup-events', 'read', 'read.verbs'],
  ['logs put-retention-policy --log-group-name g --retention-in-days 1', 'destructive', 'destructive.log-retention'],
  ['logs delete-log-group --log-group-name g', 'destructive', 'destructive.delete'],
  ['logs filter-log-events --log-group-name g', 'read', 'read.verbs'],
  ['dynamodb scan --table-name t', 'read', 'read.verbs'],
  ['dynamodb put-item --table-name t --item file://item.json', 'write', 'default-write'],
  ['dynamodb delete-table --table-name t', 'destructive', 'destructive.delete'],
  ['dynamodb update-table --table-name t --no-deletion-protection-enabled', 'destructive', 'destructive.protection-off'],
  ['sqs purge-queue --queue-url https://sqs.us-east-1.amazonaws.com/1/q', 'destructive', 'destructive.purge'],
  ['sqs set-queue-attributes --queue-url https://sqs.us-east-1.amazonaws.com/1/q --attributes file://attrs.json', 'privilege', 'privilege.queue-topic-policy'],
  ['sqs set-queue-attributes --queue-url https://sqs.us-east-1.amazonaws.com/1/q --attributes VisibilityTimeout=60', 'write', 'default-write'],
  ['sns set-topic-attributes --topic-arn arn:aws:sns:us-east-1:1:t --attribute-name Policy --attribute-value file://p.json', 'privilege', 'privilege.queue-topic-policy'],
  ['sns publish --topic-arn arn:aws:sns:us-east-1:1:t --message hi', 'write', 'default-write'],
  ['organizations list-accounts', 'read', 'read.verbs'],
  ['organizations leave-organization', 'privilege', 'privilege.organizations'],
  ['organizations attach-policy --policy-id p-1 --target-id r-1', 'privilege', 'privilege.organizations'],
  ['sso-admin create-permission-set --instance-arn arn:aws:sso:::instance/i --name n', 'privilege', 'privilege.identity-center'],
  ['sso-admin list-permission-sets --instance-arn arn:aws:sso:::instance/i', 'read', 'read.verbs'],
  ['identitystore delete-user --identity-store-id d-1 --user-id u', 'privilege', 'privilege.identity-center'],
  ['cognito-idp admin-set-user-password --user-pool-id p --username u --password x', 'privilege', 'privilege.user-pool-admin'],
  ['cognito-idp admin-initiate-auth --user-pool-id p --client-id c --auth-flow ADMIN_USER_PASSWORD_AUTH', 'secret_read', 'secret_read.identity-tokens'],
  ['cognito-identity get-credentials-for-identity --identity-id id', 'secret_read', 'secret_read.identity-tokens'],
  ['cognito-idp list-users --user-pool-id p', 'read', 'read.verbs'],
  ['cloudformation describe-stacks', 'read', 'read.verbs'],
  ['cloudformation deploy --template-file t.yaml --stack-name s', 'write', 'default-write'],
  ['cloudformation delete-stack --stack-name s', 'destructive', 'destructive.delete'],
  ['cloudformation create-stack --stack-name s --template-body file://t.yaml', 'write', 'default-write'],
  ['cloudformation update-termination-protection --stack-name s --no-enable-termination-protection', 'destructive', 'destructive.protection-off'],
  ['guardduty delete-detector --detector-id d', 'privilege', 'privilege.logging-off'],
  ['configservice stop-configuration-recorder --configuration-recorder-name default', 'privilege', 'privilege.logging-off'],
  ['securityhub disable-security-hub', 'privilege', 'privilege.logging-off'],
  ['elbv2 describe-load-balancers', 'read', 'read.verbs'],
  ['elbv2 delete-load-balancer --load-balancer-arn arn', 'destructive', 'destructive.delete'],
  ['elbv2 set-security-groups --load-balancer-arn arn --security-groups sg-1', 'privilege', 'privilege.security-group'],
  ['stepfunctions start-execution --state-machine-arn arn', 'write', 'default-write'],
  ['stepfunctions list-state-machines', 'read', 'read.verbs'],
  ['glue get-connection --name c', 'secret_read', 'secret_read.glue-password'],
  ['glue get-connection --name c --hide-password', 'read', 'read.verbs'],
  ['apigateway get-api-keys --include-values', 'secret_read', 'secret_read.api-key-value'],
  ['apigateway get-api-key --api-key k --include-value', 'secret_read', 'secret_read.api-key-value'],
  ['route53 change-resource-record-sets --hosted-zone-id Z --change-batch file://c.json', 'write', 'default-write'],
  ['codecommit credential-helper get', 'secret_read', 'secret_read.bearer-commands'],
  ['cloudfront sign --url https://d.cloudfront.net/x --key-pair-id K --private-key file://k.pem --date-less-than 2030-01-01', 'secret_read', 'secret_read.bearer-commands'],
  ['configure get aws_secret_access_key', 'forbidden', 'LOCAL_ONLY_COMMAND'],
  ['history list', 'forbidden', 'LOCAL_ONLY_COMMAND'],
  ['s3 ls --endp http://evil', 'forbidden', 'FORBIDDEN_OPTION'],
  ['--prof admin s3 ls', 'forbidden', 'FORBIDDEN_OPTION'],
  ['s3api list-buckets --deb', 'forbidden', 'FORBIDDEN_OPTION'],
  ['--no-verify-ssl s3 ls', 'forbidden', 'FORBIDDEN_OPTION'],
  ['--ca-bundle /etc/x s3 ls', 'forbidden', 'FORBIDDEN_OPTION'],
  ['emr ssh --cluster-id j-1 --key-pair-file k.pem', 'forbidden', 'FORBIDDEN_COMMAND'],
  ['deploy install --config-file c.yml', 'forbidden', 'FORBIDDEN_COMMAND'],
  ['codeartifact login --tool npm --domain d --repository r', 'forbidden', 'FORBIDDEN_COMMAND'],
  ['ecs execute-command --cluster c --task t --container x --interactive --command sh', 'forbidden', 'FORBIDDEN_COMMAND'],
  ['--version', 'read', 'local'],
  ['ec2 help', 'read', 'local'],
  ['emr terminate-clusters --cluster-ids j-1', 'destructive', 'destructive.terminate'],
];

const argvOf = (line: string): string[] => line.split(' ');

for (const [line, risk, decidedBy] of TABLE) {
  t.test(`aws ${line} → ${risk}`, async (t) => {
    const analysed = analyzeCommand(argvOf(line), { model, env: { AWS_DEFAULT_REGION: 'us-east-1' } });
    if (!analysed.ok) throw new Error(`does not parse: ${analysed.issue.code} ${analysed.issue.message}`);
    const cmd = analysed.value;
    t.equal(cmd.risk, risk);
    const first = cmd.riskReasons[0] ?? '';
    t.ok(first.startsWith(`${risk}: `), 'the first reason is for the winning class');
    if (decidedBy === 'default-write') t.match(first, /not a read-only verb/);
    else if (decidedBy === 'local') t.match(first, /nothing is called/);
    else t.ok(first.endsWith(`[${decidedBy}]`), `decided by ${decidedBy}: ${first}`);
  });
}

t.test('analyzeCommand returns a frozen AwsCommand and passes parse failures through', async (t) => {
  const ok = analyzeCommand(['s3api', 'delete-bucket', '--bucket', 'b'], { model });
  if (!ok.ok) throw new Error(ok.issue.message);
  t.ok(Object.isFrozen(ok.value) && Object.isFrozen(ok.value.riskReasons));
  t.match(ok.value, { service: 's3api', apiOperation: 'DeleteBucket', iamActions: ['s3:DeleteBucket'], risk: 'destructive' });
  const bad = analyzeCommand(['s3api', 'no-such-operation'], { model });
  t.match(bad, { ok: false, issue: { code: /^PARSE_/ } });
});

t.test('every service family in the table is covered', async (t) => {
  const services = new Set(TABLE.map(([line]) => line.split(' ').find((w) => !w.startsWith('-'))));
  for (const family of ['s3', 's3api', 'ec2', 'iam', 'kms', 'secretsmanager', 'ssm', 'sts', 'ecr', 'eks', 'rds', 'lambda', 'cloudtrail', 'logs', 'dynamodb', 'sqs', 'sns', 'organizations', 'sso-admin', 'cognito-idp', 'cloudformation', 'elbv2', 'stepfunctions'])
    t.ok(services.has(family), family);
});
