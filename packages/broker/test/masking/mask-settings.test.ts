// The mask style setting end to end: the config key and its checks, and the HMAC key file (created 0600 on first
// use in the data dir, or the operator's own, refused when short or readable by others).
import t, { type Test } from 'tap';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadBrokerConfig } from '@aws-guard/broker/config/load-config';
import { defaultMaskKeyFile, loadOrCreateMaskKey, resolveMaskStyle } from '@aws-guard/broker/masking/mask-key';
import { LENGTH_STYLE } from '@aws-guard/broker/masking/mask-style';

const configFrom = (t: Test, yaml: string | undefined) => {
  const cwd = t.testdir();
  if (yaml !== undefined) writeFileSync(join(cwd, 'aws-guard.yaml'), yaml);
  return { cwd, result: loadBrokerConfig({ flags: {}, env: {}, configFile: yaml === undefined ? undefined : 'aws-guard.yaml', cwd }) };
};

t.test('masking.style defaults to length; hmac takes an optional key file, resolved against the cwd', async (t) => {
  const plain = configFrom(t, undefined).result;
  t.ok(plain.ok && plain.value.masking.style === 'length' && plain.value.masking.hmacKeyFile === undefined);
  const { cwd, result } = configFrom(t, 'masking:\n  style: hmac\n  hmacKeyFile: keys/shared.key\n');
  t.ok(result.ok);
  if (result.ok) {
    t.same(result.value.masking, { style: 'hmac', hmacKeyFile: join(cwd, 'keys/shared.key') });
    t.ok(Object.isFrozen(result.value.masking));
  }
});

t.test('config problems are reported with the others', async (t) => {
  const { result } = configFrom(t, 'masking:\n  style: sha1\n  hmacKeyFile: k\n  colour: red\nlisten: nope\n');
  t.notOk(result.ok);
  const details = result.ok ? [] : (result.issue.details ?? []);
  t.ok(details.some((d) => d.startsWith("masking.style: must be 'length' or 'hmac'")), 'a bad style');
  t.ok(details.some((d) => d.startsWith('masking: Unrecognized key') || d.includes('colour')), 'an unknown key');
  t.ok(details.some((d) => d.startsWith('masking.hmacKeyFile: is set but masking.style is not hmac')), 'a key file without hmac');
  t.ok(details.some((d) => d.startsWith('listen:')), 'and the rest of the file');
});

t.test('the data dir key is created once, 0600, and then reused', async (t) => {
  const dataDir = t.testdir();
  const first = await loadOrCreateMaskKey(dataDir, undefined);
  t.ok(first.ok);
  const file = defaultMaskKeyFile(dataDir);
  t.equal(statSync(file).mode & 0o777, 0o600);
  t.equal(statSync(join(dataDir, 'keys')).mode & 0o777, 0o700);
  t.match(readFileSync(file, 'utf8'), /^[0-9a-f]{64}\n$/);
  const again = await loadOrCreateMaskKey(dataDir, undefined);
  t.ok(first.ok && again.ok && first.value.equals(again.value), 'the same key on the next start');
  const style = await resolveMaskStyle({ style: 'hmac', hmacKeyFile: undefined }, dataDir);
  t.ok(style.ok && style.value.kind === 'hmac' && first.ok && style.value.key.equals(first.value));
  t.same(await resolveMaskStyle({ style: 'length', hmacKeyFile: undefined }, dataDir), { ok: true, value: LENGTH_STYLE });
});

t.test("the operator's key file must exist, be long enough and be private", async (t) => {
  const dir = t.testdir();
  const missing = await loadOrCreateMaskKey(dir, join(dir, 'nope.key'));
  t.match(missing, { ok: false, issue: { code: 'MASK_KEY_UNREADABLE' } }, 'never created in its place');
  const short = join(dir, 'short.key');
  writeFileSync(short, 'tooshort\n', { mode: 0o600 });
  t.match(await loadOrCreateMaskKey(dir, short), { ok: false, issue: { code: 'MASK_KEY_INVALID', message: /at least 32 characters/ } });
  const open = join(dir, 'open.key');
  writeFileSync(open, `${'x'.repeat(40)}\n`);
  chmodSync(open, 0o644);
  t.match(await loadOrCreateMaskKey(dir, open), { ok: false, issue: { code: 'MASK_KEY_INVALID', message: /readable by group or others \(mode 644\)/ } });
  chmodSync(open, 0o400);
  const good = await loadOrCreateMaskKey(dir, open);
  t.ok(good.ok && good.value.toString() === 'x'.repeat(40), 'the trimmed text is the key');
});
