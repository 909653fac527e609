// Masks one parsed CLI output (`--output json`, before the agent's --query): walks the value beside the model's
// sensitive graph and the policy's path tries (never an expanded path list), masks whole sensitive values, runs
// the pattern detectors on every other string, and keeps revealed values out of the record.
import type { RawSensitiveEntry } from '@aws-guard/shared/aws-model/model-types';
import { findLeafSecrets } from './find-leaf-secrets.js';
import { formatMask, type MaskStyle } from './mask-style.js';
import { TRIGGER } from './secret-detectors.js';
import { NO_PATHS, pathEndingHere, stepItem, stepMember, type PathState } from './output-paths.js';
import type { MaskPlan } from './plan-document-masking.js';

export type MaskedDocument = Readonly<{
  /** What the agent gets: every sensitive value masked except those a policy reveals. */
  value: unknown;
  /** What the recording, the audit and the logs may see: revealed values masked too (=== value without reveals). */
  recordValue: unknown;
  /** Masked values by member path (`SecretString`, `Parameters[].Value`), policy path, or pattern kind. */
  masked: Readonly<Record<string, number>>;
  /** The reveal paths that showed the agent a value, in the order first met. */
  revealed: readonly string[];
}>;

type Ref = string | 1;
/** The value's path inside the sensitive graph (for counts), built only while the walk is in the graph. */
type Where = Readonly<{ up: Where | undefined; seg: string }> | undefined;

/** Where one value stands. */
type Spot = Readonly<{
  /** Its node in the sensitive graph: a shape, 1 (sensitive), or undefined (outside the graph). */
  ref: Ref | undefined;
  where: Where;
  /** The member name its mask carries. */
  name: string;
  /** The key it sits under: context for the named detectors (`"SessionToken": "…"`). */
  context: string;
  unmarked: PathState;
  masks: PathState;
  reveals: PathState;
  /** Inside a revealed value: only policy masks apply. */
  clear: boolean;
  depth: number;
}>;

/** What the walk learns once per distinct key (keys repeat thousands of times in a list output). */
type KeyFacts = Readonly<{ secretFree: boolean; context: string; safeName: boolean }>;

type Walk = Readonly<{
  plan: MaskPlan;
  style: MaskStyle;
  reveal: boolean;
  counts: Record<string, number>;
  revealed: Set<string>;
  keys: Map<string, KeyFacts>;
}>;

/** A whole output the model marks sensitive: every member of it, each under its own name. */
const WHOLE_OUTPUT = '\u0000whole-output';
const SAFE_NAME = /^[A-Za-z0-9_.:-]{1,100}$/;
/**
 * Deeper than any AWS output (DynamoDB, the deepest user-shaped one, stops at 32 levels); a deeper value is masked
 * whole without being looked at, so that neither this walk nor a renderer runs out of stack.
 */
export const MAX_DOCUMENT_DEPTH = 1000;

/**
 * A key that holds no trigger word cannot make a named detector fire, so it is no context worth passing
 * (find-leaf-secrets.ts then scans the value alone); a key that holds a secret is never cached (it is counted).
 */
const factsOf = (w: Walk, key: string): KeyFacts => {
  const known = w.keys.get(key);
  if (known !== undefined) return known;
  const facts = { secretFree: findLeafSecrets(key, '', w.plan.patterns).length === 0, context: TRIGGER.test(key) ? key : '', safeName: SAFE_NAME.test(key) };
  if (facts.secretFree) w.keys.set(key, facts);
  return facts;
};

const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};

/** The path text sensitive-paths.ts would write for this place. */
const pathOf = (where: Where): string => {
  const segs: string[] = [];
  for (let w = where; w !== undefined; w = w.up) segs.push(w.seg);
  let path = '';
  for (const seg of segs.reverse())
    path = seg === '[]' ? `${path === '' ? '@' : path}[]` : path === '' ? seg : `${path}.${seg}`;
  return path === '' ? '@' : path;
};

const count = (w: Walk, key: string): void => {
  w.counts[key] = (w.counts[key] ?? 0) + 1;
};

const maskWhole = (w: Walk, value: unknown, name: string, countKey: string): string => {
  count(w, countKey);
  return formatMask(name, value, w.style);
};

/** One string with the pattern detectors' (and policy patterns') finds replaced, counted by kind. */
const maskString = (w: Walk, text: string, context: string): string => {
  const found = findLeafSecrets(text, context, w.plan.patterns);
  if (found.length === 0) return text;
  let out = '';
  let at = 0;
  for (const f of found) {
    out += text.slice(at, f.start) + formatMask(f.name, text.slice(f.start, f.end), w.style);
    count(w, f.name);
    at = f.end;
  }
  return out + text.slice(at);
};

/** JSON.parse makes `__proto__` an own key; plain assignment would set the prototype instead. */
const setOwn = (obj: Record<string, unknown>, key: string, value: unknown): void => {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
};

const entryOf = (w: Walk, ref: Ref | undefined, value: Record<string, unknown> | readonly unknown[]): RawSensitiveEntry | undefined => {
  if (typeof ref !== 'string') return undefined;
  if (ref === WHOLE_OUTPUT) return { m: Object.fromEntries(Object.keys(value).map((k) => [k, 1 as const])) };
  return Object.hasOwn(w.plan.graph, ref) ? w.plan.graph[ref] : undefined;
};

const visitList = (w: Walk, list: readonly unknown[], spot: Spot): unknown => {
  const entry = entryOf(w, spot.ref, list);
  // The model expects something else here (or lacks the shape): mask it whole rather than guess (fail closed).
  if (typeof spot.ref === 'string' && entry?.l === undefined) return maskWhole(w, list, spot.name, pathOf(spot.where));
  const child: Spot = {
    ...spot,
    ref: entry?.l,
    where: entry?.l === undefined ? undefined : { up: spot.where, seg: '[]' },
    unmarked: stepItem(spot.unmarked),
    masks: stepItem(spot.masks),
    reveals: stepItem(spot.reveals),
    depth: spot.depth + 1,
  };
  let out: unknown[] | undefined;
  list.forEach((item, i) => {
    const masked = visit(w, item, child);
    if (masked !== item && out === undefined) out = list.slice(0, i);
    if (out !== undefined) out.push(masked);
  });
  return out ?? list;
};

const visitObject = (w: Walk, obj: Record<string, unknown>, spot: Spot): unknown => {
  const entry = entryOf(w, spot.ref, obj);
  if (typeof spot.ref === 'string' && entry?.m === undefined && entry?.v === undefined)
    return maskWhole(w, obj, spot.name, pathOf(spot.where));
  const keys = Object.keys(obj);
  let out: Record<string, unknown> | undefined;
  keys.forEach((key, i) => {
    const member = entry?.m !== undefined && Object.hasOwn(entry.m, key) ? entry.m[key] : undefined;
    const ref = member ?? entry?.v;
    const facts = factsOf(w, key);
    // A map value is named by its map; outside the graph a key is a name when it looks like one.
    const name = member === undefined && entry?.v !== undefined ? spot.name : facts.safeName ? key : spot.name;
    const child: Spot = {
      ref,
      where: ref === undefined ? undefined : { up: spot.where, seg: member === undefined ? '*' : key },
      name,
      context: facts.context,
      unmarked: stepMember(spot.unmarked, key),
      masks: stepMember(spot.masks, key),
      reveals: stepMember(spot.reveals, key),
      clear: spot.clear,
      depth: spot.depth + 1,
    };
    const value = obj[key];
    const masked = visit(w, value, child);
    const outKey = spot.clear || facts.secretFree ? key : maskString(w, key, '');
    if ((masked !== value || outKey !== key) && out === undefined) {
      out = {};
      for (const k of keys.slice(0, i)) setOwn(out, k, obj[k]);
    }
    // Two keys masked alike (same kind and length) must not overwrite each other.
    if (out !== undefined) setOwn(out, uniqueKey(out, outKey), masked);
  });
  return out ?? obj;
};

const uniqueKey = (obj: Record<string, unknown>, key: string): string => {
  if (!Object.hasOwn(obj, key)) return key;
  let n = 2;
  while (Object.hasOwn(obj, `${key} #${n}`)) n++;
  return `${key} #${n}`;
};

/** The agent's copy of a revealed value: shown as it is, except where a policy mask path reaches inside it. */
const reveal = (w: Walk, value: unknown, spot: Spot): unknown =>
  spot.masks.length === 0 ? value : visit(w, value, { ...spot, ref: undefined, where: undefined, unmarked: NO_PATHS, reveals: NO_PATHS, clear: true });

const visit = (w: Walk, value: unknown, spot: Spot): unknown => {
  if (value === null || value === undefined) return value; // nothing secret in nothing
  if (spot.depth > MAX_DOCUMENT_DEPTH) {
    count(w, 'NestedTooDeep');
    return `****(masked: ${spot.name}, nested too deep)`;
  }
  const masked = pathEndingHere(spot.masks);
  // A policy mask beats a reveal, as deny beats allow.
  if (masked !== undefined) return maskWhole(w, value, spot.name, spot.ref === 1 ? pathOf(spot.where) : masked);
  if (w.reveal && !spot.clear) {
    const revealed = pathEndingHere(spot.reveals);
    if (revealed !== undefined) {
      w.revealed.add(revealed);
      return reveal(w, value, spot);
    }
  }
  if (spot.ref === 1) return maskWhole(w, value, spot.name, pathOf(spot.where));
  const unmarked = pathEndingHere(spot.unmarked);
  if (unmarked !== undefined) return maskWhole(w, value, spot.name, unmarked);
  if (Array.isArray(value)) return visitList(w, value, spot);
  if (isPlainObject(value)) return visitObject(w, value, spot);
  // A scalar where the model has a shape with sensitive parts: mask it whole rather than guess (fail closed).
  if (typeof spot.ref === 'string') return maskWhole(w, value, spot.name, pathOf(spot.where));
  return typeof value === 'string' && !spot.clear ? maskString(w, value, spot.context) : value;
};

const run = (value: unknown, plan: MaskPlan, style: MaskStyle, withReveals: boolean) => {
  const w: Walk = { plan, style, reveal: withReveals, counts: {}, revealed: new Set(), keys: new Map() };
  const ref = plan.root === null ? undefined : plan.root === true ? (isPlainObject(value) ? WHOLE_OUTPUT : 1) : plan.root;
  const spot: Spot = { ref, where: undefined, name: plan.rootName, context: '', unmarked: plan.unmarked, masks: plan.masks, reveals: plan.reveals, clear: false, depth: 0 };
  return { value: visit(w, value, spot), counts: w.counts, revealed: [...w.revealed] };
};

/**
 * Masks a parsed output (plain JSON: objects, arrays, strings, numbers, booleans, null; the input is not changed,
 * unchanged parts are shared). Without a reveal that showed something, recordValue is value itself.
 */
export const maskDocument = (value: unknown, plan: MaskPlan, style: MaskStyle): MaskedDocument => {
  const agent = run(value, plan, style, true);
  const recordValue = agent.revealed.length === 0 ? agent.value : run(value, plan, style, false).value;
  return Object.freeze({ value: agent.value, recordValue, masked: Object.freeze(agent.counts), revealed: Object.freeze(agent.revealed) });
};
