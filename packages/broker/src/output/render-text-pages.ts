// `--output text` of a paginated operation, as CLI v1's TextFormatter prints it page by page, reproduced from the
// merged result as if it were one page: exact whenever the CLI got one page (docs/output-rendering.md).
import { getOwn, isCliObject, makeObject, type CliObject, type CliValue } from './cli-value.js';
import { applyQuery, type CompiledQuery, type QueryIssue } from './apply-query.js';
import { renderText } from './render-text.js';
import type { Rendered } from './rendered.js';

/** The operation's paginator, as botocore's paginators-1.json (with its sdk-extras) describes it. */
export type Paginator = Readonly<{
  /** `result_key`: dotted paths whose values the pages add up (`Contents`, `DistributionList.Items`). */
  resultKeys: readonly string[];
  /** `non_aggregate_keys`: taken from the first page only (`Prefix`, `RequestCharged`). */
  nonAggregateKeys: readonly string[];
}>;

export type PagedText = Rendered | Readonly<{ ok: false; issue: QueryIssue & { stdout: string } }>;

const search = (value: CliValue, path: string): CliValue => {
  let at: CliValue | undefined = value;
  for (const key of path.split('.')) at = isCliObject(at ?? null) ? getOwn(at as CliObject, key) : undefined;
  return at ?? null;
};

/** botocore's set_value_from_jmespath: dotted keys, making the objects on the way. */
const setPath = (target: Map<string, unknown>, path: string, value: CliValue): void => {
  const [key, rest] = ((i) => (i < 0 ? [path, ''] : [path.slice(0, i), path.slice(i + 1)]))(path.indexOf('.'));
  if (rest === '') target.set(key, value);
  else {
    const inner = target.get(key);
    const next = inner instanceof Map ? (inner as Map<string, unknown>) : new Map<string, unknown>();
    target.set(key, next);
    setPath(next, rest, value);
  }
};

const toObject = (entries: Map<string, unknown>): CliObject =>
  makeObject([...entries].map(([k, v]) => [k, v instanceof Map ? toObject(v as Map<string, unknown>) : (v as CliValue)] as const));

/**
 * The one page TextFormatter formats: the non-aggregate keys (None when absent), then every result key, None when
 * the page had none: where the CLI prints a `None` line that the merged JSON does not show.
 */
const firstPage = (merged: CliObject, paginator: Paginator): CliObject => {
  const page = new Map<string, unknown>();
  for (const key of paginator.nonAggregateKeys) setPath(page, key, search(merged, key));
  for (const key of paginator.resultKeys) setPath(page, key, search(merged, key));
  return toObject(page);
};

/** The page and, after it, `NEXTTOKEN` as the CLI prints a `--max-items` resume token: both through the --query. */
export const renderPagedText = (merged: CliValue, query: CompiledQuery | undefined, paginator: Paginator): PagedText => {
  const obj: CliObject = isCliObject(merged) ? merged : {};
  const token = getOwn(obj, 'NextToken');
  const parts = [firstPage(obj, paginator)];
  if (typeof token === 'string') parts.push(makeObject([['NextToken', makeObject([['NextToken', token]])]]));
  let out = '';
  for (const part of parts) {
    const selected = applyQuery(part, query);
    if (!selected.ok) return { ok: false, issue: { ...selected.issue, stdout: out } };
    const text = renderText(selected.value);
    if (!text.ok) return { ok: false, issue: { ...text.issue, stdout: out + text.issue.stdout } };
    out += text.value;
  }
  return { ok: true, value: out };
};
