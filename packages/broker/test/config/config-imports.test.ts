import t from 'tap';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { defaultMaxPerAgent } from '@aws-guard/broker/config/config-schema';
import { createExecutionSlots } from '@aws-guard/broker/exec/execution-slots';

const CONFIG_SRC = fileURLToPath(new URL('../../src/config/', import.meta.url));
// Config is read and validated before anything runs: it may use auth's types and rules, never the layers that
// run commands or write records (they depend on config, not the other way round).
const RUNTIME_LAYERS = ['exec', 'flows', 'server', 'audit', 'recording', 'approval', 'credentials', 'output', 'masking', 'files'];

t.test('config imports none of the layers that run commands', async (t) => {
  const files = (await readdir(CONFIG_SRC)).filter((f) => f.endsWith('.ts'));
  t.ok(files.length > 5, 'the config modules are found');
  for (const file of files) {
    const imports = [...(await readFile(`${CONFIG_SRC}${file}`, 'utf8')).matchAll(/from '\.\.\/([\w-]+)\//g)].map((m) => m[1]);
    t.same(imports.filter((layer) => RUNTIME_LAYERS.includes(layer ?? '')), [], file);
  }
});

t.test('the execution slots apply config\'s default cap per agent (half, rounded up) when none is given', async (t) => {
  for (const [max, perAgent] of [[1, 1], [2, 1], [5, 3], [8, 4]] as const) {
    t.equal(defaultMaxPerAgent(max), perAgent, `config's default for ${max} slots`);
    const slots = createExecutionSlots({ max });
    const controller = new AbortController();
    let queued = 0;
    // onQueued is called synchronously inside acquire for a request that has to wait.
    const outcomes = Array.from({ length: max }, () => slots.acquire({ agent: 'one-agent', signal: controller.signal, onQueued: () => queued++ }));
    t.equal(max - queued, perAgent, `${max} slots: one agent runs ${perAgent} at once`);
    controller.abort();
    await Promise.all(outcomes);
  }
});
