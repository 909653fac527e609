// Output members that are secret although botocore's model does not mark them `sensitive`: masked exactly like
// model-sensitive members (a policy `reveal` can show them, docs/masking.md). Checked against the generated model
// by test/masking/unmarked-secrets.test.ts: each entry must name a real operation whose model misses it.

const STS_CREDENTIALS = ['Credentials.SessionToken'];

/** Output paths by `<service> <operation>` as typed on the command line. */
export const UNMARKED_SECRETS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  // STS marks SecretAccessKey only; a session token is as much a bearer credential.
  'sts assume-role': STS_CREDENTIALS,
  'sts assume-role-with-saml': STS_CREDENTIALS,
  'sts assume-role-with-web-identity': STS_CREDENTIALS,
  'sts assume-root': STS_CREDENTIALS,
  'sts get-session-token': STS_CREDENTIALS,
  'sts get-federation-token': STS_CREDENTIALS,
  'sts get-delegated-access-token': STS_CREDENTIALS,
  'cognito-identity get-credentials-for-identity': STS_CREDENTIALS,
  // base64 of `AWS:<password>`: `docker login` material.
  'ecr get-authorization-token': ['authorizationData[].authorizationToken'],
  'ecr-public get-authorization-token': ['authorizationData.authorizationToken'],
  // Temporary RDP password and SSH private key; Lightsail's own key pairs.
  'lightsail get-instance-access-details': ['accessDetails.password', 'accessDetails.privateKey'],
  'lightsail create-key-pair': ['privateKeyBase64'],
  'lightsail download-default-key-pair': ['privateKeyBase64'],
  // The API key itself (`x-api-key`); returned by get-api-key(s) only with --include-value.
  'apigateway create-api-key': ['value'],
  'apigateway get-api-key': ['value'],
  'apigateway get-api-keys': ['items[].value'],
});

const NONE: readonly string[] = Object.freeze([]);

export const unmarkedSecrets = (commandPath: readonly string[]): readonly string[] => {
  const key = commandPath.join(' ');
  return Object.hasOwn(UNMARKED_SECRETS, key) ? UNMARKED_SECRETS[key]! : NONE;
};
