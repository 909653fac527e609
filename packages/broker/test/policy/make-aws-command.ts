// Builds an AwsCommand for policy tests, classified by the real risk table so that risk and actions agree.
import type { AwsCommand, ParsedCommand } from '@aws-guard/shared/command/aws-command';
import { classifyRisk } from '@aws-guard/shared/command/classify-risk';

export const makeAwsCommand = (fields: Partial<ParsedCommand>): AwsCommand => {
  const parsed: ParsedCommand = {
    argv: [],
    service: 's3api',
    operation: 'list-buckets',
    apiOperation: 'ListBuckets',
    apiOperations: ['ListBuckets'],
    custom: false,
    iamActions: ['s3:ListAllMyBuckets'],
    region: 'us-east-1',
    globals: {},
    params: {},
    localFiles: [],
    readsStdin: false,
    localOnly: false,
    forbidden: [],
    ...fields,
  };
  const { risk, reasons } = classifyRisk(parsed);
  return { ...parsed, risk, riskReasons: reasons };
};

/** `s3api delete-bucket --bucket <name>` */
export const deleteBucket = (bucket: string, extra: Partial<ParsedCommand> = {}): AwsCommand =>
  makeAwsCommand({ operation: 'delete-bucket', apiOperation: 'DeleteBucket', apiOperations: ['DeleteBucket'], iamActions: ['s3:DeleteBucket'], params: { bucket }, ...extra });

/** `s3 rb s3://<name> --force` */
export const removeBucketForce = (bucket: string): AwsCommand =>
  makeAwsCommand({
    service: 's3', operation: 'rb', custom: true, apiOperation: 'DeleteBucket',
    apiOperations: ['ListObjectsV2', 'DeleteObject', 'DeleteBucket'],
    iamActions: ['s3:DeleteBucket', 's3:DeleteObject', 's3:ListBucket'],
    params: { paths: [`s3://${bucket}`], force: true },
  });
