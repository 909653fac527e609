#!/usr/bin/env node
// Generates packages/shared/model/ from the AWS CLI installed on this machine (see docs/parser.md).
// Usage: node scripts/generate-aws-model.mjs [--out DIR] [--python PATH]
//   --python  the interpreter that imports awscli (default: $AWS_GUARD_PYTHON, else python3)
// The Python side (scripts/aws-model/dump_cli_model.py) walks the CLI's own tables; this side only
// shapes its output: an index, one file per CLI command, options seen in many commands interned once.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const MODEL_FORMAT = 1;
// An option object repeated at least this often is stored once in index.json and referenced by number.
const INTERN_MIN_USES = 40;

// IAM service prefixes that are neither the signing name nor the endpoint prefix of the botocore model.
// Keyed by botocore service name; everything else uses signingName, else endpointPrefix.
const IAM_PREFIX_OVERRIDES = {
  cloudwatch: 'cloudwatch', // signs as "monitoring"
  'iot-data': 'iot', // signs as "iotdata"; actions are iot:Publish, iot:GetThingShadow, …
  'iot-jobs-data': 'iotjobsdata',
  'iotevents-data': 'iotevents',
  iotsecuretunneling: 'iot', // signs as "IoTSecuredTunneling"; actions are iot:OpenTunnel, …
  mturk: 'mechanicalturk',
};

const parseArgs = (argv) => {
  const out = { out: resolve(here, '../packages/shared/model'), python: process.env.AWS_GUARD_PYTHON || 'python3' };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = argv[i + 1];
    if ((flag === '--out' || flag === '--python') && value !== undefined) {
      out[flag.slice(2)] = flag === '--out' ? resolve(value) : value;
      i += 1;
    } else {
      throw new Error(`unknown argument ${flag}; usage: generate-aws-model.mjs [--out DIR] [--python PATH]`);
    }
  }
  return out;
};

const dumpCli = (python) => {
  const script = join(here, 'aws-model', 'dump_cli_model.py');
  const run = spawnSync(python, [script], {
    cwd: join(here, 'aws-model'),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
    // No __pycache__ beside the scripts.
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  });
  if (run.error) throw new Error(`cannot run ${python}: ${run.error.message} (set --python or AWS_GUARD_PYTHON)`);
  if (run.status !== 0) throw new Error(`${script} exited with ${run.status}`);
  return JSON.parse(run.stdout);
};

const eachNode = (node, visit) => {
  visit(node);
  for (const child of Object.values(node.s ?? {})) eachNode(child, visit);
};

// Interning is by exact JSON text, so a shared option is byte-for-byte the one the CLI dumped.
const internTable = (dump) => {
  const uses = new Map();
  const count = (opt) => {
    const key = JSON.stringify(opt);
    uses.set(key, (uses.get(key) ?? 0) + 1);
  };
  for (const command of dump.commands) eachNode(command.root, (node) => node.o?.forEach(count));
  const shared = [...uses.entries()]
    .filter(([, n]) => n >= INTERN_MIN_USES)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([key]) => key);
  return { shared: shared.map((key) => JSON.parse(key)), ids: new Map(shared.map((key, i) => [key, i])) };
};

const internNode = (node, ids) => {
  const out = { ...node };
  if (node.o) out.o = node.o.map((opt) => ids.get(JSON.stringify(opt)) ?? opt);
  if (node.s) out.s = Object.fromEntries(Object.entries(node.s).map(([name, child]) => [name, internNode(child, ids)]));
  return out;
};

const iamPrefix = (command) =>
  command.svc === undefined ? null : (IAM_PREFIX_OVERRIDES[command.svc] ?? command.sn ?? command.ep);

// One operation per line keeps diffs of a regenerated model readable.
// `sg` is the sensitive-output shape graph (see dump_cli_model.sensitive_graph), one shape per line.
const serviceFileText = (header, root, sg) => {
  const head = JSON.stringify(header).slice(0, -1);
  const graph = sg === undefined ? '' : `,"sg":{\n${Object.entries(sg).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',\n')}\n}`;
  if (root.k !== 'svc') return `${head},"root":${JSON.stringify(root)}${graph}}\n`;
  const ops = Object.entries(root.s).map(([name, node]) => `${JSON.stringify(name)}:${JSON.stringify(node)}`);
  return `${head},"root":{"k":"svc","s":{\n${ops.join(',\n')}\n}}${graph}}\n`;
};

const fileNameFor = (name) => {
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(name)) throw new Error(`unexpected command name ${JSON.stringify(name)}`);
  return `${name}.json`;
};

const main = () => {
  const started = Date.now();
  const options = parseArgs(process.argv.slice(2));
  console.log(`generate-aws-model: walking the AWS CLI with ${options.python} …`);
  const dump = dumpCli(options.python);
  const walked = Date.now();
  const { shared, ids } = internTable(dump);
  mkdirSync(options.out, { recursive: true });
  for (const file of readdirSync(options.out)) if (file.endsWith('.json')) rmSync(join(options.out, file));

  const commands = {};
  let bytes = 0;
  let operations = 0;
  for (const command of dump.commands) {
    const file = fileNameFor(command.n);
    const iam = iamPrefix(command);
    commands[command.n] = { f: file, ...(command.svc === undefined ? {} : { svc: command.svc, iam }), ...(command.pv ? { pv: 1 } : {}) };
    const header = { n: command.n, ...(command.svc === undefined ? {} : { svc: command.svc, sid: command.sid, iam }) };
    const text = serviceFileText(header, internNode(command.root, ids), command.sg);
    writeFileSync(join(options.out, file), text);
    bytes += Buffer.byteLength(text);
    eachNode(command.root, (node) => {
      if (node.k === 'op') operations += 1;
    });
  }
  const index = {
    v: MODEL_FORMAT,
    cli: dump.cli,
    botocore: dump.botocore,
    python: dump.python,
    globals: dump.globals,
    helpTopics: dump.helpTopics,
    shared,
    commands,
  };
  const indexText = `${JSON.stringify(index)}\n`;
  writeFileSync(join(options.out, 'index.json'), indexText);
  bytes += Buffer.byteLength(indexText);

  const largest = Object.values(commands)
    .map((c) => [c.f, statSync(join(options.out, c.f)).size])
    .sort((a, b) => b[1] - a[1])[0];
  console.log(
    `generate-aws-model: aws-cli ${dump.cli} / botocore ${dump.botocore}: ${dump.commands.length} commands, ` +
      `${operations} operations, ${shared.length} shared options`,
  );
  console.log(
    `generate-aws-model: wrote ${options.out}: ${(bytes / 1024 / 1024).toFixed(2)} MiB in ` +
      `${dump.commands.length + 1} files (largest ${largest[0]} ${(largest[1] / 1024).toFixed(0)} KiB, ` +
      `index ${(Buffer.byteLength(indexText) / 1024).toFixed(0)} KiB)`,
  );
  console.log(
    `generate-aws-model: ${((Date.now() - started) / 1000).toFixed(1)}s ` +
      `(CLI walk ${((walked - started) / 1000).toFixed(1)}s)`,
  );
};

main();
