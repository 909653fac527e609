#!/usr/bin/env node
// Measures `aws-guard explain` over 1 000 real command lines in one process (issue 3 target: < 1 ms per command
// after start-up), side by side with its parts: parse + classify alone, and the whole --stdin path (JSON in,
// analysis, policy decision, JSON out). Usage: node scripts/bench-explain.mjs [count]
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const count = Number(process.argv[2] ?? 1000);

const COMMANDS = [
  's3 ls', 's3 ls s3://BUCKET/ --recursive', 's3 cp ./a.txt s3://BUCKET/k', 's3 cp s3://BUCKET/k ./a.txt', 's3 rb s3://BUCKET --force',
  's3 rm s3://BUCKET/p/ --recursive', 's3 mv ./a.txt s3://BUCKET/a.txt', 's3 presign s3://BUCKET/k --expires-in 300',
  's3api list-objects-v2 --bucket BUCKET --max-items 10 --query Contents[].Key --output text', 's3api delete-bucket --bucket BUCKET',
  's3api put-bucket-policy --bucket BUCKET --policy file://policy.json', 's3api get-object --bucket BUCKET --key k out.bin',
  'ec2 describe-instances --filters Name=instance-state-name,Values=running', 'ec2 terminate-instances --instance-ids i-BUCKET',
  'ec2 authorize-security-group-ingress --group-id sg-1 --protocol tcp --port 22 --cidr 0.0.0.0/0', 'ec2 wait instance-running --instance-ids i-1',
  'iam list-roles', 'iam attach-role-policy --role-name BUCKET --policy-arn arn:aws:iam::aws:policy/ReadOnlyAccess', 'iam create-access-key --user-name u',
  'kms decrypt --ciphertext-blob fileb://ct.bin --query Plaintext --output text', 'secretsmanager get-secret-value --secret-id BUCKET',
  'ssm get-parameter --name /BUCKET --with-decryption', 'ssm get-parameters-by-path --path / --recursive', 'sts get-caller-identity',
  'sts assume-role --role-arn arn:aws:iam::1:role/r --role-session-name s', 'ecr get-login-password --region us-east-1', 'eks get-token --cluster-name c',
  'rds describe-db-instances --db-instance-identifier BUCKET', 'lambda invoke --function-name f out.json', 'lambda get-function --function-name f',
  'cloudtrail stop-logging --name t', 'logs filter-log-events --log-group-name g', 'dynamodb put-item --table-name t --item file://item.json',
  'sqs send-message --queue-url https://sqs.us-east-1.amazonaws.com/1/q --message-body hi', 'cloudformation deploy --template-file t.yaml --stack-name BUCKET',
  'organizations list-accounts', 'elbv2 describe-load-balancers', 'stepfunctions list-state-machines', '--endp http://evil s3api list-buckets',
  'configure list', 'nosuchservice do-thing',
];
const argvs = Array.from({ length: count }, (_, i) => (COMMANDS[i % COMMANDS.length] ?? '').replaceAll('BUCKET', `b${i}`).split(' '));

const bundled = await build({
  stdin: {
    contents: [
      "export { runExplain } from './src/commands/explain.ts';",
      "export { loadAnalyzer } from './src/explain/load-analyzer.ts';",
      "export { parseCommand } from '@aws-guard/shared/command/parse-command';",
      "export { classifyRisk } from '@aws-guard/shared/command/classify-risk';",
      "export { createModelStore } from '@aws-guard/shared/aws-model/model-store';",
      "export { evaluatePolicy } from '@aws-guard/broker/policy/evaluate-policy';",
      "export { loadDefaultPolicy } from '@aws-guard/broker/policy/default-policy';",
    ].join('\n'),
    resolveDir: `${root}packages/cli`,
    loader: 'ts',
  },
  bundle: true, platform: 'node', format: 'esm', target: 'node20', write: false, logLevel: 'error',
  banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
});
// Written to a file (not a data: URL) because bundled CommonJS dependencies need a real module URL for `require`.
const dir = mkdtempSync(join(tmpdir(), 'bench-explain-'));
writeFileSync(join(dir, 'explain.mjs'), bundled.outputFiles[0].text);
const tImport = performance.now();
const { runExplain, loadAnalyzer, parseCommand, classifyRisk, createModelStore, evaluatePolicy, loadDefaultPolicy } = await import(pathToFileURL(join(dir, 'explain.mjs')).href);
const importMs = performance.now() - tImport;
rmSync(dir, { recursive: true });

const sink = () => {
  let bytes = 0;
  let lines = 0;
  return { stream: { write: (s) => ((bytes += s.length), (lines += 1), true) }, stats: () => ({ bytes, lines }) };
};
const ctxWith = (out) => ({ env: {}, stdout: out.stream, stderr: sink().stream, version: 'bench', setExitCode: () => {} });

const ROUNDS = 7;
/** Runs `fn` ROUNDS times after one warm-up round; the machine may be busy, so report the median and the best. */
const measure = async (fn) => {
  await fn();
  const times = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(ROUNDS / 2)], best: times[0] };
};

const t0 = performance.now();
const analyze = await loadAnalyzer({}, `${root}packages/shared/model/`);
analyze(['s3', 'ls']);
const startup = performance.now() - t0;
const tPolicy = performance.now();
loadDefaultPolicy();
const policyLoadMs = performance.now() - tPolicy;

const model = createModelStore(`${root}packages/shared/model/`);
const parsed = argvs.map((argv) => parseCommand(argv, { model })).filter((r) => r.ok).map((r) => r.value);
const analysed = parsed.map((cmd) => ({ ...cmd, ...(({ risk, reasons }) => ({ risk, riskReasons: reasons }))(classifyRisk(cmd)) }));
const policy = loadDefaultPolicy().value;
const who = { agent: 'bench', human: 'bench', groups: [], role: 'agent', sessionId: 'bench' };
const input = `${argvs.map((a) => JSON.stringify(a)).join('\n')}\n`;
let lines = 0;

const rows = [
  ['parse only', await measure(() => { for (const argv of argvs) parseCommand(argv, { model }); })],
  ['classify only (risk table)', await measure(() => { for (const cmd of parsed) classifyRisk(cmd); })],
  ['policy only (default policy)', await measure(() => { for (const cmd of analysed) evaluatePolicy(policy, cmd, who); })],
  ['parse + classify (analyzeCommand)', await measure(() => { for (const argv of argvs) analyze(argv); })],
  ['explain --stdin (JSON in, JSON out)', await measure(async () => {
    const out = sink();
    await runExplain([], { stdin: true }, ctxWith(out), { analyze, stdin: Readable.from([input]) });
    lines = out.stats().lines;
  })],
];

const per = (ms) => `${((ms / count) * 1000).toFixed(1).padStart(7)} µs/command`;
console.log(`explain bench: ${count} commands (${COMMANDS.length} distinct shapes, ${count - parsed.length} unparseable), Node ${process.version}, median and best of ${ROUNDS}`);
console.log(`  start-up: load the code ${importMs.toFixed(1)} ms, model index + first parse ${startup.toFixed(1)} ms, default policy ${policyLoadMs.toFixed(1)} ms`);
for (const [name, { median, best }] of rows) console.log(`  ${name.padEnd(38)} ${per(median)}  (best ${per(best).trim()})`);
const explain = rows[rows.length - 1][1];
const analyzeRow = rows[rows.length - 2][1];
console.log(`  explain / analyzeCommand                ${(explain.median / analyzeRow.median).toFixed(2)}x`);
console.log(`  explain per command / 1 ms target       ${(explain.median / count).toFixed(3)}  (${lines} result lines; target < 1)`);
