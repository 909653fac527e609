// argv → the frozen ParsedCommand the broker decides on: the real CLI's grammar (walk-command.ts), then what the
// command does (API operations, IAM actions), what it touches locally (file-refs.ts) and what is refused outright.
// The broker's parse is the one that counts; the shim may use it only to find files to send (DESIGN §7.3).
import type { ArgSpec, OperationNode } from '../aws-model/model-types.js';
import type { ModelStore } from '../aws-model/model-store.js';
import type { Ok } from '../result.js';
import type { OptionUse, ParsedValue } from './argparse-parse.js';
import type { ForbiddenUse, LocalFileRef, ParsedCommand } from './aws-command.js';
import { commandError, type CliMajor, type ParseIssue } from './cli-usage-error.js';
import { expandCustom, type Call, type Params } from './custom-commands.js';
import { deepFreeze } from './deep-freeze.js';
import { findFileRefs } from './file-refs.js';
import { forbiddenCommandUses, forbiddenGlobalUses } from './forbidden-uses.js';
import { iamActionsFor, normalizeActions } from './iam-actions.js';
import { checkS3Paths, s3LocalFiles } from './s3-commands.js';
import { walkCommand, type LevelValues } from './walk-command.js';

export type { ParseErrorCode, ParseIssue } from './cli-usage-error.js';

export type ParseDeps = Readonly<{
  model: ModelStore;
  /** The agent's environment as sent by the shim: only the region variables matter to the parse. */
  env?: Readonly<{ AWS_REGION?: string | undefined; AWS_DEFAULT_REGION?: string | undefined }>;
  /** The major version of the real CLI the broker runs (default 1): exit codes, region env, global options. */
  cliMajor?: CliMajor;
}>;

export type ParseFailure = Readonly<{ ok: false; issue: ParseIssue }>;
export type ParseResult = Ok<ParsedCommand> | ParseFailure;

type Shape = Pick<ParsedCommand, 'service' | 'operation' | 'apiOperation' | 'apiOperations' | 'custom' | 'iamActions' | 'params' | 'localFiles' | 'readsStdin' | 'localOnly'> & { forbidden: readonly ForbiddenUse[] };

const failure = (issue: ParseIssue): ParseFailure => Object.freeze({ ok: false, issue });

const paramValue = (value: ParsedValue): string | true | readonly string[] | undefined => {
  if (value === null) return undefined;
  if (typeof value === 'boolean') return true;
  if (typeof value === 'string') return value;
  // append actions (s3 --include/--exclude, s3 mb --tags) keep one list per occurrence: flatten them.
  return value.flatMap((v) => (typeof v === 'string' ? [v] : v));
};

const toRecord = (level: LevelValues): Record<string, string | true | readonly string[]> => {
  const out: Record<string, string | true | readonly string[]> = {};
  for (const [arg, value] of level.values) {
    const v = paramValue(value);
    if (v !== undefined) out[arg.name] = v;
  }
  return out;
};

const globalsRecord = (level: LevelValues): Record<string, string | true> => {
  const out: Record<string, string | true> = {};
  for (const [arg, value] of level.values) if (typeof value === 'string' || typeof value === 'boolean') out[arg.name] = typeof value === 'string' ? value : true;
  return out;
};

const regionOf = (globals: Record<string, string | true>, deps: ParseDeps, cli: CliMajor): string | null => {
  const given = globals.region;
  // clidriver sets the region only `if args.region`: an empty --region= falls back to the environment.
  if (typeof given === 'string' && given !== '') return given;
  const env = deps.env ?? {};
  const fromEnv = cli === 2 ? env.AWS_REGION || env.AWS_DEFAULT_REGION : env.AWS_DEFAULT_REGION;
  return fromEnv ? fromEnv : null;
};

const iamPrefixCache = new WeakMap<ModelStore, Map<string, string | null>>();
const iamPrefixOf = (model: ModelStore, service: string): string => {
  let cache = iamPrefixCache.get(model);
  if (cache === undefined) {
    cache = new Map(model.commandNames().map((n) => [model.command(n)?.botocoreService ?? '', model.command(n)?.iamPrefix ?? null]));
    iamPrefixCache.set(model, cache);
  }
  return cache.get(service) ?? service;
};

const localOnlyShape = (service: string, operation: string): Shape => ({
  service, operation, apiOperation: null, apiOperations: [], custom: false, iamActions: [], params: {}, localFiles: [], readsStdin: false, localOnly: true, forbidden: [],
});

const operationShape = (node: OperationNode, args: LevelValues, model: ModelStore, cli: CliMajor): Shape => {
  const [service = '', ...rest] = node.path;
  const info = model.command(service);
  const params = toRecord(args);
  const files = findFileRefs(args.values, cli);
  const skeleton = params['generate-cli-skeleton'] !== undefined;
  const base = {
    service, operation: rest.join(' '), custom: node.impl !== null, params, localFiles: files.refs, readsStdin: false,
    forbidden: [...forbiddenCommandUses(node.path), ...files.forbidden],
  };
  // --generate-cli-skeleton prints a template (or a stubbed response): nothing is called.
  if (skeleton) return { ...base, apiOperation: null, apiOperations: [], iamActions: [], localOnly: true };
  const actions = iamActionsFor({ service: info?.botocoreService ?? service, iamPrefix: info?.iamPrefix ?? service, api: node.api, httpMethod: node.http?.method ?? null });
  return { ...base, apiOperation: node.api, apiOperations: [node.api], iamActions: normalizeActions(actions), localOnly: false };
};

const customShape = (path: readonly string[], args: LevelValues, model: ModelStore, cli: CliMajor): Shape | ParseIssue => {
  const [service = '', ...rest] = path;
  const params: Params = toRecord(args);
  const files = findFileRefs(args.values, cli);
  const isS3 = service === 's3' && rest.length === 1;
  if (isS3) {
    const problem = checkS3Paths(rest[0] as string, params);
    if (problem !== null) return commandError(problem, cli);
  }
  const expansion = expandCustom(path, params);
  const forbidden = [...forbiddenCommandUses(path), ...files.forbidden];
  if (expansion === undefined)
    forbidden.push({ code: 'FORBIDDEN_COMMAND', arg: path.join(' '), reason: 'aws-guard does not know which API calls this custom command makes' });
  const calls: readonly Call[] = expansion?.calls ?? [];
  const iam = calls.flatMap((c) => iamActionsFor({ service: c.service, iamPrefix: iamPrefixOf(model, c.service), api: c.api, httpMethod: null }));
  const s3Files: readonly LocalFileRef[] = isS3 ? s3LocalFiles(rest[0] as string, params) : [];
  const local = forbidden.some((f) => f.code === 'LOCAL_ONLY_COMMAND');
  return {
    service, operation: rest.join(' '), custom: true, params,
    apiOperation: expansion?.main ?? null,
    apiOperations: calls.map((c) => c.api),
    iamActions: normalizeActions([...iam, ...(expansion?.extraIam ?? [])]),
    localFiles: [...s3Files, ...files.refs],
    readsStdin: s3Files.some((f) => f.form === 'stdio' && f.direction === 'in') || path.join(' ') === 'codecommit credential-helper get',
    localOnly: local,
    forbidden,
  };
};

const withForbiddenGlobals = (shape: Shape, uses: readonly OptionUse<ArgSpec>[]): Shape => ({
  ...shape,
  forbidden: [...forbiddenGlobalUses(uses), ...shape.forbidden],
});

export const parseCommand = (argv: readonly string[], deps: ParseDeps): ParseResult => {
  const cli: CliMajor = deps.cliMajor === 2 ? 2 : 1;
  const walked = walkCommand(argv, deps.model, cli);
  if (walked.kind === 'error') return failure(walked.issue);
  const globals = globalsRecord(walked.globals);
  let shape: Shape | ParseIssue;
  if (walked.kind === 'version') shape = localOnlyShape('', '--version');
  else if (walked.kind === 'help') {
    const [service = '', ...rest] = walked.path[0] === 'help' ? [] : walked.path;
    shape = localOnlyShape(service, [...rest, 'help'].join(' '));
  } else if (walked.kind === 'operation') shape = operationShape(walked.node, walked.args, deps.model, cli);
  else shape = customShape(walked.node.path, walked.args, deps.model, cli);
  if ('code' in shape && 'exitCode' in shape) return failure(shape);
  const s = withForbiddenGlobals(shape, walked.globals.uses);
  // Keys in ParsedCommand's declared order: explain --json prints them as they come.
  const parsed: ParsedCommand = {
    argv: [...argv],
    service: s.service,
    operation: s.operation,
    apiOperation: s.apiOperation,
    apiOperations: s.apiOperations,
    custom: s.custom,
    iamActions: s.iamActions,
    region: regionOf(globals, deps, cli),
    globals,
    params: s.params,
    localFiles: s.localFiles,
    readsStdin: s.readsStdin,
    localOnly: s.localOnly,
    forbidden: s.forbidden,
  };
  return Object.freeze({ ok: true as const, value: deepFreeze(parsed) });
};
