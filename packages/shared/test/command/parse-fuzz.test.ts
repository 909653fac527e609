// Random argv thrown at the parser (seeded, bounded): it may refuse, it must never throw, hang or return
// something malformed. Lines mix real command names and options with arbitrary tokens and characters.
import t from 'tap';
import { createModelStore, sourceModelDir } from '@aws-guard/shared/aws-model/model-store';
import { parseCommand } from '@aws-guard/shared/command/parse-command';
import { PARSE_ERROR_CODES } from '@aws-guard/shared/command/cli-usage-error';
import { allLeaves, pick, randomArgv, seededRandom, type Rng } from '../helpers/argv-corpus.js';

const model = createModelStore(sourceModelDir());
const ITERATIONS = 20_000;

const junkToken = (rng: Rng): string => {
  const alphabet = ['-', '--', '=', ' ', 'a', 'Z', '0', '/', '\\', '"', "'", '@', ':', ',', '{', '[', '\u00e9', '\u200b', '\u{1f600}', '\u0000', '\n', 'file://', 's3://', 'help', '~', '$'];
  let out = '';
  const n = Math.floor(rng() * 8);
  for (let i = 0; i < n; i += 1) out += pick(rng, alphabet);
  return out;
};

t.test(`${ITERATIONS} random command lines: a value every time, never a throw`, async (t) => {
  const rng = seededRandom(0xa55);
  const leaves = allLeaves(model, ['s3', 's3api', 'ec2', 'iam', 'lambda', 'cloudformation', 'configure', 'deploy', 'emr', 'ecs']);
  const names = model.commandNames();
  const codes = new Set<string>(PARSE_ERROR_CODES);
  let ok = 0;
  let refused = 0;
  const problems: string[] = [];
  for (let i = 0; i < ITERATIONS; i += 1) {
    const r = rng();
    const argv =
      r < 0.5 ? randomArgv(rng, pick(rng, leaves), model.globalArgs())
      : r < 0.8 ? [pick(rng, names), ...Array.from({ length: Math.floor(rng() * 6) }, () => junkToken(rng))]
      : Array.from({ length: Math.floor(rng() * 10) }, () => junkToken(rng));
    try {
      const result = parseCommand(argv, { model, cliMajor: rng() < 0.5 ? 1 : 2, env: { AWS_DEFAULT_REGION: 'us-east-1' } });
      if (result.ok) {
        ok += 1;
        const cmd = result.value;
        if (!Object.isFrozen(cmd) || !Object.isFrozen(cmd.localFiles)) problems.push(`not frozen: ${JSON.stringify(argv)}`);
        if ([...cmd.iamActions].sort().join() !== cmd.iamActions.join() || new Set(cmd.iamActions).size !== cmd.iamActions.length)
          problems.push(`iamActions not sorted and unique: ${JSON.stringify(argv)}`);
        if (cmd.localOnly && cmd.apiOperation !== null && cmd.forbidden.length === 0) problems.push(`local-only with an API call: ${JSON.stringify(argv)}`);
      } else {
        refused += 1;
        if (!codes.has(result.issue.code) || result.issue.stderr === '' || ![1, 2, 252, 255].includes(result.issue.exitCode))
          problems.push(`malformed refusal ${JSON.stringify(result.issue)} for ${JSON.stringify(argv)}`);
      }
    } catch (e) {
      problems.push(`threw ${(e as Error).stack ?? e} for ${JSON.stringify(argv)}`);
    }
  }
  t.same(problems.slice(0, 10), [], `${problems.length} problems`);
  t.ok(ok > ITERATIONS / 20 && refused > ITERATIONS / 20, `both outcomes occur (${ok} parsed, ${refused} refused)`);
});

t.test('long and adversarial lines stay linear enough to finish', async (t) => {
  const many = ['ec2', 'describe-instances', ...Array.from({ length: 5000 }, (_, i) => (i % 2 === 0 ? '--filters' : `Name=x,Values=${i}`))];
  t.ok(parseCommand(many, { model }).ok, '5000 tokens');
  const dashes = ['s3', 'cp', ...Array.from({ length: 3000 }, () => '--'), 'a', 's3://b/k'];
  t.type(parseCommand(dashes, { model }).ok, 'boolean', '3000 `--` tokens');
  const longToken = `--${'x'.repeat(100_000)}`;
  t.notOk(parseCommand(['s3api', 'list-buckets', longToken], { model }).ok);
});
