// A 200 MB file up and back through the gateway (aws s3 cp both ways): byte-identical, and memory stays
// bounded on both ends — the shim's peak RSS and the broker's peak growth are not proportional to the file.
import t from 'tap';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMoto } from '../helpers/moto.js';
import { startBroker, writeAllowAllPolicy } from '../helpers/broker.js';
import { agentEnv, runAws, type RunResult } from '../helpers/shim.js';
import { runAwsDirect } from '../helpers/real-aws.js';
import { sha256File, writeBigFile } from '../helpers/big-file.js';
import { mb, readVmBytes, resetPeakRss, watchPeakRss } from '../helpers/peak-rss.js';

const SIZE = 200 * 1024 * 1024;
// Measured (2 cores, loaded): shim 79-107 MB, broker growth 0-35 MB for 200 MB; 88-90 MB and 4-42 MB for 1 GiB.
const SHIM_PEAK_LIMIT = 150 * 1024 * 1024;
const BROKER_GROWTH_LIMIT = 120 * 1024 * 1024;

t.setTimeout(600_000);
const moto = await startMoto();
t.teardown(moto.stop);
const policyFile = await writeAllowAllPolicy();
const broker = await startBroker({ endpointUrl: moto.url, args: ['--policy', policyFile] });
t.teardown(broker.stop);
const env = await agentEnv(broker.url, await broker.token(), { HOME: await mkdtemp(join(tmpdir(), 'agent-home-')) });
const cwd = await mkdtemp(join(tmpdir(), 'agent-cwd-'));
t.teardown(() => rm(cwd, { recursive: true, force: true }));

/** Runs the shim, polling its peak RSS until it exits, and the broker's peak above its RSS before the run. */
const measured = async (args: readonly string[]) => {
  const brokerBefore = readVmBytes(broker.pid, 'VmRSS') ?? 0;
  const reset = resetPeakRss(broker.pid);
  const brokerHwmBefore = readVmBytes(broker.pid, 'VmHWM') ?? 0;
  const brokerWatch = watchPeakRss(broker.pid);
  let shimWatch: ReturnType<typeof watchPeakRss> | undefined;
  const started = performance.now();
  const res: RunResult = await runAws(args, { env, cwd, onSpawn: (pid) => (shimWatch = watchPeakRss(pid)) });
  const seconds = (performance.now() - started) / 1000;
  const shimPeak = shimWatch?.stop() ?? 0;
  const brokerPeak = brokerWatch.stop();
  // Without a reset the broker's VmHWM is its lifetime peak: growth is measured against that peak instead.
  const brokerGrowth = Math.max(0, brokerPeak - (reset ? brokerBefore : Math.max(brokerBefore, brokerHwmBefore)));
  return { res, seconds, shimPeak, brokerBefore, brokerPeak, brokerGrowth, reset };
};

t.test('200 MB up and back down through the shim: identical bytes, bounded memory on both ends', async (t) => {
  t.equal((await runAwsDirect(['s3', 'mb', 's3://xfer'], moto.url)).code, 0, 'bucket made');
  const digest = await writeBigFile(join(cwd, 'big.bin'), SIZE);

  const up = await measured(['s3', 'cp', 'big.bin', 's3://xfer/big.bin']);
  t.equal(up.res.code, 0, `upload exit 0 (stderr: ${up.res.stderr})`);
  const head = await runAwsDirect(['s3api', 'head-object', '--bucket', 'xfer', '--key', 'big.bin'], moto.url);
  t.equal(JSON.parse(head.stdout.toString()).ContentLength, SIZE, 'the emulator holds all 200 MB');

  const down = await measured(['s3', 'cp', 's3://xfer/big.bin', 'out.bin']);
  t.equal(down.res.code, 0, `download exit 0 (stderr: ${down.res.stderr})`);
  t.equal((await stat(join(cwd, 'out.bin'))).size, SIZE);
  t.equal(await sha256File(join(cwd, 'out.bin')), digest, 'the downloaded file is byte-identical (SHA-256)');

  for (const [name, m] of [['upload', up], ['download', down]] as const) {
    t.comment(`${name}: ${(SIZE / 1024 / 1024 / m.seconds).toFixed(1)} MB/s (${m.seconds.toFixed(1)} s); shim peak RSS ${mb(m.shimPeak)}; broker RSS before ${mb(m.brokerBefore)}, peak ${mb(m.brokerPeak)}, growth ${mb(m.brokerGrowth)}${m.reset ? '' : ' (peak not resettable: against its lifetime peak)'}`);
    t.ok(m.shimPeak > 0, `${name}: the shim's RSS was read`);
    t.ok(m.shimPeak < SHIM_PEAK_LIMIT, `${name}: shim peak RSS ${mb(m.shimPeak)} < ${mb(SHIM_PEAK_LIMIT)}`);
    t.ok(m.brokerGrowth < BROKER_GROWTH_LIMIT, `${name}: broker peak growth ${mb(m.brokerGrowth)} < ${mb(BROKER_GROWTH_LIMIT)}`);
  }
});
