// The model store: lazy per-command loading, lookups by CLI names, sensitive-output paths.
import t from 'tap';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModelStore, ModelLoadError, sourceModelDir } from '@aws-guard/shared/aws-model/model-store';

const dir = sourceModelDir();

t.test('creating a store reads nothing; a lookup reads only the index and that command', async (t) => {
  const partial = mkdtempSync(join(tmpdir(), 'aws-model-'));
  t.teardown(() => rmSync(partial, { recursive: true, force: true }));
  const lazy = createModelStore(join(partial, 'not-there'));
  t.ok(lazy, 'no file is touched at creation');
  copyFileSync(join(dir, 'index.json'), join(partial, 'index.json'));
  copyFileSync(join(dir, 'sts.json'), join(partial, 'sts.json'));
  const store = createModelStore(partial);
  t.equal(store.operation('sts', 'get-caller-identity')?.api, 'GetCallerIdentity');
  t.ok(store.hasCommand('ec2'), 'the index knows every command');
  t.throws(() => store.node(['ec2']), ModelLoadError, 'a command whose file is absent fails loudly, not silently');
  t.throws(() => lazy.commandNames(), ModelLoadError);
});

t.test('lookups by the CLI names, including renames, waiters and custom commands', async (t) => {
  const store = createModelStore(dir);
  t.same(store.command('s3api'), { name: 's3api', botocoreService: 's3', iamPrefix: 's3', preview: false });
  t.same(store.command('elbv2')?.iamPrefix, 'elasticloadbalancing');
  t.same(store.command('stepfunctions')?.iamPrefix, 'states');
  t.same(store.command('cloudwatch')?.iamPrefix, 'cloudwatch', 'signs as monitoring, authorizes as cloudwatch');
  t.same(store.command('s3'), { name: 's3', botocoreService: null, iamPrefix: null, preview: false });
  t.equal(store.command('nope'), undefined);
  t.equal(store.command('__proto__'), undefined, 'no prototype keys');
  t.equal(store.operation('rds', 'describe-db-instances')?.api, 'DescribeDBInstances');
  t.equal(store.node(['ec2', 'wait', 'instance-running'])?.kind, 'operation');
  t.equal(store.node(['s3', 'cp'])?.kind, 'custom');
  t.equal(store.node(['s3api', 'constructor']), undefined);
  const getObject = store.operation('s3api', 'get-object');
  t.same(getObject?.http, { method: 'GET', uri: '/{Bucket}/{Key+}' });
  t.match(getObject?.args.find((a) => a.name === 'outfile'), { positional: true, outfile: true, required: true });
  t.match(store.operation('s3api', 'put-object')?.args.find((a) => a.name === 'body'), { streamingBlob: true, paramfile: true });
  t.match(store.operation('sns', 'subscribe')?.args.find((a) => a.name === 'notification-endpoint'), { paramfile: false, member: 'Endpoint' });
  t.ok(store.operation('s3api', 'list-objects-v2')?.paginated);
  t.equal(store.node(['ec2', 'wait', 'instance-running'])?.kind === 'operation' && (store.node(['ec2', 'wait', 'instance-running']) as { waiter: string }).waiter, 'InstanceRunning');
  t.ok(store.globalArgs().some((a) => a.name === 'endpoint-url'));
  t.ok(store.helpTopics().includes('topics'));
});

t.test('sensitive output members come out as JSON paths', async (t) => {
  const store = createModelStore(dir);
  const paths = (svc: string, op: string) => {
    const node = store.operation(svc, op);
    return node === undefined ? [] : store.sensitivePaths(node);
  };
  t.same(paths('sts', 'assume-role'), ['Credentials.SecretAccessKey']);
  t.same(paths('secretsmanager', 'get-secret-value'), ['SecretBinary', 'SecretString']);
  t.same(paths('secretsmanager', 'batch-get-secret-value'), ['SecretValues[].SecretBinary', 'SecretValues[].SecretString']);
  t.same(paths('kms', 'decrypt'), ['Plaintext']);
  t.same(paths('iam', 'create-access-key'), ['AccessKey.SecretAccessKey']);
  t.same(paths('s3api', 'list-buckets'), []);
  // Deeply nested repeated shapes are bounded rather than enumerated without end.
  const big = paths('quicksight', 'describe-dashboard-definition');
  t.ok(big.length > 1000 && big.length <= 10_000, `${big.length} paths, capped`);
});

t.test('load cost: one command file at a time', async (t) => {
  const store = createModelStore(dir);
  const timings: string[] = [];
  for (const name of ['index', 'ec2', 's3api', 'sts', 'iam', 'quicksight']) {
    const start = process.hrtime.bigint();
    if (name === 'index') store.commandNames();
    else store.node([name]);
    timings.push(`${name} ${(Number(process.hrtime.bigint() - start) / 1e6).toFixed(2)} ms`);
  }
  t.comment(`first-use load times: ${timings.join(', ')}`);
  t.equal(store.commandNames().length, 428, 'every command of the v1 CLI');
});
