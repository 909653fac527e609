import t, { type Test } from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadBrokerConfig } from '@aws-guard/broker/config/load-config';

type Layers = { flags?: Record<string, string | undefined>; env?: Record<string, string | undefined>; file?: string };

const load = (t: Test, p: Layers) => {
  const cwd = t.testdir();
  if (p.file !== undefined) writeFileSync(join(cwd, 'aws-guard.yaml'), p.file);
  return loadBrokerConfig({ flags: p.flags ?? {}, env: p.env ?? {}, configFile: p.file === undefined ? undefined : 'aws-guard.yaml', cwd });
};

// [what, layers, the resolved metrics setting]
const valid: Array<[string, Layers, unknown]> = [
  ['nothing given: on, on the broker port', {}, { enabled: true, listen: undefined }],
  ['off in the file', { file: 'metrics:\n  enabled: false\n' }, { enabled: false, listen: undefined }],
  ['off from env', { env: { AWS_GUARD_METRICS: 'false' } }, { enabled: false, listen: undefined }],
  ['env turns on what the file turned off', { file: 'metrics:\n  enabled: false\n', env: { AWS_GUARD_METRICS: 'true' } }, { enabled: true, listen: undefined }],
  ['a listener of its own in the file', { file: 'metrics:\n  listen: 0.0.0.0:9464\n' }, { enabled: true, listen: { host: '0.0.0.0', port: 9464 } }],
  ['an IPv6 listener from the flag', { flags: { 'metrics.listen': '[::1]:9464' } }, { enabled: true, listen: { host: '::1', port: 9464 } }],
  ['env listen beside the file block', { file: 'metrics:\n  enabled: true\n', env: { AWS_GUARD_METRICS_LISTEN: '127.0.0.1:9000' } }, { enabled: true, listen: { host: '127.0.0.1', port: 9000 } }],
  ['port 0 for both picks two free ports', { flags: { listen: '127.0.0.1:0', 'metrics.listen': '127.0.0.1:0' } }, { enabled: true, listen: { host: '127.0.0.1', port: 0 } }],
];

t.test('metrics settings resolve from file, env and flags', async (t) => {
  for (const [what, layers, expected] of valid) {
    const result = load(t, layers);
    t.ok(result.ok, what);
    if (result.ok) {
      t.same(result.value.metrics, expected, what);
      t.ok(Object.isFrozen(result.value.metrics), `${what}: frozen`);
    }
  }
});

// [what, layers, the problem line expected]
const invalid: Array<[string, Layers, RegExp]> = [
  ['enabled that is not a boolean', { env: { AWS_GUARD_METRICS: 'yes' } }, /^metrics\.enabled: must be true or false$/],
  ['a listen that is not HOST:PORT', { file: 'metrics:\n  listen: localhost\n' }, /^metrics\.listen: must be HOST:PORT/],
  ['a port out of range', { flags: { 'metrics.listen': '127.0.0.1:70000' } }, /^metrics\.listen: must be HOST:PORT/],
  ['an unknown key', { file: 'metrics:\n  path: /m\n' }, /^metrics: .*path/],
  ['a listener for disabled metrics', { file: 'metrics:\n  enabled: false\n  listen: 127.0.0.1:9464\n' }, /^metrics\.listen: is set but metrics\.enabled is false/],
  ["the broker's own address", { flags: { listen: '127.0.0.1:8750', 'metrics.listen': '127.0.0.1:8750' } }, /^metrics\.listen: is the broker's own listen address/],
];

t.test('bad metrics settings are reported with the others, naming the setting', async (t) => {
  for (const [what, layers, expected] of invalid) {
    const result = load(t, { ...layers, env: { ...layers.env, AWS_GUARD_REGION: 'Mars' } });
    t.notOk(result.ok, what);
    const problems = result.ok ? [] : (result.issue.details ?? []);
    t.ok(problems.some((line) => expected.test(line)), `${what}: ${expected}\n  got ${problems.join('\n  ')}`);
    t.ok(problems.some((line) => line.startsWith('region: ')), `${what}: reported together with the region problem`);
  }
});
