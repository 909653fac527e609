// Reads the Prometheus text exposition format (what /metrics serves) into samples, strictly enough that a
// malformed line fails the test: `name{label="value",…} number` with the format's escapes in label values.

export type Sample = Readonly<{ name: string; labels: Readonly<Record<string, string>>; value: number }>;

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/gy;

const unescape = (value: string): string => value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));

// As Go's ParseFloat reads them (Prometheus does): the special values in any case; prom-client writes `Nan`.
const parseNumber = (text: string): number => {
  const lower = text.toLowerCase();
  if (lower === '+inf' || lower === 'inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  if (lower === 'nan') return NaN;
  const n = Number(text);
  if (Number.isNaN(n)) throw new Error(`not a number: ${text}`);
  return n;
};

export const parseMetricsText = (text: string): Sample[] => {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    if (m === null) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    const body = m[2] ?? '';
    LABEL.lastIndex = 0;
    let at = 0;
    for (let l = LABEL.exec(body); l !== null; l = LABEL.exec(body)) {
      labels[l[1]!] = unescape(l[2]!);
      at = LABEL.lastIndex;
    }
    if (at !== body.length) throw new Error(`bad labels: ${line}`);
    samples.push({ name: m[1]!, labels, value: parseNumber(m[3]!) });
  }
  return samples;
};

/** The sum of a metric's samples whose labels include `match` (0 when there are none). */
export const sumOf = (samples: readonly Sample[], name: string, match: Readonly<Record<string, string>> = {}): number =>
  samples
    .filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((total, s) => total + s.value, 0);

/** The metric's samples as `label=value,…` → value, for comparing two scrapes. */
export const seriesOf = (samples: readonly Sample[], name: string): Map<string, number> =>
  new Map(samples.filter((s) => s.name === name).map((s) => [Object.entries(s.labels).sort().map(([k, v]) => `${k}=${v}`).join(','), s.value]));
