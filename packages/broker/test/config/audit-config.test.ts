// The `audit` block of the broker config: segment size and checkpoint cadence, from file, env and flags, with
// every bad value reported together (docs/configuration.md).
import t, { type Test } from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadBrokerConfig } from '@aws-guard/broker/config/load-config';
import { MIN_SEGMENT_BYTES } from '@aws-guard/broker/config/config-schema';
import { DEFAULT_CHECKPOINT_MS, DEFAULT_CHECKPOINT_RECORDS, DEFAULT_SEGMENT_BYTES } from '@aws-guard/broker/audit/audit-log';

type Layers = { flags?: Record<string, string | undefined>; env?: Record<string, string | undefined>; file?: string };

const load = (t: Test, p: Layers) => {
  const cwd = t.testdir();
  if (p.file !== undefined) writeFileSync(join(cwd, 'aws-guard.yaml'), p.file);
  return loadBrokerConfig({ flags: p.flags ?? {}, env: p.env ?? {}, configFile: p.file === undefined ? undefined : 'aws-guard.yaml', cwd });
};

t.test('the defaults are the audit log\'s own', async (t) => {
  const c = load(t, {});
  if (!c.ok) throw new Error(c.issue.message);
  t.same(c.value.audit, { segmentBytes: DEFAULT_SEGMENT_BYTES, checkpointRecords: DEFAULT_CHECKPOINT_RECORDS, checkpointSeconds: DEFAULT_CHECKPOINT_MS / 1000 });
  t.same([c.value.sources['audit.segmentBytes'], c.value.sources['audit.checkpointRecords']], ['default', 'default']);
});

t.test('file, env and flags layer key by key', async (t) => {
  const c = load(t, {
    file: 'audit:\n  segmentBytes: 8388608\n  checkpointRecords: 10\n  checkpointSeconds: 30\n',
    env: { AWS_GUARD_AUDIT_CHECKPOINT_RECORDS: '20' },
    flags: { 'audit.checkpointSeconds': '2' },
  });
  if (!c.ok) throw new Error(c.issue.message);
  t.same(c.value.audit, { segmentBytes: 8_388_608, checkpointRecords: 20, checkpointSeconds: 2 });
  t.same(['audit.segmentBytes', 'audit.checkpointRecords', 'audit.checkpointSeconds'].map((k) => c.value.sources[k]), ['file', 'env', 'flag']);
  t.ok(Object.isFrozen(c.value.audit));
});

// [what, layers, the problem lines expected, all of them in one run]
const bad: ReadonlyArray<readonly [string, Layers, readonly RegExp[]]> = [
  ['a segment below 1 MiB', { env: { AWS_GUARD_AUDIT_SEGMENT_BYTES: String(MIN_SEGMENT_BYTES - 1) } }, [/^audit\.segmentBytes: .*at least 1048576/]],
  ['a segment size that is not a number', { file: 'audit:\n  segmentBytes: 64MiB\n' }, [/^audit\.segmentBytes: /]],
  ['zero records', { env: { AWS_GUARD_AUDIT_CHECKPOINT_RECORDS: '0' } }, [/^audit\.checkpointRecords: .*from 1/]],
  ['a fraction of a second', { file: 'audit:\n  checkpointSeconds: 0.5\n' }, [/^audit\.checkpointSeconds: /]],
  ['more than a day', { flags: { 'audit.checkpointSeconds': '86401' } }, [/^audit\.checkpointSeconds: .*86400/]],
  ['an unknown key', { file: 'audit:\n  segmentSize: 1\n' }, [/segmentSize/]],
  ['not a mapping', { file: 'audit: big\n' }, [/^audit: /]],
  ['all three bad at once, with another setting', {
    file: 'region: Mars\naudit:\n  segmentBytes: 10\n  checkpointRecords: -1\n  checkpointSeconds: never\n',
  }, [/^region: /, /^audit\.segmentBytes: /, /^audit\.checkpointRecords: /, /^audit\.checkpointSeconds: /]],
];

t.test('bad values are refused, naming the setting, every one in the same run', async (t) => {
  for (const [what, layers, expected] of bad) {
    const c = load(t, layers);
    const lines = c.ok ? [] : c.issue.details ?? [];
    t.equal(lines.length, expected.length, `${what}: ${lines.join(' | ')}`);
    for (const pattern of expected) t.ok(lines.some((l) => pattern.test(l)), `${what}: ${pattern}`);
  }
});
