#!/usr/bin/env node
// Cost of re-rendering over plain JSON.parse + JSON.stringify, on ~10 MB documents printed as the CLI prints them:
// one shaped like EC2 (XML protocol: no floats), one like a JSON-protocol service (a whole-second float timestamp
// in every item), and that one with a key JS would reorder (the exact reader, the slow case). Usage: SIZE_MB=10 node packages/broker/test/output/bench-output.mjs
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { loadTsModule } from '../../../../scripts/load-ts-module.mjs';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const load = (file) => loadTsModule(join(root, 'packages/broker/src/output', file));
const { parseCliJson } = await load('parse-cli-json.ts');
const { renderOutput } = await load('render-output.ts');
const { applyQuery } = await load('apply-query.ts');
const { pyNumber } = await load('py-number.ts');

const SIZE = Number(process.env.SIZE_MB ?? 10) * 1024 * 1024;
const instance = (i, floats) => ({
  InstanceId: `i-${i.toString(16).padStart(17, '0')}`,
  ImageId: 'ami-0abcdef1234567890',
  State: { Code: 16, Name: 'running' },
  LaunchTime: floats ? pyNumber(1764180000 + i, true) : '2026-11-26T18:00:00+00:00',
  Score: floats ? i * 0.37 + 0.01 : String(i),
  PrivateIpAddress: `10.0.${(i >> 8) & 255}.${i & 255}`,
  Tags: [{ Key: 'Name', Value: `server-${i} é 東京` }, { Key: 'Env', Value: 'prod' }],
  BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { DeleteOnTermination: true, Status: 'attached', VolumeId: `vol-${i}` } }],
  Monitoring: { State: 'disabled' },
  EbsOptimized: false,
  Platform: null,
  Description: 'line "quoted" \\ back\nslash',
});
const documentOf = (floats, indexKey) => {
  const reservations = [];
  let text = '';
  for (let r = 0; text.length < SIZE; r += 100) {
    for (let k = r; k < r + 100; k++) reservations.push({ ReservationId: `r-${k}`, OwnerId: '123456789012', Instances: Array.from({ length: 10 }, (_, j) => instance(k * 10 + j, floats)) });
    const doc = indexKey ? parseCliJson('{"Reservations": [], "2026": "a key JS would move"}') : {};
    doc.Reservations = reservations;
    const rendered = renderOutput(doc, 'json', { operation: 'DescribeInstances' });
    text = rendered.value;
  }
  return text;
};

const best = (f, runs = 8) => {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
};

const SHAPES = [
  ['EC2-like, no floats', false, false],
  ['JSON protocol, float timestamps', true, false],
  ['the same with a key JS would reorder (the exact reader)', true, true],
];
for (const [name, floats, indexKey] of SHAPES) {
  const text = documentOf(floats, indexKey);
  const plain = JSON.parse(text);
  const value = parseCliJson(text);
  if (renderOutput(value, 'json', { operation: 'X' }).value !== text) throw new Error('renderJson(parseCliJson(text)) !== text');
  const jsonParse = best(() => JSON.parse(text));
  const stringify = best(() => JSON.stringify(plain, null, 4));
  const parse = best(() => parseCliJson(text));
  const render = best(() => renderOutput(value, 'json', { operation: 'X' }));
  const query = best(() => applyQuery(value, 'Reservations[].Instances[].[InstanceId, LaunchTime]'), 4);
  const text_ = best(() => renderOutput(value, 'text', { operation: 'X' }), 3);
  const table = best(() => renderOutput(value, 'table', { operation: 'X' }), 2);
  const mb = (Buffer.byteLength(text) / 1024 / 1024).toFixed(1);
  console.log(`${name} (${mb} MB)`);
  console.log(`  JSON.parse ${jsonParse.toFixed(0)} ms + JSON.stringify ${stringify.toFixed(0)} ms = ${(jsonParse + stringify).toFixed(0)} ms`);
  console.log(`  parseCliJson ${parse.toFixed(0)} ms + json render ${render.toFixed(0)} ms = ${(parse + render).toFixed(0)} ms (extra ${(parse + render - jsonParse - stringify).toFixed(0)} ms)`);
  console.log(`  --query projection ${query.toFixed(0)} ms, text render ${text_.toFixed(0)} ms, table render ${table.toFixed(0)} ms`);
}
