// The worker registers the CLI's event handlers once (aws_guard_worker.py install_handler_template): each fork's
// session takes a copy. These tests hold that copy to what the CLI registers itself, per command and in order, and
// check that plugins named in a config still get the CLI's own driver, as a spawned CLI would build it.
import t from 'tap';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAwsCli } from '@aws-guard/broker/exec/run-aws-cli';
import { createWarmPool } from '@aws-guard/broker/exec/warm/warm-pool';
import { workerScript } from '@aws-guard/broker/exec/warm/worker-script';
import { resolvePythonCli, runIn, type RunFn } from './warm-fixture.js';

const { cli, python } = await resolvePythonCli();
const dir = mkdtempSync(join(tmpdir(), 'aws-guard-warm-template-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

// Lists an emitter's handlers: every event name with its handlers' names, in call order.
const listing = `
def name_of(h):
    f = getattr(h, '__func__', h)
    if not hasattr(f, '__qualname__'):
        f = type(f)
    return '%s.%s' % (f.__module__, f.__qualname__)

def listing(emitter):
    out = []
    def walk(node, path):
        if node['values'] is not None:
            out.append([path, [name_of(h) for section in node['values'] for h in section]])
        for key in sorted(node['children']):
            walk(node['children'][key], path + '.' + key if path else key)
    walk(emitter._handlers._root, '')
    return out
`;

// Builds the driver the way the CLI's script does (awscli.clidriver.create_clidriver) and, beside it, a session
// with the CLI's own registration steps; prints both listings, the driver builder's name, and whether a handler
// the previous command registered is there.
const probe = join(dir, 'template-aws');
writeFileSync(probe, `#!${python}
import json, sys, botocore.session, awscli.clidriver as clidriver
from awscli.plugin import load_plugins
${listing}
driver = clidriver.create_clidriver()
emitter = driver.session._original_handler
registered = listing(emitter)
planted = emitter._handlers.prefix_search('aws-guard-test.planted')
emitter.register('aws-guard-test.planted', lambda **kwargs: None)
own = botocore.session.Session(clidriver.EnvironmentVariables)
clidriver._set_user_agent_for_session(own)
load_plugins(own.full_config.get('plugins', {}), event_hooks=own.get_component('event_emitter'))
print(json.dumps({'builder': clidriver.create_clidriver.__qualname__, 'planted': len(list(planted)),
                  'driver': registered, 'own': listing(own._original_handler)}))
`);
chmodSync(probe, 0o755);

const pool = createWarmPool({ python, script: workerScript(), cliPath: cli.path, size: 1, log: () => undefined });
t.teardown(pool.close);
if ((await pool.ready) !== 1) throw new Error('the warm worker did not start');

type Listing = Array<[string, string[]]>;
type Seen = { builder: string; planted: number; driver: Listing; own: Listing };
const see = async (run: RunFn) => {
  const r = await runIn(run, probe, []);
  if (r.outcome.exitCode !== 0) throw new Error(`probe failed: ${r.stderr.toString()}`);
  return JSON.parse(r.stdout.toString()) as Seen;
};

t.test('a warm command\'s driver is built on the pre-registered handlers, a spawned one\'s on its own', async (t) => {
  t.match((await see(pool.run)).builder, /install_handler_template/);
  t.equal((await see(runAwsCli)).builder, 'create_clidriver');
});

t.test('the pre-registered handlers are exactly those the CLI registers itself, event by event, in order', async (t) => {
  const warm = await see(pool.run);
  const handlers = warm.driver.reduce((n, [, hs]) => n + hs.length, 0);
  t.ok(handlers > 300, `botocore's and the CLI's handlers are all there (${handlers})`);
  t.same(warm.driver, warm.own);
  t.same(warm.driver, (await see(runAwsCli)).driver, 'as in a spawned CLI');
});

t.test('a handler one command registers is not in the next command\'s emitter', async (t) => {
  const first = await see(pool.run);
  const second = await see(pool.run);
  t.equal(first.planted, 0);
  t.equal(second.planted, 0);
});

// A plugin that says, when the CLI initialises it, which handlers were registered before it: the CLI loads
// plugins named in the config before its own customizations, so only botocore's (those of a bare session).
const pluginDir = join(dir, 'plugins');
const pluginProbe = join(dir, 'plugin-aws');
writeFileSync(pluginProbe, `#!${python}
import sys
sys.path.insert(0, ${JSON.stringify(pluginDir)})
import awscli.clidriver
sys.exit(awscli.clidriver.main())
`);
chmodSync(pluginProbe, 0o755);
mkdirSync(pluginDir);
writeFileSync(join(pluginDir, 'aws_guard_test_plugin.py'), `import sys, botocore.session
${listing}
def awscli_initialize(events):
    before = listing(events._emitter)
    which = 'botocore\\'s only' if before == listing(botocore.session.Session()._original_handler) else 'more'
    sys.stderr.write('plugin initialised after %d handlers: %s\\n' % (sum(len(hs) for _, hs in before), which))
    events.register('session-initialized', lambda session, **kwargs: sys.stderr.write('plugin handler ran\\n'))
`);

t.test('plugins named in the config: the CLI\'s own driver, plugins first, as in a spawned CLI', async (t) => {
  const withPlugin = (s: { configFile: string }) => {
    writeFileSync(s.configFile, '[plugins]\naws_guard_test = aws_guard_test_plugin\n');
    return {};
  };
  const warm = await runIn(pool.run, pluginProbe, ['configure', 'list'], { over: withPlugin });
  const spawned = await runIn(runAwsCli, pluginProbe, ['configure', 'list'], { over: withPlugin });
  t.equal(warm.outcome.exitCode, 0, warm.stderr.toString());
  const lines = warm.stderr.toString();
  t.match(lines, /^plugin initialised after \d+ handlers: botocore's only\nplugin handler ran\n$/);
  t.equal(lines, spawned.stderr.toString());
});
