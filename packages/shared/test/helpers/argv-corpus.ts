// Command lines built from the model: the minimal valid line of an operation, and seeded random lines that mix
// its options, abbreviations, globals, `--`, `=` forms and awkward values — for tests against the real CLI.
import type { ArgSpec, CommandNode, CustomNode, OperationNode } from '@aws-guard/shared/aws-model/model-types';
import type { ModelStore } from '@aws-guard/shared/aws-model/model-store';
import { missingSubcommandUsage } from '@aws-guard/shared/command/custom-commands';

/** mulberry32: small, fast, seedable; tests must be reproducible. */
export const seededRandom = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

export type Rng = () => number;
export const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)] as T;

const valueFor = (arg: ArgSpec, n: number): string => {
  if (arg.name === 'paths' || arg.name === 'path') return n === 0 ? 's3://bucket/key' : './local.txt';
  if (arg.choices !== null && arg.choices.length > 0) return arg.choices[0] as string;
  if (arg.type === 'int') return '1';
  if (arg.type === 'float') return '1.5';
  if (arg.outfile) return 'out.bin';
  return `v${n}`;
};

const count = (arg: ArgSpec): number => (typeof arg.nargs === 'number' ? arg.nargs : arg.nargs === '+' ? 1 : arg.nargs === '*' ? 1 : 1);

const requiredArgs = (node: OperationNode | CustomNode): string[] => {
  // Positionals first: a list option before them would swallow them (argparse nargs='*').
  const positionals = node.args.filter((a) => a.required && a.positional).flatMap((a) => Array.from({ length: count(a) }, (_, i) => valueFor(a, i)));
  const options = node.args.filter((a) => a.required && !a.positional).flatMap((a) => [`--${a.name}`, ...Array.from({ length: count(a) }, (_, i) => valueFor(a, i))]);
  return [...positionals, ...options];
};

/** The shortest line the CLI accepts for this node: its path, with each level's required arguments. */
export const minimalArgv = (node: OperationNode | CustomNode, model?: ModelStore): string[] => {
  const out: string[] = [node.path[0] as string];
  for (let depth = 2; depth < node.path.length; depth += 1) {
    // A subcommand under a custom command that has required options of its own (cloudformation deploy push).
    out.push(node.path[depth - 1] as string);
    const parent = model?.node(node.path.slice(0, depth));
    if (parent?.kind === 'custom') out.push(...requiredArgs(parent));
  }
  if (node.path.length > 1) out.push(node.path.at(-1) as string);
  return [...out, ...requiredArgs(node)];
};

/** Every operation and custom command node of the model, depth first, in the CLI's table order. */
export const allLeaves = (model: ModelStore, services?: readonly string[]): (OperationNode | CustomNode)[] => {
  const out: (OperationNode | CustomNode)[] = [];
  const walk = (node: CommandNode | undefined): void => {
    if (node === undefined) return;
    if (node.kind === 'service') for (const op of node.operations) walk(model.node([...node.path, op]));
    else if (node.kind === 'custom') {
      // A custom command with subcommands is a command of its own unless it only demands one (s3, wait, …).
      if (node.subcommands.length === 0 || missingSubcommandUsage(node) === null) out.push(node);
      for (const sub of node.subcommands) walk(model.node([...node.path, sub]));
    } else out.push(node);
  };
  for (const name of services ?? model.commandNames()) walk(model.node([name]));
  return out;
};

const AWKWARD_VALUES = [
  'v', '-v', '-1', '-1.5', '--', '-', 'help', 'a b', '-x y', '--x y', 'file://in.json', 'fileb://in.bin', 'file://~/p.json',
  'https://example.com/x', 'http://127.0.0.1:9/x', 'Key@=file://k.txt', 'a=1,b@=fileb://b.bin', '{"a":1}', '[1]', 's3://b/k',
  '', '=', '--=x', '-=', 'output', 'input', 'json', '—', '-\u00e9',
];

const spell = (rng: Rng, option: string): string => {
  const r = rng();
  if (r < 0.5) return `--${option}`;
  // Any prefix of at least one letter: unique, ambiguous or matching another level's option.
  const cut = 1 + Math.floor(rng() * option.length);
  return `--${option.slice(0, cut)}`;
};

/** A random line around one node: mostly plausible, often broken, always reproducible from the seed. */
export const randomArgv = (rng: Rng, node: OperationNode | CustomNode, globals: readonly ArgSpec[]): string[] => {
  const tokens: string[] = [];
  const n = 1 + Math.floor(rng() * 7);
  for (let i = 0; i < n; i += 1) {
    const r = rng();
    if (r < 0.45 && node.args.length > 0) {
      const arg = pick(rng, node.args);
      if (arg.positional) tokens.push(valueFor(arg, 0));
      else {
        const written = spell(rng, arg.name);
        const k = arg.action === 'store' || arg.action === 'append' ? count(arg) + (rng() < 0.2 ? 1 : 0) : rng() < 0.1 ? 1 : 0;
        if (k > 0 && rng() < 0.25) tokens.push(`${written}=${rng() < 0.5 ? valueFor(arg, 0) : pick(rng, AWKWARD_VALUES)}`);
        else tokens.push(written, ...Array.from({ length: k }, () => (rng() < 0.6 ? valueFor(arg, 0) : pick(rng, AWKWARD_VALUES))));
      }
    } else if (r < 0.65) {
      const g = pick(rng, globals);
      tokens.push(spell(rng, g.name));
      if (g.action === 'store') tokens.push(g.choices === null ? pick(rng, ['us-west-2', 'json', '-v', 'x']) : pick(rng, g.choices));
    } else tokens.push(pick(rng, AWKWARD_VALUES));
  }
  const path = [...node.path];
  // Globals may also come before the command or between its words.
  const at = Math.floor(rng() * (path.length + 1));
  const line = [...path.slice(0, at), ...(rng() < 0.3 ? tokens.splice(0, 1) : []), ...path.slice(at), ...tokens];
  return rng() < 0.1 ? line.filter((_, i) => i !== Math.floor(rng() * line.length)) : line;
};

const SHORTHAND_PIECES = [
  'Key', 'k', 'Name', 'Values', '=', '@=', '@ =', ' @= ', ',', ', ', '[', ']', '{', '}', 'v', 'x y', 'file://a.txt', 'fileb://b.bin',
  "'file://q.txt'", '"fileb://d q.bin"', 'file://~/h', 'file://$HOME/e', '\\,', "'it''s'", 'file://c,d', '=x', '@', 'file://',
];

/** Random text in (and around) the shorthand grammar, heavy on `@=` and file prefixes. */
export const randomShorthand = (rng: Rng): string => {
  let out = rng() < 0.8 ? pick(rng, ['Key', 'Name', 'Policy', 'a']) + pick(rng, ['=', '@=']) : '';
  const n = 1 + Math.floor(rng() * 8);
  for (let i = 0; i < n; i += 1) out += pick(rng, SHORTHAND_PIECES);
  return out;
};
