// API operation → IAM actions: `<iam prefix>:<ApiOperation>` except where AWS's Service Authorization Reference
// names the permission differently. The exceptions are data, keyed by botocore service and API operation.

const S3_EXCEPTIONS: Readonly<Record<string, readonly string[]>> = {
  ListObjects: ['ListBucket'],
  ListObjectsV2: ['ListBucket'],
  ListObjectVersions: ['ListBucketVersions'],
  ListBuckets: ['ListAllMyBuckets'],
  ListDirectoryBuckets: ['s3express:ListAllMyDirectoryBuckets'],
  HeadBucket: ['ListBucket'],
  HeadObject: ['GetObject'],
  GetObjectAttributes: ['GetObject', 'GetObjectAttributes'],
  SelectObjectContent: ['GetObject'],
  CopyObject: ['GetObject', 'PutObject'],
  UploadPartCopy: ['GetObject', 'PutObject'],
  CreateMultipartUpload: ['PutObject'],
  UploadPart: ['PutObject'],
  CompleteMultipartUpload: ['PutObject'],
  ListMultipartUploads: ['ListBucketMultipartUploads'],
  ListParts: ['ListMultipartUploadParts'],
  DeleteObjects: ['DeleteObject'],
  CreateSession: ['s3express:CreateSession'],
  WriteGetObjectResponse: ['s3-object-lambda:WriteGetObjectResponse'],
  GetBucketCors: ['GetBucketCORS'],
  PutBucketCors: ['PutBucketCORS'],
  DeleteBucketCors: ['PutBucketCORS'],
  GetBucketEncryption: ['GetEncryptionConfiguration'],
  PutBucketEncryption: ['PutEncryptionConfiguration'],
  DeleteBucketEncryption: ['PutEncryptionConfiguration'],
  GetBucketLifecycle: ['GetLifecycleConfiguration'],
  GetBucketLifecycleConfiguration: ['GetLifecycleConfiguration'],
  PutBucketLifecycle: ['PutLifecycleConfiguration'],
  PutBucketLifecycleConfiguration: ['PutLifecycleConfiguration'],
  DeleteBucketLifecycle: ['PutLifecycleConfiguration'],
  GetBucketReplication: ['GetReplicationConfiguration'],
  PutBucketReplication: ['PutReplicationConfiguration'],
  DeleteBucketReplication: ['PutReplicationConfiguration'],
  GetBucketNotification: ['GetBucketNotification'],
  GetBucketNotificationConfiguration: ['GetBucketNotification'],
  PutBucketNotificationConfiguration: ['PutBucketNotification'],
  DeleteBucketTagging: ['PutBucketTagging'],
  GetBucketAccelerateConfiguration: ['GetAccelerateConfiguration'],
  PutBucketAccelerateConfiguration: ['PutAccelerateConfiguration'],
  GetObjectLockConfiguration: ['GetBucketObjectLockConfiguration'],
  PutObjectLockConfiguration: ['PutBucketObjectLockConfiguration'],
  GetPublicAccessBlock: ['GetBucketPublicAccessBlock'],
  PutPublicAccessBlock: ['PutBucketPublicAccessBlock'],
  DeletePublicAccessBlock: ['PutBucketPublicAccessBlock'],
  DeleteBucketOwnershipControls: ['PutBucketOwnershipControls'],
  GetBucketAnalyticsConfiguration: ['GetAnalyticsConfiguration'],
  ListBucketAnalyticsConfigurations: ['GetAnalyticsConfiguration'],
  PutBucketAnalyticsConfiguration: ['PutAnalyticsConfiguration'],
  DeleteBucketAnalyticsConfiguration: ['PutAnalyticsConfiguration'],
  GetBucketIntelligentTieringConfiguration: ['GetIntelligentTieringConfiguration'],
  ListBucketIntelligentTieringConfigurations: ['GetIntelligentTieringConfiguration'],
  PutBucketIntelligentTieringConfiguration: ['PutIntelligentTieringConfiguration'],
  DeleteBucketIntelligentTieringConfiguration: ['PutIntelligentTieringConfiguration'],
  GetBucketInventoryConfiguration: ['GetInventoryConfiguration'],
  ListBucketInventoryConfigurations: ['GetInventoryConfiguration'],
  PutBucketInventoryConfiguration: ['PutInventoryConfiguration'],
  DeleteBucketInventoryConfiguration: ['PutInventoryConfiguration'],
  GetBucketMetricsConfiguration: ['GetMetricsConfiguration'],
  ListBucketMetricsConfigurations: ['GetMetricsConfiguration'],
  PutBucketMetricsConfiguration: ['PutMetricsConfiguration'],
  DeleteBucketMetricsConfiguration: ['PutMetricsConfiguration'],
};

/** `service:ApiOperation` → actions (bare names take the service's own prefix). */
const EXCEPTIONS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  ...Object.fromEntries(Object.entries(S3_EXCEPTIONS).map(([api, actions]) => [`s3:${api}`, actions])),
  's3control:GetPublicAccessBlock': ['GetAccountPublicAccessBlock'],
  's3control:PutPublicAccessBlock': ['PutAccountPublicAccessBlock'],
  's3control:DeletePublicAccessBlock': ['PutAccountPublicAccessBlock'],
  'lambda:Invoke': ['InvokeFunction'],
  'lambda:InvokeWithResponseStream': ['InvokeFunction'],
  'bedrock-runtime:Converse': ['InvokeModel'],
  'bedrock-runtime:ConverseStream': ['InvokeModelWithResponseStream'],
  'cloudsearchdomain:Search': ['search'],
  'cloudsearchdomain:Suggest': ['suggest'],
  'cloudsearchdomain:UploadDocuments': ['document'],
  'apigatewaymanagementapi:PostToConnection': ['ManageConnections'],
  'apigatewaymanagementapi:GetConnection': ['ManageConnections'],
  'apigatewaymanagementapi:DeleteConnection': ['ManageConnections'],
});

// API Gateway's management APIs authorize by HTTP method on a resource path: apigateway:GET, apigateway:POST, …
const BY_HTTP_METHOD = new Set(['apigateway', 'apigatewayv2']);

export type IamTarget = Readonly<{ service: string; iamPrefix: string; api: string; httpMethod: string | null }>;

export const iamActionsFor = ({ service, iamPrefix, api, httpMethod }: IamTarget): readonly string[] => {
  if (BY_HTTP_METHOD.has(service) && httpMethod !== null) return [`${iamPrefix}:${httpMethod}`];
  const key = `${service}:${api}`;
  const names = Object.hasOwn(EXCEPTIONS, key) ? (EXCEPTIONS[key] as readonly string[]) : [api];
  return names.map((name) => (name.includes(':') ? name : `${iamPrefix}:${name}`));
};

/** Deduplicated and sorted, as ParsedCommand.iamActions promises. */
export const normalizeActions = (actions: Iterable<string>): readonly string[] => Object.freeze([...new Set(actions)].sort());
