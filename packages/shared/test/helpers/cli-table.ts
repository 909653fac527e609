// The expected-parse table of ../shared/AWS-CLI.md §9, as data: every row's command line (shell quoting already
// applied) with what the v1 CLI does with it. Used by the table test and, for its argv, by the oracle test.

export type Expect = Readonly<{
  service?: string;
  operation?: string;
  apiOperation?: string | null;
  apiOperations?: readonly string[];
  iamActions?: readonly string[];
  /** Local paths read / written, in order, as written on the command line. */
  reads?: readonly string[];
  writes?: readonly string[];
  deletes?: readonly string[];
  stdin?: boolean;
  localOnly?: boolean;
  region?: string | null;
  globals?: Readonly<Record<string, string | true>>;
  params?: Readonly<Record<string, string | true | readonly string[]>>;
  forbidden?: readonly string[];
  error?: Readonly<{ code: string; exitCode: number; message?: string | RegExp }>;
}>;

export type TableRow = Readonly<{ row: string; argv: readonly string[]; v1: Expect; v2?: Expect }>;

const FILTERS_JSON = '[{"Name":"tag:Env","Values":["prod"]}]';

export const CLI_TABLE: readonly TableRow[] = [
  { row: '1', argv: ['s3', 'ls'], v1: { service: 's3', operation: 'ls', apiOperations: ['ListBuckets'], iamActions: ['s3:ListAllMyBuckets'] } },
  { row: '2', argv: ['--region', 'eu-west-1', 's3', 'ls', 's3://b/'], v1: { apiOperations: ['ListObjectsV2'], region: 'eu-west-1', iamActions: ['s3:ListBucket'] } },
  { row: '3', argv: ['s3', 'ls', 's3://b/', '--region=us-east-1', '--output=text'], v1: { apiOperations: ['ListObjectsV2'], region: 'us-east-1', globals: { region: 'us-east-1', output: 'text' } } },
  { row: '4', argv: ['s3', 'ls', 's3://b/nothing-here'], v1: { apiOperations: ['ListObjectsV2'], params: { paths: 's3://b/nothing-here' } } },
  { row: '5', argv: ['s3', 'cp', './a.txt', 's3://b/k'], v1: { operation: 'cp', apiOperations: ['PutObject'], reads: ['./a.txt'], writes: [] } },
  { row: '6', argv: ['s3', 'cp', 's3://b/k', './out/a.txt'], v1: { apiOperations: ['HeadObject', 'GetObject'], iamActions: ['s3:GetObject'], reads: [], writes: ['./out/a.txt'] } },
  { row: '7', argv: ['s3', 'cp', 's3://b/k', '-'], v1: { apiOperations: ['HeadObject', 'GetObject'], writes: ['-'], stdin: false } },
  { row: '8', argv: ['s3', 'cp', '-', 's3://b/k'], v1: { apiOperations: ['PutObject'], reads: ['-'], stdin: true } },
  { row: '9', argv: ['s3', 'cp', '-', 's3://b/k', '--expected-size', '60000000000'], v1: { apiOperations: ['PutObject'], stdin: true, params: { paths: ['-', 's3://b/k'], 'expected-size': '60000000000' } } },
  {
    row: '10',
    argv: ['s3', 'cp', './dir', 's3://b/p/', '--recursive', '--exclude', '*.log', '--include', 'x.log'],
    v1: { apiOperations: ['PutObject'], reads: ['./dir'], params: { paths: ['./dir', 's3://b/p/'], recursive: true, exclude: ['*.log'], include: ['x.log'] } },
  },
  { row: '11', argv: ['s3', 'cp', 's3://b/p/', './dl', '--recursive'], v1: { apiOperations: ['ListObjectsV2', 'GetObject'], writes: ['./dl'] } },
  { row: '12', argv: ['s3', 'cp', 's3://b/k', 's3://b2/k2'], v1: { apiOperations: ['HeadObject', 'CopyObject'], iamActions: ['s3:GetObject', 's3:PutObject'], reads: [], writes: [] } },
  { row: '13', argv: ['s3', 'mv', './a.txt', 's3://b/a.txt'], v1: { operation: 'mv', apiOperations: ['PutObject'], reads: ['./a.txt'], deletes: ['./a.txt'] } },
  { row: '14', argv: ['s3', 'sync', './site', 's3://b/', '--delete'], v1: { apiOperations: ['ListObjectsV2', 'PutObject', 'DeleteObject'], reads: ['./site'], deletes: [] } },
  {
    row: '15',
    argv: ['s3', 'sync', 's3://b/', './mirror', '--delete', '--exact-timestamps'],
    v1: { apiOperations: ['ListObjectsV2', 'GetObject'], reads: ['./mirror'], writes: ['./mirror'], deletes: ['./mirror'] },
  },
  { row: '16', argv: ['s3', 'rm', 's3://b/p/', '--recursive', '--dryrun'], v1: { apiOperations: ['ListObjectsV2'] } },
  { row: '17', argv: ['s3', 'rb', 's3://b', '--force'], v1: { apiOperation: 'DeleteBucket', apiOperations: ['ListObjectsV2', 'DeleteObject', 'DeleteBucket'], iamActions: ['s3:DeleteBucket', 's3:DeleteObject', 's3:ListBucket'] } },
  { row: '18', argv: ['s3', 'mb', 's3://new-bucket', '--region', 'us-west-2'], v1: { apiOperations: ['CreateBucket'], region: 'us-west-2' } },
  { row: '19', argv: ['s3', 'presign', 's3://b/k', '--expires-in', '300'], v1: { apiOperation: null, apiOperations: [], iamActions: ['s3:GetObject'] } },
  {
    row: '20',
    argv: ['s3', 'cp', '--', '-weird.txt', 's3://b/k'],
    v1: { error: { code: 'PARSE_MISSING_ARGUMENT', exitCode: 2, message: 'the following arguments are required: paths' } },
  },
  { row: '21', argv: ['s3', 'cp', './-weird.txt', 's3://b/k'], v1: { apiOperations: ['PutObject'], reads: ['./-weird.txt'] } },
  {
    row: '22',
    argv: ['s3', 'sync', '-', 's3://b/'],
    v1: { error: { code: 'PARSE_INVALID_ARGUMENT', exitCode: 255, message: 'Streaming currently is only compatible with non-recursive cp commands' } },
    v2: { error: { code: 'PARSE_INVALID_ARGUMENT', exitCode: 252 } },
  },
  { row: '23', argv: ['s3api', 'get-object', '--bucket', 'b', '--key', 'k', 'out.bin'], v1: { service: 's3api', operation: 'get-object', apiOperations: ['GetObject'], writes: ['out.bin'] } },
  { row: '24', argv: ['s3api', 'get-object', 'out.bin', '--bucket', 'b', '--key', 'k'], v1: { apiOperations: ['GetObject'], writes: ['out.bin'], params: { bucket: 'b', key: 'k', outfile: 'out.bin' } } },
  { row: '25', argv: ['s3api', 'get-object', '--bucket', 'b', '--key', 'k', '-'], v1: { apiOperations: ['GetObject'], writes: ['-'], stdin: false } },
  {
    row: '26',
    argv: ['s3api', 'get-object', '--bucket', 'b', '--key', 'k'],
    v1: { error: { code: 'PARSE_MISSING_ARGUMENT', exitCode: 2, message: 'the following arguments are required: outfile' } },
    v2: { error: { code: 'PARSE_MISSING_ARGUMENT', exitCode: 252 } },
  },
  { row: '27', argv: ['s3api', 'put-object', '--bucket', 'b', '--key', 'k', '--body', './a.txt'], v1: { apiOperations: ['PutObject'], reads: ['./a.txt'], forbidden: [] } },
  // The file's bytes would be used as the path to upload (and fail unless they name a file).
  { row: '28', argv: ['s3api', 'put-object', '--bucket', 'b', '--key', 'k', '--body', 'fileb://a.txt'], v1: { reads: ['a.txt'], forbidden: ['FORBIDDEN_INDIRECT_PATH'] } },
  { row: '29', argv: ['s3api', 'put-object', '--bucket=b', '--key=-dash', '--body=a.txt'], v1: { apiOperations: ['PutObject'], reads: ['a.txt'], params: { bucket: 'b', key: '-dash', body: 'a.txt' } } },
  { row: '30', argv: ['s3api', 'put-bucket-policy', '--bucket', 'b', '--policy', 'file://policy.json'], v1: { apiOperations: ['PutBucketPolicy'], reads: ['policy.json'] } },
  { row: '31', argv: ['s3api', 'put-bucket-policy', '--bucket', 'b', '--policy', 'file://~/p.json'], v1: { apiOperations: ['PutBucketPolicy'], reads: ['~/p.json'] } },
  { row: '32', argv: ['s3api', 'put-bucket-policy', '--bucket', 'b', '--policy', 'file://$PWD/p.json'], v1: { reads: ['$PWD/p.json'] } },
  {
    row: '33',
    argv: ['s3api', 'list-objects-v2', '--bucket', 'b', '--max-items', '10', '--query', 'Contents[].Key', '--output', 'text'],
    v1: { apiOperations: ['ListObjectsV2'], iamActions: ['s3:ListBucket'], globals: { query: 'Contents[].Key', output: 'text' }, params: { bucket: 'b', 'max-items': '10' } },
  },
  { row: '34', argv: ['s3api', 'list-objects-v2', '--bucket', 'b', '--starting-token', 'TOKEN', '--max-items', '10'], v1: { apiOperations: ['ListObjectsV2'] } },
  { row: '35', argv: ['s3api', 'list-objects-v2', '--buck', 'b'], v1: { apiOperations: ['ListObjectsV2'], params: { bucket: 'b' } } },
  { row: '36', argv: ['--endp', 'http://evil', 's3api', 'list-buckets'], v1: { apiOperations: ['ListBuckets'], forbidden: ['FORBIDDEN_OPTION'], globals: { 'endpoint-url': 'http://evil' } } },
  { row: '37', argv: ['s3api', 'list-buckets', '--deb'], v1: { apiOperations: ['ListBuckets'], forbidden: ['FORBIDDEN_OPTION'], globals: { debug: true } } },
  {
    row: '38',
    argv: ['s3api', 'list-buckets', '--no'],
    v1: { error: { code: 'PARSE_AMBIGUOUS_OPTION', exitCode: 2, message: 'ambiguous option: --no could match --no-verify-ssl, --no-paginate, --no-sign-request' } },
    v2: { error: { code: 'PARSE_AMBIGUOUS_OPTION', exitCode: 252 } },
  },
  {
    row: '39',
    argv: ['--', 's3api', 'list-buckets', '--query', 'X'],
    v1: { error: { code: 'PARSE_UNKNOWN_OPTION', exitCode: 255, message: 'Unknown options: --query, X' } },
    v2: { error: { code: 'PARSE_UNKNOWN_OPTION', exitCode: 252 } },
  },
  {
    row: '40',
    argv: ['ec2', 'describe-instances', '--filters', 'Name=instance-state-name,Values=running', '--query', 'Reservations[].Instances[].InstanceId'],
    v1: { apiOperations: ['DescribeInstances'], params: { filters: ['Name=instance-state-name,Values=running'] }, reads: [] },
  },
  { row: '41', argv: ['ec2', 'describe-instances', '--filters', FILTERS_JSON], v1: { apiOperations: ['DescribeInstances'], params: { filters: [FILTERS_JSON] } } },
  { row: '42', argv: ['ec2', 'describe-instances', '--filters', 'file://filters.json'], v1: { reads: ['filters.json'] } },
  { row: '43', argv: ['ec2', 'describe-instances', '--filters', 'file://a.json', 'file://b.json'], v1: { apiOperations: ['DescribeInstances'], reads: [] } },
  {
    row: '44',
    argv: ['ec2', 'run-instances', '--image-id', 'ami-1', '--user-data', 'file://init.sh', '--count', '2'],
    v1: { apiOperations: ['RunInstances'], reads: ['init.sh'], params: { 'image-id': 'ami-1', 'user-data': 'file://init.sh', count: '2' } },
  },
  { row: '45', argv: ['ec2', 'wait', 'instance-running', '--instance-ids', 'i-1'], v1: { operation: 'wait instance-running', apiOperations: ['DescribeInstances'], iamActions: ['ec2:DescribeInstances'] } },
  { row: '46', argv: ['ec2', 'get-password-data', '--instance-id', 'i-1', '--priv-launch-key', '~/.ssh/k.pem'], v1: { apiOperations: ['GetPasswordData'], reads: ['~/.ssh/k.pem'] } },
  {
    row: '47',
    argv: ['lambda', 'create-function', '--function-name', 'f', '--runtime', 'python3.12', '--role', 'arn:aws:iam::123456789012:role/r', '--handler', 'h.h', '--zip-file', 'fileb://f.zip'],
    v1: { apiOperations: ['CreateFunction'], reads: ['f.zip'] },
  },
  { row: '48', argv: ['lambda', 'update-function-code', '--function-name', 'f', '--zip-file', 'fileb://./build/f.zip', '--publish'], v1: { apiOperations: ['UpdateFunctionCode'], reads: ['./build/f.zip'] } },
  {
    row: '49',
    argv: ['lambda', 'invoke', '--function-name', 'f', '--payload', '{"a":1}', '--cli-binary-format', 'raw-in-base64-out', 'out.json'],
    v1: { error: { code: 'PARSE_UNKNOWN_OPTION', exitCode: 255, message: 'Unknown options: --cli-binary-format, out.json' } },
    v2: { apiOperations: ['Invoke'], iamActions: ['lambda:InvokeFunction'], writes: ['out.json'], globals: { 'cli-binary-format': 'raw-in-base64-out' } },
  },
  { row: '50', argv: ['lambda', 'invoke', '--function-name', 'f', '--payload', 'fileb://ev.json', '/dev/stdout'], v1: { apiOperations: ['Invoke'], reads: ['ev.json'], writes: ['/dev/stdout'] } },
  {
    row: '51',
    argv: ['sqs', 'set-queue-attributes', '--queue-url', 'https://sqs.us-east-1.amazonaws.com/1/q', '--attributes', 'VisibilityTimeout@=file://vt.txt'],
    v1: { apiOperations: ['SetQueueAttributes'], reads: ['vt.txt'], forbidden: [] },
  },
  { row: '52', argv: ['sqs', 'create-queue', '--cli-input-json', 'file://in.json'], v1: { apiOperations: ['CreateQueue'], reads: ['in.json'] } },
  {
    row: '53',
    argv: ['sqs', 'create-queue', '--cli-input-yaml', 'file://in.yaml'],
    // v1 has no --cli-input-yaml, so nothing lifts --queue-name's requirement: argparse stops there first.
    v1: { error: { code: 'PARSE_MISSING_ARGUMENT', exitCode: 2, message: 'the following arguments are required: --queue-name' } },
    v2: { apiOperations: ['CreateQueue'], reads: ['in.yaml'] },
  },
  { row: '54', argv: ['sqs', 'create-queue', '--generate-cli-skeleton'], v1: { operation: 'create-queue', apiOperation: null, apiOperations: [], localOnly: true } },
  { row: '55', argv: ['sqs', 'create-queue', '--queue-name', 'https://example.com/x'], v1: { apiOperations: ['CreateQueue'], forbidden: ['FORBIDDEN_URL_PARAM'] }, v2: { apiOperations: ['CreateQueue'], forbidden: [] } },
  {
    row: '56',
    argv: ['cloudformation', 'deploy', '--template-file', 'tpl.yaml', '--stack-name', 's', '--parameter-overrides', 'file://params.json', '--capabilities', 'CAPABILITY_IAM'],
    v1: { operation: 'deploy', apiOperations: ['DescribeStacks', 'CreateChangeSet', 'DescribeChangeSet', 'ExecuteChangeSet', 'DescribeStacks'], reads: ['tpl.yaml', 'params.json'] },
  },
  {
    row: '57',
    argv: ['cloudformation', 'package', '--template-file', 't.yaml', '--s3-bucket', 'b', '--output-template-file', 'packaged.yaml'],
    v1: { apiOperations: ['HeadObject', 'PutObject'], reads: ['t.yaml'], writes: ['packaged.yaml'] },
  },
  {
    row: '58',
    argv: ['cloudformation', 'create-stack', '--stack-name', 's', '--template-body', 'file://t.yaml', '--template-url', 'https://example.com/t.yaml'],
    v1: { apiOperations: ['CreateStack'], reads: ['t.yaml'], forbidden: [] },
  },
  { row: '59', argv: ['eks', 'update-kubeconfig', '--name', 'c1', '--region', 'us-east-1'], v1: { apiOperations: ['DescribeCluster'], forbidden: ['FORBIDDEN_COMMAND'] } },
  {
    row: '60',
    argv: ['eks', 'update-kubeconfig', '--name', 'c1', '--kubeconfig', './kc.yaml', '--dry-run'],
    v1: { apiOperations: ['DescribeCluster'], reads: ['./kc.yaml'], writes: ['./kc.yaml'], forbidden: ['FORBIDDEN_COMMAND'] },
  },
  { row: '61', argv: ['ecr', 'get-login-password', '--region', 'us-east-1'], v1: { operation: 'get-login-password', apiOperations: ['GetAuthorizationToken'], iamActions: ['ecr:GetAuthorizationToken'] } },
  {
    row: '62',
    argv: ['logs', 'tail', '/aws/lambda/f', '--follow', '--since', '10m', '--format', 'short'],
    v1: { error: { code: 'PARSE_UNKNOWN_OPERATION', exitCode: 2 } },
  },
  {
    row: '63',
    argv: ['iam', 'create-virtual-mfa-device', '--virtual-mfa-device-name', 'm', '--outfile', 'qr.png', '--bootstrap-method', 'QRCodePNG'],
    v1: { apiOperations: ['CreateVirtualMFADevice'], writes: ['qr.png'] },
  },
  {
    row: '64',
    argv: ['iot', 'create-keys-and-certificate', '--set-as-active', '--certificate-pem-outfile', 'c.pem', '--private-key-outfile', 'k.pem'],
    v1: { apiOperations: ['CreateKeysAndCertificate'], writes: ['c.pem', 'k.pem'] },
  },
  { row: '65', argv: ['kms', 'decrypt', '--ciphertext-blob', 'fileb://ct.bin', '--query', 'Plaintext', '--output', 'text'], v1: { apiOperations: ['Decrypt'], reads: ['ct.bin'] } },
  {
    row: '66',
    argv: ['dynamodb', 'put-item', '--table-name', 't', '--item', 'file://item.json', '--return-consumed-capacity', 'TOTAL'],
    v1: { apiOperations: ['PutItem'], reads: ['item.json'] },
  },
  { row: '67', argv: ['ddb', 'put', 't', '-'], v1: { error: { code: 'PARSE_UNKNOWN_SERVICE', exitCode: 2 } } },
  { row: '68', argv: ['rds', 'describe-db-instances', '--db-instance-identifier', 'x'], v1: { apiOperation: 'DescribeDBInstances', iamActions: ['rds:DescribeDBInstances'] } },
  {
    row: '69',
    argv: ['ssm', 'put-parameter', '--name', '/p', '--value', '--debug', '--type', 'String'],
    v1: { error: { code: 'PARSE_MISSING_VALUE', exitCode: 2, message: 'argument --value: expected one argument' } },
  },
  { row: '69b', argv: ['ssm', 'put-parameter', '--name', '/p', '--value=--debug', '--type', 'String'], v1: { apiOperations: ['PutParameter'], forbidden: [], params: { name: '/p', value: '--debug', type: 'String' } } },
  { row: '70a', argv: ['--version'], v1: { service: '', operation: '--version', localOnly: true, apiOperations: [] } },
  { row: '70b', argv: ['help'], v1: { service: '', operation: 'help', localOnly: true } },
  { row: '70c', argv: ['s3', 'cp', 'help'], v1: { service: 's3', operation: 'cp help', localOnly: true } },
  { row: '71a', argv: ['configure', 'get', 'region'], v1: { service: 'configure', operation: 'get', forbidden: ['LOCAL_ONLY_COMMAND'], localOnly: true } },
  { row: '71b', argv: ['configure', 'export-credentials'], v1: { error: { code: 'PARSE_UNKNOWN_OPERATION', exitCode: 2 } } },
  {
    row: '72',
    argv: ['s3api', 'list-buckets', '--cli-auto-prompt'],
    v1: { error: { code: 'PARSE_UNKNOWN_OPTION', exitCode: 255, message: 'Unknown options: --cli-auto-prompt' } },
    v2: { apiOperations: ['ListBuckets'], globals: { 'cli-auto-prompt': true } },
  },
  {
    row: '73',
    argv: ['sts', 'get-caller-identity', '--no-cli-pager', '--output', 'json'],
    v1: { error: { code: 'PARSE_UNKNOWN_OPTION', exitCode: 255, message: 'Unknown options: --no-cli-pager' } },
    v2: { apiOperations: ['GetCallerIdentity'], globals: { 'no-cli-pager': true, output: 'json' } },
  },
];
