// The syntax of what names an IAM role to assume: one definition for the broker's config (`credentials.roleArn`)
// and the policy's role mappings, so that both accept exactly what STS AssumeRole accepts.

/** An IAM role ARN in any partition, with an optional path. */
export const ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
export const ROLE_ARN_MESSAGE = 'must be an IAM role ARN such as arn:aws:iam::123456789012:role/aws-guard-agent';

/** STS ExternalId: 2-1224 characters of `[\w+=,.@:/-]`. */
export const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
export const EXTERNAL_ID_MESSAGE = 'must be 2-1224 characters of letters, digits and _+=,.@:/-';

/** STS's bounds on DurationSeconds (a role's MaxSessionDuration may be lower than the maximum). */
export const STS_MIN_DURATION_SECONDS = 900;
export const STS_MAX_DURATION_SECONDS = 43_200;
