// The never-leak suite, Secrets Manager (issue 6): planted SecretString and SecretBinary values, read through
// the shim in every output format, with --query picking the secret or building a new shape around it, with
// AWS_DEFAULT_OUTPUT, --no-paginate and a page at a time, never reach the agent, the audit or the broker's log and
// files; the output is otherwise the real CLI's. See test/helpers/plant-secrets.ts for what each case checks.
import t from 'tap';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accessKeyPair, FORMATS, fitBinary, fitString, pemPrivateKey, plant, refusedFormats, runCases, secret, startSuite, type LeakCase } from '../helpers/plant-secrets.js';

const suite = await startSuite(t);
const refused = await refusedFormats();

// A token exactly as long as its mask (tables compare byte for byte); a realistic secret: credentials and a
// private key as JSON, with quotes and \n escapes; a binary secret (NUL and 0xff included) as long as its mask.
const token = fitString('SecretString', 'str');
const keys = accessKeyPair();
const pem = pemPrivateKey();
const dbValue = JSON.stringify({ username: 'app', password: `NEVERLEAK-pw-${keys.secret.slice(0, 8)}`, aws_access_key_id: keys.id, aws_secret_access_key: keys.secret, private_key: pem });
const db = secret('SecretString', dbValue);
const blob = fitBinary('SecretBinary', 'bin');

// Names of one length: batch output lines up the same whichever secret a row holds.
const dir = await mkdtemp(join(tmpdir(), 'never-leak-'));
await writeFile(join(dir, 'blob.bin'), blob.bytes);
await plant(suite.endpoint, ['secretsmanager', 'create-secret', '--name', 'nl/token', '--secret-string', token.value]);
await plant(suite.endpoint, ['secretsmanager', 'create-secret', '--name', 'nl/db', '--secret-string', db.value]);
await plant(suite.endpoint, ['secretsmanager', 'create-secret', '--name', 'nl/blob', '--secret-binary', 'fileb://blob.bin'], dir);

const get = (id: string, ...more: string[]) => ['secretsmanager', 'get-secret-value', '--secret-id', id, ...more];
const batch = (...more: string[]) => ['secretsmanager', 'batch-get-secret-value', '--secret-id-list', 'nl/token', 'nl/db', 'nl/blob', ...more];
const all = [token, db, blob.secret];

const CASES: LeakCase[] = [
  // get-secret-value, SecretString: every format, every way of selecting it.
  ...FORMATS.map((f): LeakCase => ({ name: `get-secret-value --output ${f}`, args: get('nl/token', '--output', f), masked: refused.has(f) ? [] : ['SecretString'], secrets: [token] })),
  { name: 'get-secret-value --query SecretString --output text', args: get('nl/token', '--query', 'SecretString', '--output', 'text'), masked: ['SecretString'], secrets: [token] },
  { name: 'get-secret-value --query SecretString (json)', args: get('nl/token', '--query', 'SecretString'), masked: ['SecretString'], secrets: [token] },
  { name: "get-secret-value --query '{s: SecretString, n: Name}' --output json", args: get('nl/token', '--query', '{s: SecretString, n: Name}', '--output', 'json'), masked: ['SecretString'], secrets: [token] },
  { name: "get-secret-value --query '{s: SecretString, n: Name}' --output table", args: get('nl/token', '--query', '{s: SecretString, n: Name}', '--output', 'table'), masked: ['SecretString'], secrets: [token] },
  { name: "get-secret-value --query '[Name, SecretString]' --output text", args: get('nl/token', '--query', '[Name, SecretString]', '--output', 'text'), masked: ['SecretString'], secrets: [token] },
  { name: "get-secret-value --query 'to_string(@)': the secret serialised into a new string", args: get('nl/token', '--query', 'to_string(@)', '--output', 'text'), masked: ['SecretString'], secrets: [token] },
  { name: 'get-secret-value with AWS_DEFAULT_OUTPUT=text', args: get('nl/token'), env: { AWS_DEFAULT_OUTPUT: 'text' }, masked: ['SecretString'], secrets: [token] },
  { name: "get-secret-value with AWS_DEFAULT_OUTPUT=table and --query '{s: SecretString, n: Name}'", args: get('nl/token', '--query', '{s: SecretString, n: Name}'), env: { AWS_DEFAULT_OUTPUT: 'table' }, masked: ['SecretString'], secrets: [token] },
  // v1 reads AWS_DEFAULT_OUTPUT=yaml only when it prints: the call is made, then refused.
  { name: 'get-secret-value with AWS_DEFAULT_OUTPUT=yaml', args: get('nl/token'), env: { AWS_DEFAULT_OUTPUT: 'yaml' }, masked: refused.has('yaml') ? [] : ['SecretString'], secrets: [token] },
  // A query must see the mask, not the value: it cannot be used to test guesses about the secret.
  {
    name: "get-secret-value --query \"starts_with(SecretString, 'NEVERLEAK')\" cannot probe the value",
    args: get('nl/token', '--query', "starts_with(SecretString, 'NEVERLEAK')"),
    directArgs: get('nl/token', '--query', "starts_with(SecretString, 'no-such-prefix')"),
    masked: [],
    secrets: [token],
  },

  // The realistic secret: JSON with quotes, an access key pair and a multi-line private key.
  ...(['json', 'text', 'table'] as const).map((f): LeakCase => ({ name: `get-secret-value (credentials and a PEM key as JSON) --output ${f}`, args: get('nl/db', '--output', f), masked: ['SecretString'], secrets: [db] })),
  { name: 'get-secret-value (credentials and a PEM key) --query SecretString --output text', args: get('nl/db', '--query', 'SecretString', '--output', 'text'), masked: ['SecretString'], secrets: [db] },
  { name: "get-secret-value (credentials and a PEM key) --query '{s: SecretString, n: Name}' --output table", args: get('nl/db', '--query', '{s: SecretString, n: Name}', '--output', 'table'), masked: ['SecretString'], secrets: [db] },
  { name: 'get-secret-value (credentials and a PEM key) with AWS_DEFAULT_OUTPUT=text', args: get('nl/db'), env: { AWS_DEFAULT_OUTPUT: 'text' }, masked: ['SecretString'], secrets: [db] },

  // SecretBinary: printed as base64; neither the base64 nor the bytes may show.
  ...(['json', 'text', 'table'] as const).map((f): LeakCase => ({ name: `get-secret-value (binary) --output ${f}`, args: get('nl/blob', '--output', f), masked: ['SecretBinary'], secrets: [blob.secret] })),
  { name: 'get-secret-value (binary) --query SecretBinary --output text', args: get('nl/blob', '--query', 'SecretBinary', '--output', 'text'), masked: ['SecretBinary'], secrets: [blob.secret] },
  { name: "get-secret-value (binary) --query '{b: SecretBinary, n: Name}' --output json", args: get('nl/blob', '--query', '{b: SecretBinary, n: Name}', '--output', 'json'), masked: ['SecretBinary'], secrets: [blob.secret] },

  // batch-get-secret-value: a list of entries, strings and a binary side by side.
  ...FORMATS.map((f): LeakCase => ({ name: `batch-get-secret-value --output ${f}`, args: batch('--output', f), masked: refused.has(f) ? [] : ['SecretString', 'SecretBinary'], secrets: all })),
  { name: "batch-get-secret-value --query 'SecretValues[].[Name,SecretString]' --output text", args: batch('--query', 'SecretValues[].[Name,SecretString]', '--output', 'text'), masked: ['SecretString'], secrets: all },
  { name: "batch-get-secret-value --query 'SecretValues[].{n: Name, s: SecretString, b: SecretBinary}' --output json", args: batch('--query', 'SecretValues[].{n: Name, s: SecretString, b: SecretBinary}', '--output', 'json'), masked: ['SecretString', 'SecretBinary'], secrets: all },
  { name: "batch-get-secret-value --query 'SecretValues[?Name==`nl/token`].SecretString | [0]' --output text", args: batch('--query', 'SecretValues[?Name==`nl/token`].SecretString | [0]', '--output', 'text'), masked: ['SecretString'], secrets: all },
  { name: 'batch-get-secret-value --no-paginate --output text', args: batch('--no-paginate', '--output', 'text'), masked: ['SecretString', 'SecretBinary'], secrets: all },
  // batch-get-secret-value has no CLI paginator (no --page-size/--max-items): one entry per call with a NextToken.
  {
    name: 'batch-get-secret-value --filters … --max-results 1: one page and its NextToken',
    args: ['secretsmanager', 'batch-get-secret-value', '--filters', 'Key=name,Values=nl/', '--max-results', '1', '--output', 'json'],
    masked: ['SecretString'],
    secrets: all,
  },
];

runCases(t, suite, CASES);
