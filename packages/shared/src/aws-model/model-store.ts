// Loads the generated AWS CLI model lazily: index.json on first use, then one command's file the first time
// that command is looked up (sync read, cached for the life of the store). Lookups never touch the disk twice.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  ArgSpec,
  CommandInfo,
  CommandNode,
  CommandPath,
  OperationNode,
  RawCommandFile,
  RawIndex,
  RawNode,
} from './model-types.js';
import { readArg, readNode } from './read-node.js';
import { expandSensitivePaths, type SensitiveGraph } from './sensitive-paths.js';

/** The model format this code reads; scripts/generate-aws-model.mjs writes the same number. */
export const MODEL_FORMAT = 1;

/** The model is missing or unreadable: the program cannot parse any command (fail closed). */
export class ModelLoadError extends Error {
  override readonly name = 'ModelLoadError';
}

export type ModelStore = Readonly<{
  /** The AWS CLI and botocore versions the model was generated from. */
  versions: () => Readonly<{ cli: string; botocore: string }>;
  /** The main parser's options (`--debug`, `--region`, …, `--version`), in the CLI's order. */
  globalArgs: () => readonly ArgSpec[];
  /** Top-level command names in the CLI's command-table order (the `help` command is not included). */
  commandNames: () => readonly string[];
  helpTopics: () => readonly string[];
  hasCommand: (name: string) => boolean;
  command: (name: string) => CommandInfo | undefined;
  /** A node by CLI names: `['s3api']`, `['s3api', 'get-object']`, `['ec2', 'wait', 'instance-running']`, `['s3', 'cp']`. */
  node: (path: CommandPath) => CommandNode | undefined;
  /** Shorthand for an API operation of a service: `operation('rds', 'describe-db-instances')`. */
  operation: (service: string, operation: string) => OperationNode | undefined;
  /** JSON paths of the output values botocore marks `"sensitive": true` (see sensitive-paths.ts). */
  sensitivePaths: (node: OperationNode) => readonly string[];
  /**
   * The raw sensitive-shape graph of the command file the operation belongs to, rooted at
   * `node.sensitiveOutput`. Walk it together with a value (broker masking/mask-document.ts): some graphs are
   * recursive or expand to more paths than sensitivePaths returns.
   */
  sensitiveGraph: (node: OperationNode) => SensitiveGraph;
}>;

/** packages/shared/model, next to this source tree (tests and development; a bundle passes its own dir). */
export const sourceModelDir = (): string => fileURLToPath(new URL('../../model/', import.meta.url));

const readJson = <T>(file: string): T => {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (e) {
    throw new ModelLoadError(`cannot load the AWS model file ${file}: ${(e as Error).message}`);
  }
};

const EMPTY_GRAPH: SensitiveGraph = Object.freeze({});

const childOf = (raw: RawNode, name: string): RawNode | undefined =>
  raw.k === 'op' || raw.s === undefined || !Object.hasOwn(raw.s, name) ? undefined : raw.s[name];

export const createModelStore = (dir: string): ModelStore => {
  let index: RawIndex | undefined;
  let shared: readonly ArgSpec[] = [];
  let globals: readonly ArgSpec[] = [];
  let names: readonly string[] = [];
  const files = new Map<string, RawCommandFile>();
  const nodes = new Map<string, CommandNode | undefined>();

  const loadIndex = (): RawIndex => {
    if (index !== undefined) return index;
    const loaded = readJson<RawIndex>(join(dir, 'index.json'));
    if (loaded.v !== MODEL_FORMAT)
      throw new ModelLoadError(`the AWS model in ${dir} has format ${loaded.v}, this program reads ${MODEL_FORMAT}`);
    shared = Object.freeze(loaded.shared.map(readArg));
    globals = Object.freeze(loaded.globals.map(readArg));
    names = Object.freeze(Object.keys(loaded.commands));
    index = loaded;
    return loaded;
  };

  const commandFile = (name: string): RawCommandFile | undefined => {
    const entry = Object.hasOwn(loadIndex().commands, name) ? loadIndex().commands[name] : undefined;
    if (entry === undefined) return undefined;
    let file = files.get(name);
    if (file === undefined) {
      file = readJson<RawCommandFile>(join(dir, entry.f));
      files.set(name, file);
    }
    return file;
  };

  const node = (path: CommandPath): CommandNode | undefined => {
    const key = path.join(' ');
    if (nodes.has(key)) return nodes.get(key);
    const [head, ...rest] = path;
    const file = head === undefined ? undefined : commandFile(head);
    let raw: RawNode | undefined = file?.root;
    for (const name of rest) raw = raw === undefined ? undefined : childOf(raw, name);
    const found = raw === undefined ? undefined : readNode(raw, path, shared);
    nodes.set(key, found);
    return found;
  };

  const command = (name: string): CommandInfo | undefined => {
    const entry = Object.hasOwn(loadIndex().commands, name) ? loadIndex().commands[name] : undefined;
    if (entry === undefined) return undefined;
    return Object.freeze({ name, botocoreService: entry.svc ?? null, iamPrefix: entry.iam ?? null, preview: entry.pv === 1 });
  };

  return Object.freeze({
    versions: () => Object.freeze({ cli: loadIndex().cli, botocore: loadIndex().botocore }),
    globalArgs: () => (loadIndex(), globals),
    commandNames: () => (loadIndex(), names),
    helpTopics: () => loadIndex().helpTopics,
    hasCommand: (name: string) => Object.hasOwn(loadIndex().commands, name),
    command,
    node,
    operation: (service: string, operation: string) => {
      const found = node([service, operation]);
      return found?.kind === 'operation' ? found : undefined;
    },
    sensitivePaths: (op: OperationNode) => {
      const root = op.sensitiveOutput;
      const file = op.path[0] === undefined ? undefined : commandFile(op.path[0]);
      return root === null || file === undefined ? [] : expandSensitivePaths(file.sg ?? {}, root);
    },
    sensitiveGraph: (op: OperationNode) => {
      const file = op.path[0] === undefined ? undefined : commandFile(op.path[0]);
      return file?.sg ?? EMPTY_GRAPH;
    },
  });
};
