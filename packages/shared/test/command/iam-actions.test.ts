// API operation → IAM actions, with the documented exceptions, through real command lines.
import t from 'tap';
import { createModelStore, sourceModelDir } from '@aws-guard/shared/aws-model/model-store';
import { iamActionsFor } from '@aws-guard/shared/command/iam-actions';
import { parseCommand } from '@aws-guard/shared/command/parse-command';

const model = createModelStore(sourceModelDir());
const actions = (...argv: string[]) => {
  const r = parseCommand(argv, { model });
  return r.ok ? r.value.iamActions : [`refused: ${r.issue.code}`];
};

t.test('the IAM prefix is not the CLI name', async (t) => {
  t.same(actions('s3api', 'delete-bucket', '--bucket', 'b'), ['s3:DeleteBucket']);
  t.same(actions('elbv2', 'describe-load-balancers'), ['elasticloadbalancing:DescribeLoadBalancers']);
  t.same(actions('stepfunctions', 'list-state-machines'), ['states:ListStateMachines']);
  t.same(actions('logs', 'describe-log-groups'), ['logs:DescribeLogGroups']);
  t.same(actions('cloudwatch', 'list-metrics'), ['cloudwatch:ListMetrics']);
  t.same(actions('sesv2', 'send-email', '--content', '{}'), ['ses:SendEmail']);
  t.same(actions('iot-data', 'publish', '--topic', 't'), ['iot:Publish']);
});

t.test('operations whose permission has another name', async (t) => {
  t.same(actions('s3api', 'list-objects-v2', '--bucket', 'b'), ['s3:ListBucket']);
  t.same(actions('s3api', 'head-object', '--bucket', 'b', '--key', 'k'), ['s3:GetObject']);
  t.same(actions('s3api', 'head-bucket', '--bucket', 'b'), ['s3:ListBucket']);
  t.same(actions('s3api', 'copy-object', '--bucket', 'b', '--key', 'k', '--copy-source', 'a/b'), ['s3:GetObject', 's3:PutObject']);
  t.same(actions('s3api', 'upload-part', '--bucket', 'b', '--key', 'k', '--part-number', '1', '--upload-id', 'u'), ['s3:PutObject']);
  t.same(actions('s3api', 'list-buckets'), ['s3:ListAllMyBuckets']);
  t.same(actions('s3api', 'delete-objects', '--bucket', 'b', '--delete', 'Objects=[{Key=k}]'), ['s3:DeleteObject']);
  t.same(actions('lambda', 'invoke', '--function-name', 'f', 'out.json'), ['lambda:InvokeFunction']);
  t.same(actions('apigateway', 'get-rest-apis'), ['apigateway:GET'], 'API Gateway authorizes by HTTP method');
  t.same(actions('apigateway', 'delete-rest-api', '--rest-api-id', 'a'), ['apigateway:DELETE']);
});

t.test('custom commands need the actions of every call they make', async (t) => {
  t.same(actions('s3', 'rb', 's3://b', '--force'), ['s3:DeleteBucket', 's3:DeleteObject', 's3:ListBucket']);
  t.same(actions('s3', 'mv', 's3://a/k', 's3://b/k'), ['s3:DeleteObject', 's3:GetObject', 's3:PutObject']);
  t.same(actions('cloudformation', 'package', '--template-file', 't.yaml', '--s3-bucket', 'b'), ['s3:GetObject', 's3:PutObject']);
  t.same(actions('eks', 'get-token', '--cluster-name', 'c'), ['sts:GetCallerIdentity']);
  t.same(actions('rds', 'generate-db-auth-token', '--hostname', 'h', '--port', '5432', '--username', 'u'), ['rds-db:connect']);
  t.same(actions('ecr', 'get-login-password'), ['ecr:GetAuthorizationToken']);
  t.same(actions('s3', 'presign', 's3://b/k'), ['s3:GetObject']);
});

t.test('without an exception, the action is the API name under the prefix', async (t) => {
  t.same(iamActionsFor({ service: 'kms', iamPrefix: 'kms', api: 'Decrypt', httpMethod: 'POST' }), ['kms:Decrypt']);
});
