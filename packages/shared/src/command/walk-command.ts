// Runs argv through the CLI's parser levels in order, as awscli/clidriver.py does: MainArgParser over the whole
// argv, then the service's operation parser on what is left, then the operation's (or custom command's) argument
// parser, recursing into subcommands. Each level sees only the previous level's leftovers.
import type { ArgSpec, CommandNode, CustomNode, OperationNode } from '../aws-model/model-types.js';
import type { ModelStore } from '../aws-model/model-store.js';
import { parseLevel, type OptionUse, type ParsedValue, type ParserAction } from './argparse-parse.js';
import {
  argparseError,
  customUnknownOptionsError,
  missingSubcommandError,
  previewServiceError,
  unknownOptionsError,
  type CliMajor,
  type ParseIssue,
} from './cli-usage-error.js';
import { missingSubcommandUsage } from './custom-commands.js';
import { commandPositional, mainParserActions } from './global-options.js';
import { checkGlobalValues } from './global-values.js';
import { operationArgs } from './v2-arguments.js';

export type LevelValues = Readonly<{ values: ReadonlyMap<ArgSpec, ParsedValue>; uses: readonly OptionUse<ArgSpec>[] }>;

export type Walked =
  | Readonly<{ kind: 'version'; globals: LevelValues }>
  | Readonly<{ kind: 'help'; path: readonly string[]; globals: LevelValues }>
  | Readonly<{ kind: 'operation'; node: OperationNode; args: LevelValues; globals: LevelValues }>
  | Readonly<{ kind: 'custom'; node: CustomNode; args: LevelValues; globals: LevelValues }>
  | Readonly<{ kind: 'error'; issue: ParseIssue; globals: LevelValues | null }>;

type Ctx = Readonly<{ model: ModelStore; cli: CliMajor; globals: LevelValues }>;

// ServiceOperation._add_help: every operation parser ends with an optional `help` positional (no choices).
const helpPositional: ParserAction = Object.freeze({ ...commandPositional('help', [], true), choices: null });

/** Only the model's own arguments (not CommandAction positionals) go into a level's values. */
const ownValues = (values: ReadonlyMap<ParserAction, ParsedValue>, uses: readonly OptionUse<ParserAction>[]): LevelValues => {
  const own = new Map<ArgSpec, ParsedValue>();
  for (const [action, value] of values) if (action.action !== 'command') own.set(action as ArgSpec, value);
  return { values: own, uses: uses.filter((u) => u.action.action !== 'command') as OptionUse<ArgSpec>[] };
};

/** A CLI "help" token as the sole argument of a level prints help (ArgTableArgParser.parse_known_args). */
const soleHelp = (argv: readonly string[]): boolean => argv.length === 1 && argv[0] === 'help';

/** --cli-input-json / --generate-cli-skeleton (OverrideRequiredArgsArgument): their exact token lifts `required`. */
const liftRequired = (args: readonly ArgSpec[], argv: readonly string[]): readonly ArgSpec[] => {
  const lifts = args.some((a) => {
    if (a.overridesRequired === 0) return false;
    const at = argv.indexOf(`--${a.name}`);
    return at !== -1 && (a.overridesRequired === 1 || argv[at + 1] !== 'output');
  });
  return lifts ? args.map((a) => (a.positional || !a.required ? a : { ...a, required: false })) : args;
};

const walkOperation = (node: OperationNode, argv: readonly string[], ctx: Ctx): Walked => {
  if (soleHelp(argv)) return { kind: 'help', path: node.path, globals: ctx.globals };
  const args = operationArgs(node.args, ctx.cli);
  const lifted = liftRequired(args, argv);
  // A lifted copy must still be reported as the argument it was copied from.
  const original = new Map<ParserAction, ArgSpec>(lifted.map((a, i) => [a, args[i] as ArgSpec]));
  const result = parseLevel<ParserAction>([...lifted, helpPositional], argv);
  if (result.kind === 'error') return { kind: 'error', issue: argparseError(result.message, ctx.cli), globals: ctx.globals };
  if (result.kind === 'version') throw new Error('unreachable: operations have no version action');
  const help = result.values.get(helpPositional);
  if (help === 'help') return { kind: 'help', path: node.path, globals: ctx.globals };
  // ServiceOperation appends the positional only if truthy: an empty string is dropped.
  const extras = typeof help === 'string' && help !== '' ? [...result.extras, help] : result.extras;
  if (extras.length > 0) return { kind: 'error', issue: unknownOptionsError(extras, ctx.cli), globals: ctx.globals };
  const values = new Map<ParserAction, ParsedValue>();
  for (const [a, v] of result.values) if (a !== helpPositional) values.set(original.get(a) ?? a, v);
  const uses = result.uses.map((u) => ({ ...u, action: original.get(u.action) ?? u.action }));
  return { kind: 'operation', node, args: ownValues(values, uses), globals: ctx.globals };
};

const walkCustom = (node: CustomNode, argv: readonly string[], ctx: Ctx): Walked => {
  if (soleHelp(argv)) return { kind: 'help', path: node.path, globals: ctx.globals };
  const sub = node.subcommands.length > 0 ? commandPositional('subcommand', node.subcommands, true) : null;
  const result = parseLevel<ParserAction>(sub === null ? node.args : [...node.args, sub], argv);
  if (result.kind === 'error') return { kind: 'error', issue: argparseError(result.message, ctx.cli), globals: ctx.globals };
  if (result.kind === 'version') throw new Error('unreachable: custom commands have no version action');
  const chosen = sub === null ? undefined : result.values.get(sub);
  if (typeof chosen === 'string') return walkNode(ctx.model.node([...node.path, chosen]), result.extras, ctx);
  if (result.extras.length > 0) return { kind: 'error', issue: customUnknownOptionsError(result.extras, ctx.cli), globals: ctx.globals };
  const usage = missingSubcommandUsage(node);
  if (usage !== null) return { kind: 'error', issue: missingSubcommandError(usage, ctx.cli), globals: ctx.globals };
  return { kind: 'custom', node, args: ownValues(result.values, result.uses), globals: ctx.globals };
};

const walkNode = (node: CommandNode | undefined, argv: readonly string[], ctx: Ctx): Walked => {
  if (node === undefined) throw new Error('model: a command table names a command the model does not hold');
  if (node.kind === 'operation') return walkOperation(node, argv, ctx);
  if (node.kind === 'custom') return walkCustom(node, argv, ctx);
  // ServiceArgParser: a single `operation` positional; the service's own `help` is appended to its table.
  const operation = commandPositional('operation', [...node.operations, 'help'], false);
  const result = parseLevel([operation], argv);
  if (result.kind === 'error') return { kind: 'error', issue: argparseError(result.message, ctx.cli), globals: ctx.globals };
  if (result.kind === 'version') throw new Error('unreachable: the service parser has no version action');
  const name = result.values.get(operation) as string;
  // ServiceHelpCommand has no subcommands: anything after `help` is ignored.
  if (name === 'help') return { kind: 'help', path: node.path, globals: ctx.globals };
  return walkNode(ctx.model.node([...node.path, name]), result.extras, ctx);
};

/** `aws help [topic …]`: ProviderHelpCommand parses a topic among its help topics. */
const walkProviderHelp = (argv: readonly string[], ctx: Ctx): Walked => {
  if (argv.length === 0 || soleHelp(argv)) return { kind: 'help', path: [], globals: ctx.globals };
  const topic = commandPositional('subcommand', ctx.model.helpTopics(), true);
  const result = parseLevel([topic], argv);
  if (result.kind === 'error') return { kind: 'error', issue: argparseError(result.message, ctx.cli), globals: ctx.globals };
  const chosen = result.kind === 'parsed' ? result.values.get(topic) : undefined;
  return { kind: 'help', path: typeof chosen === 'string' ? ['help', chosen] : [], globals: ctx.globals };
};

export const walkCommand = (argv: readonly string[], model: ModelStore, cli: CliMajor): Walked => {
  const main = mainParserActions(model, cli);
  const result = parseLevel(main, argv);
  if (result.kind === 'error') return { kind: 'error', issue: argparseError(result.message, cli), globals: null };
  const command = main[main.length - 1] as ParserAction;
  const globals = ownValues(result.kind === 'version' ? new Map() : result.values, result.kind === 'version' ? [] : result.uses);
  if (result.kind === 'version') return { kind: 'version', globals };
  const invalid = checkGlobalValues(globals.values, cli);
  if (invalid !== null) return { kind: 'error', issue: invalid, globals };
  const ctx: Ctx = { model, cli, globals };
  const name = result.values.get(command) as string;
  if (name === 'help') return walkProviderHelp(result.extras, ctx);
  // PreviewModeCommandMixin: only a trailing `help` gets past a preview service that is not enabled.
  if (model.command(name)?.preview === true && result.extras.at(-1) !== 'help')
    return { kind: 'error', issue: previewServiceError(name), globals };
  return walkNode(model.node([name]), result.extras, ctx);
};
