// `--output yaml` and `yaml-stream` (CLI v2 only): awscli's YAMLDumper. A bare scalar is written as JSON; anything
// else goes through ruamel.yaml's SafeRepresenter (sorted keys, `null`, floats as repr) and libyaml's emitter.
import { isCliObject, keysOf, type CliValue } from './cli-value.js';
import { formatPyFloat, formatPyNumber, isPyNumber, numberValue } from './py-number.js';
import { comparePyStrings } from './py-text.js';
import { serializeJson } from './render-json.js';
import { emitYaml, type YamlNode } from './yaml-emitter.js';

const floatText = (x: number): string => {
  if (Number.isNaN(x)) return '.nan';
  if (!Number.isFinite(x)) return x > 0 ? '.inf' : '-.inf';
  return formatPyFloat(x).toLowerCase();
};

/** SafeRepresenter: one node per value; a list or object met again is the same node (an alias when emitted). */
const represent = (value: CliValue): YamlNode => {
  const seen = new Map<object, YamlNode>();
  const node = (v: CliValue): YamlNode => {
    if (v === null) return { kind: 'scalar', tag: 'null', text: 'null' };
    if (typeof v === 'boolean') return { kind: 'scalar', tag: 'bool', text: v ? 'true' : 'false' };
    if (typeof v === 'string') return { kind: 'scalar', tag: 'str', text: v };
    if (typeof v === 'number' || isPyNumber(v)) {
      const float = typeof v === 'number' ? !Number.isInteger(v) : v.float;
      return float ? { kind: 'scalar', tag: 'float', text: floatText(numberValue(v)) } : { kind: 'scalar', tag: 'int', text: formatPyNumber(v) };
    }
    const known = seen.get(v);
    if (known !== undefined) return known;
    let made: YamlNode;
    if (Array.isArray(v)) {
      const items: YamlNode[] = [];
      made = { kind: 'seq', items };
      seen.set(v, made);
      for (const item of v) items.push(node(item));
    } else {
      const pairs: (readonly [YamlNode, YamlNode])[] = [];
      made = { kind: 'map', pairs };
      seen.set(v, made);
      for (const key of [...keysOf(v)].sort(comparePyStrings)) pairs.push([node(key), node(v[key]!)]);
    }
    return made;
  };
  return node(value);
};

const isJsonScalar = (v: CliValue): boolean => !Array.isArray(v) && !isCliObject(v);
const isEmptyObject = (v: CliValue): boolean => isCliObject(v) && keysOf(v).length === 0;

/** YAMLDumper.dump: a scalar as JSON on one line, anything else as a YAML document. */
const dump = (value: CliValue): string =>
  isJsonScalar(value) ? `${serializeJson(value, { ensureAscii: false })}\n` : emitYaml(represent(value));

/** `--output yaml`: nothing for an empty object, as JSON output. */
export const renderYaml = (value: CliValue): string => (isEmptyObject(value) ? '' : dump(value));

/**
 * `--output yaml-stream`: each response page as a one-item list. From the merged result this is one page; the
 * CLI streams a paginated operation page by page, applying --query to each (docs/output-rendering.md).
 */
export const renderYamlStream = (value: CliValue): string => (isEmptyObject(value) ? '' : dump([value]));
