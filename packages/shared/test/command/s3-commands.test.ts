// The s3 high-level commands: calls by direction and flags, local sides, the checks the CLI makes first.
import t from 'tap';
import { checkS3Paths, expandS3Command, s3LocalFiles } from '@aws-guard/shared/command/s3-commands';

t.test('cp/mv/sync calls follow the direction of the copy', async (t) => {
  const calls = (name: string, p: Record<string, string | true | readonly string[]>) => expandS3Command(name, p).calls.map((c) => c.api);
  t.same(calls('cp', { paths: ['./a', 's3://b/k'] }), ['PutObject']);
  t.same(calls('cp', { paths: ['s3://b/k', './a'] }), ['HeadObject', 'GetObject']);
  t.same(calls('cp', { paths: ['s3://b/p/', './d'], recursive: true }), ['ListObjectsV2', 'GetObject']);
  t.same(calls('cp', { paths: ['s3://a/k', 's3://b/k'] }), ['HeadObject', 'CopyObject']);
  t.same(calls('mv', { paths: ['s3://b/k', './a'] }), ['HeadObject', 'GetObject', 'DeleteObject']);
  t.same(calls('mv', { paths: ['./a', 's3://b/k'] }), ['PutObject'], 'the delete is of the local file');
  t.same(calls('sync', { paths: ['s3://a/', 's3://b/'], delete: true }), ['ListObjectsV2', 'CopyObject', 'DeleteObject']);
  t.same(calls('sync', { paths: ['s3://a/', './d'], delete: true }), ['ListObjectsV2', 'GetObject']);
  t.same(calls('cp', { paths: ['./a', 's3://b/k'], dryrun: true }), []);
  t.same(calls('rm', { paths: ['s3://b/k'] }), ['DeleteObject']);
  t.same(calls('mb', { path: 's3://b', tags: ['k', 'v'] }), ['CreateBucket', 'PutBucketTagging']);
  t.same(calls('ls', { paths: 's3://' }), ['ListBuckets']);
  t.same(calls('ls', { paths: 'bucket' }), ['ListObjectsV2']);
});

t.test('local sides, with direction, trees and deletions', async (t) => {
  t.same(s3LocalFiles('mv', { paths: ['./a', 's3://b/k'] }), [{ arg: 'paths', path: './a', direction: 'in', form: 's3-local', tree: false, deletes: true }]);
  t.same(s3LocalFiles('cp', { paths: ['s3://b/k', '-'] }), [{ arg: 'paths', path: '-', direction: 'out', form: 'stdio', tree: false, deletes: false }]);
  t.same(
    s3LocalFiles('sync', { paths: ['s3://b/', './m'], delete: true }).map((r) => [r.direction, r.tree, r.deletes]),
    [['in', true, false], ['out', true, true]],
  );
  t.same(s3LocalFiles('cp', { paths: ['s3://a/k', 's3://b/k'] }), []);
});

t.test('the path checks the CLI makes before any call', async (t) => {
  t.equal(checkS3Paths('cp', { paths: ['a', 'b'] }), 'usage: aws s3 cp <LocalPath> <S3Uri> or <S3Uri> <LocalPath> or <S3Uri> <S3Uri>\nError: Invalid argument type');
  t.equal(checkS3Paths('rm', { paths: ['local'] }), 'usage: aws s3 rm <S3Uri>\nError: Invalid argument type');
  t.equal(checkS3Paths('mb', { path: 'b' }), '<S3Uri>\nError: Invalid argument type');
  t.equal(checkS3Paths('sync', { paths: ['-', 's3://b/'] }), 'Streaming currently is only compatible with non-recursive cp commands');
  t.equal(checkS3Paths('cp', { paths: ['-', 's3://b/k'], recursive: true }), 'Streaming currently is only compatible with non-recursive cp commands');
  t.equal(checkS3Paths('cp', { paths: ['-', '-'] }), 'usage: aws s3 cp <LocalPath> <S3Uri> or <S3Uri> <LocalPath> or <S3Uri> <S3Uri>\nError: Invalid argument type', 'type first');
  t.equal(checkS3Paths('cp', { paths: ['-', 's3://b/k'] }), null);
  t.equal(checkS3Paths('ls', { paths: 'anything' }), null);
});
