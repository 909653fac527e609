// The never-leak suite, SSM SecureString parameters and KMS decrypt (issue 6): planted values read back with
// --with-decryption (one, several, a path a page at a time) and a planted plaintext decrypted, in every output
// format and query shape, never reach the agent, the audit or the broker's log and files; the output is otherwise
// the real CLI's. See test/helpers/plant-secrets.ts for what each case checks.
import t from 'tap';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distinctive, FORMATS, fitString, plant, refusedFormats, runCases, secret, startSuite, type LeakCase } from '../helpers/plant-secrets.js';

const suite = await startSuite(t);
const refused = await refusedFormats();

// Two values exactly as long as their masks (tables compare byte for byte) and one with everything JSON and
// tables make hard: quotes, a backslash, non-ASCII letters and a newline.
const p1 = fitString('Value', 'ssm1');
const p2 = fitString('Value', 'ssm2');
const p3 = secret('Value', `${distinctive('ssm3', 30)} "quoted" \\ ünïcödé\nsecond line ${distinctive('ssm3b', 28)}`);
const params = [p1, p2, p3];
for (const [name, p] of [['/nl/svc/p1', p1], ['/nl/svc/p2', p2], ['/nl/svc/p3', p3]] as const)
  await plant(suite.endpoint, ['ssm', 'put-parameter', '--name', name, '--type', 'SecureString', '--value', p.value]);

// KMS: a known plaintext (NUL and 0xff among distinctive text) encrypted directly; the agent decrypts it.
const dir = await mkdtemp(join(tmpdir(), 'never-leak-kms-'));
const keyId = (await plant(suite.endpoint, ['kms', 'create-key', '--query', 'KeyMetadata.KeyId', '--output', 'text'])).trim();
const plainBytes = Buffer.concat([Buffer.from([0, 0xff]), Buffer.from(distinctive('kms', 40))]);
await writeFile(join(dir, 'plain.bin'), plainBytes);
const blob = (await plant(suite.endpoint, ['kms', 'encrypt', '--key-id', keyId, '--plaintext', 'fileb://plain.bin', '--query', 'CiphertextBlob', '--output', 'text'], dir)).trim();
await writeFile(join(dir, 'secret.enc'), Buffer.from(blob, 'base64'));
const plaintext = secret('Plaintext', plainBytes.toString('base64'), plainBytes);

const getOne = (name: string, ...more: string[]) => ['ssm', 'get-parameter', '--name', name, '--with-decryption', ...more];
const getMany = (...more: string[]) => ['ssm', 'get-parameters', '--names', '/nl/svc/p1', '/nl/svc/p2', '/nl/svc/p3', '/nl/svc/missing', '--with-decryption', ...more];
const byPath = (...more: string[]) => ['ssm', 'get-parameters-by-path', '--path', '/nl/svc', '--with-decryption', ...more];
const decrypt = (...more: string[]) => ['kms', 'decrypt', '--ciphertext-blob', 'fileb://secret.enc', ...more];

const CASES: LeakCase[] = [
  // get-parameter: every format, every way of selecting the value.
  ...FORMATS.map((f): LeakCase => ({ name: `ssm get-parameter --with-decryption --output ${f}`, args: getOne('/nl/svc/p1', '--output', f), masked: refused.has(f) ? [] : ['Value'], secrets: params })),
  { name: 'ssm get-parameter --query Parameter.Value --output text', args: getOne('/nl/svc/p1', '--query', 'Parameter.Value', '--output', 'text'), masked: ['Value'], secrets: params },
  { name: "ssm get-parameter --query '{v: Parameter.Value, n: Parameter.Name}' --output table", args: getOne('/nl/svc/p1', '--query', '{v: Parameter.Value, n: Parameter.Name}', '--output', 'table'), masked: ['Value'], secrets: params },
  { name: 'ssm get-parameter with AWS_DEFAULT_OUTPUT=text', args: getOne('/nl/svc/p1'), env: { AWS_DEFAULT_OUTPUT: 'text' }, masked: ['Value'], secrets: params },
  // Quotes, a backslash, unicode and a newline.
  ...(['json', 'text', 'table'] as const).map((f): LeakCase => ({ name: `ssm get-parameter (quotes, unicode, a newline) --output ${f}`, args: getOne('/nl/svc/p3', '--output', f), masked: ['Value'], secrets: params })),

  // get-parameters: a list, with a name that does not exist beside.
  ...(['json', 'text', 'table'] as const).map((f): LeakCase => ({ name: `ssm get-parameters --with-decryption --output ${f}`, args: getMany('--output', f), masked: ['Value'], secrets: params })),
  { name: "ssm get-parameters --query 'Parameters[].[Name,Value]' --output text", args: getMany('--query', 'Parameters[].[Name,Value]', '--output', 'text'), masked: ['Value'], secrets: params },
  { name: "ssm get-parameters --query 'Parameters[].[Name,Value]' --output table", args: getMany('--query', 'Parameters[].[Name,Value]', '--output', 'table'), masked: ['Value'], secrets: params },

  // get-parameters-by-path: paginated; a page at a time, a few items with a NextToken, or one call.
  { name: 'ssm get-parameters-by-path --with-decryption --output json', args: byPath('--output', 'json'), masked: ['Value'], secrets: params },
  { name: 'ssm get-parameters-by-path --page-size 1 --output text (a line per page)', args: byPath('--page-size', '1', '--output', 'text'), masked: ['Value'], secrets: params },
  { name: 'ssm get-parameters-by-path --page-size 1 --output json (pages merged)', args: byPath('--page-size', '1', '--output', 'json'), masked: ['Value'], secrets: params },
  { name: 'ssm get-parameters-by-path --max-items 2 --output json (a NextToken)', args: byPath('--max-items', '2', '--output', 'json'), masked: ['Value'], secrets: params },
  { name: 'ssm get-parameters-by-path --max-items 2 --output text', args: byPath('--max-items', '2', '--output', 'text'), masked: ['Value'], secrets: params },
  { name: 'ssm get-parameters-by-path --no-paginate --output table', args: byPath('--no-paginate', '--output', 'table'), masked: ['Value'], secrets: params },
  { name: "ssm get-parameters-by-path --page-size 1 --query 'Parameters[].[Name,Value]' --output text", args: byPath('--page-size', '1', '--query', 'Parameters[].[Name,Value]', '--output', 'text'), masked: ['Value'], secrets: params },
  // In text the CLI applies the query to each page: one value (and a None) per page.
  { name: "ssm get-parameters-by-path --page-size 1 --query 'Parameters[0].Value' --output text", args: byPath('--page-size', '1', '--query', 'Parameters[0].Value', '--output', 'text'), masked: ['Value'], secrets: params },
  { name: "ssm get-parameters-by-path with AWS_DEFAULT_OUTPUT=table and --query 'Parameters[].{n: Name, v: Value}'", args: byPath('--query', 'Parameters[].{n: Name, v: Value}'), env: { AWS_DEFAULT_OUTPUT: 'table' }, masked: ['Value'], secrets: params },
  // A query filtering on the value sees the mask: it cannot be used to test guesses about the secrets.
  {
    name: 'ssm get-parameters-by-path --query "Parameters[?starts_with(Value, \'NEVERLEAK\')].Name" cannot probe the values',
    args: byPath('--query', "Parameters[?starts_with(Value, 'NEVERLEAK')].Name"),
    directArgs: byPath('--query', "Parameters[?starts_with(Value, 'no-such-prefix')].Name"),
    masked: [],
    secrets: params,
  },

  // kms decrypt: the Plaintext blob, printed as base64.
  ...(['json', 'text', 'table', 'yaml'] as const).map((f): LeakCase => ({ name: `kms decrypt --output ${f}`, args: decrypt('--output', f), cwd: dir, masked: refused.has(f) ? [] : ['Plaintext'], secrets: [plaintext] })),
  { name: 'kms decrypt --query Plaintext --output text', args: decrypt('--query', 'Plaintext', '--output', 'text'), cwd: dir, masked: ['Plaintext'], secrets: [plaintext] },
  { name: "kms decrypt --query '{p: Plaintext, k: KeyId}' --output json", args: decrypt('--query', '{p: Plaintext, k: KeyId}', '--output', 'json'), cwd: dir, masked: ['Plaintext'], secrets: [plaintext] },
  { name: 'kms decrypt with AWS_DEFAULT_OUTPUT=text', args: decrypt(), env: { AWS_DEFAULT_OUTPUT: 'text' }, cwd: dir, masked: ['Plaintext'], secrets: [plaintext] },
];

runCases(t, suite, CASES);
