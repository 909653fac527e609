// The pattern detectors for secrets in CLI output (docs/masking.md): one frozen table, each entry a regular
// expression over one line of latin1 text whose group 1 is context kept and whose remainder is masked.

export type SecretKind =
  | 'AccessKeyId'
  | 'SecretAccessKey'
  | 'SessionToken'
  | 'PrivateKey'
  | 'JWT'
  | 'PresignedSignature'
  | 'PresignedCredential'
  | 'EksToken'
  | 'EcrToken';

export type Detector = Readonly<{
  kind: SecretKind;
  /** Global; group 1 (possibly empty) is context that stays, the rest of the match is the secret. */
  pattern: RegExp;
  /** Applies only on a line that also holds an access key id (the columns of `--output text`). */
  needsAccessKeyOnLine: boolean;
}>;

/** What separates a key name from its value in JSON, YAML, text, table (also coloured), XML, env and ini forms. */
const SEP = String.raw`(?:[\s"'\x60:=|>,\\]|\x1b\[[0-9;]*m){1,64}`;
const SECRET_NAME = String.raw`(?:aws)?[_-]?secret[_-]?access[_-]?key`;
const TOKEN_NAME = String.raw`(?:aws)?[_-]?(?:session|security)[_-]?token`;
/** Where a column value starts and ends in `--output text`: tab-separated. */
const COL_START = String.raw`(^|\t)`;
const COL_END = String.raw`(?=$|\t)`;
/** A URL query value: up to the next parameter, fragment, quote, whitespace or control character. */
const URL_VALUE = String.raw`[^&#\s"'<>\\\x00-\x1f]+`;

const ACCESS_KEY_ID = String.raw`(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])`;

const detector = (kind: SecretKind, source: string, flags = '', needsAccessKeyOnLine = false): Detector =>
  Object.freeze({ kind, pattern: new RegExp(source, `g${flags}`), needsAccessKeyOnLine });

/** Order breaks ties between matches of the same span: the first listed names the mask. */
export const DETECTORS: readonly Detector[] = Object.freeze([
  detector('PresignedCredential', String.raw`([?&]X-Amz-Credential=)${URL_VALUE}`, 'i'),
  detector('PresignedSignature', String.raw`([?&](?:X-Amz-)?Signature=)${URL_VALUE}`, 'i'),
  detector('AccessKeyId', `()${ACCESS_KEY_ID}`),
  // A named secret key: the value of aws_secret_access_key, SecretAccessKey, AWS_SECRET_ACCESS_KEY … (16+ chars).
  detector('SecretAccessKey', `(${SECRET_NAME}${SEP})[A-Za-z0-9/+=]{16,}`, 'i'),
  // A named session token, also X-Amz-Security-Token / x-amz-security-token in presigned URLs (URL-encoded).
  detector('SessionToken', `(${TOKEN_NAME}${SEP})[A-Za-z0-9/+=%]{16,}`, 'i'),
  // STS session tokens announce themselves wherever they appear.
  detector('SessionToken', String.raw`()(?<![A-Za-z0-9/+=%])(?:IQoJb3JpZ2luX2|FwoGZXIvYXdzE|AQoDYXdzE)[A-Za-z0-9/+=%]{32,}`),
  // A JWT (three base64url segments, the first a JSON header) or a JWE (five, some possibly empty).
  detector('JWT', String.raw`()(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{2,}(?:\.[A-Za-z0-9_-]*){2,4}`),
  detector('EksToken', String.raw`()(?<![A-Za-z0-9_-])k8s-aws-v1\.[A-Za-z0-9_-]+`),
  // ECR: base64 of {"payload":… (get-login-password) and of AWS:{"payload":… (authorizationToken).
  detector('EcrToken', String.raw`()(?<![A-Za-z0-9/+=])(?:eyJwYXlsb2FkIj|QVdTOmV5SndZWGxzYjJGa0lq)[A-Za-z0-9/+=]+`),
  // Unnamed text-output columns on a line that holds an access key id: 40-63 characters a secret key (AWS's are
  // 40), 64+ a session token. A 40-character string elsewhere (a git SHA, an id, a JSON value) is left alone.
  detector('SecretAccessKey', `${COL_START}[A-Za-z0-9/+]{40,63}${COL_END}`, '', true),
  detector('SessionToken', `${COL_START}[A-Za-z0-9/+=]{64,}${COL_END}`, '', true),
]);

/** Tells whether a line holds an access key id (for the column detectors). */
export const HAS_ACCESS_KEY_ID = new RegExp(ACCESS_KEY_ID);

/**
 * A cheap superset of every detector: text without a match needs no further look. Case-sensitive for speed, so
 * key names are recognised in lower, Capitalised, camelCase and UPPER case (not "sEcReT"). Keep it in step with
 * DETECTORS and the PEM markers below; every fixture in test/masking/secret-fixtures.ts goes through it.
 */
const TRIGGER_SOURCE = String.raw`AKIA|ASIA|ABIA|ACCA|ecret|ECRET|oken|OKEN|PRIVATE KEY|eyJ|ignature=|IGNATURE=|redential=|REDENTIAL=|k8s-aws-v1|QVdTOmV5|IQoJb3JpZ2lu|FwoGZXIvYXdz|AQoDYXdzE`;
export const TRIGGER = new RegExp(TRIGGER_SOURCE);

/** PEM private key markers (RSA, EC, DSA, OPENSSH, ENCRYPTED, plain PKCS#8, PGP … BLOCK). */
export const PEM_BEGIN = /-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----/;
export const PEM_END = /-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----/;
/** Longer than any END marker: the tail kept while a long open block is released, so a split marker is seen. */
export const PEM_END_MAX_CHARS = 64;

/** Characters a masked value may continue with (the union of the value classes above). */
export const isValueChar = (code: number): boolean =>
  (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) ||
  code === 0x2f || code === 0x2b || code === 0x3d || code === 0x25 || code === 0x5f || code === 0x2e || code === 0x2d;

/**
 * The mask: says what was removed (a detector's kind, or the model member's name in mask-document.ts), and holds
 * no quote or backslash so that JSON stays valid. mask-style.ts writes the keyed-hash variant in the same shape.
 */
export const maskText = (name: string, chars: number): string => `****(masked: ${name}, ${chars} chars)`;
