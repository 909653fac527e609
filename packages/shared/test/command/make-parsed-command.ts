// Builds a ParsedCommand for tests of the risk mechanics alone; tests of real command lines use the parser.
import type { ParsedCommand } from '@aws-guard/shared/command/aws-command';

export const makeParsedCommand = (fields: Partial<ParsedCommand>): ParsedCommand => ({
  argv: [],
  service: 's3api',
  operation: 'list-buckets',
  apiOperation: 'ListBuckets',
  apiOperations: ['ListBuckets'],
  custom: false,
  iamActions: ['s3:ListAllMyBuckets'],
  region: null,
  globals: {},
  params: {},
  localFiles: [],
  readsStdin: false,
  localOnly: false,
  forbidden: [],
  ...fields,
});
