// Where the shim's milliseconds go: with AWS_GUARD_SHIM_TIMING=1 the shim marks each phase of its life and
// prints them on stderr before it exits (scripts/bench-shim-startup.mjs reads them). Off, marks cost nothing.
export type ShimPhase =
  /** The shim's entry module has been loaded, compiled and evaluated. */
  | 'loaded'
  /** URL and token read. */
  | 'config'
  /** The WebSocket connect has begun (TCP connect, then the upgrade request). */
  | 'connecting'
  /** The command's relay (protocol schemas, local files) is loaded, in parallel with the connect. */
  | 'relay-loaded'
  /** The broker answered the upgrade: it verified the token and audited the connection. */
  | 'upgraded'
  | 'hello'
  | 'command-sent'
  | 'accepted'
  | 'first-output'
  | 'exit-received'
  /** Output flushed, connection closed: the process exits now. */
  | 'done';

export type ShimTiming = Readonly<{
  mark: (phase: ShimPhase) => void;
  /** The report's lines (empty when timing is off). */
  report: () => string;
}>;

export const NO_TIMING: ShimTiming = Object.freeze({ mark: () => undefined, report: () => '' });

/** Node's own start-up, from performance.nodeTiming (ms since the process began). */
const NODE_PHASES = ['v8Start', 'environment', 'bootstrapComplete'] as const;

const line = (phase: string, atMs: number, cpuMs: number | undefined) =>
  `aws-guard: timing ${phase.padEnd(18)} at=${atMs.toFixed(1).padStart(7)} ms${cpuMs === undefined ? '' : ` cpu=${cpuMs.toFixed(1).padStart(6)} ms`}\n`;

/** Times are since the process began (performance.timeOrigin); cpu is user + system time used so far. */
export const createShimTiming = (): ShimTiming => {
  const marks: [ShimPhase, number, number][] = [];
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  return Object.freeze({
    mark: (phase: ShimPhase) => {
      if (!marks.some(([p]) => p === phase)) marks.push([phase, performance.now(), cpuMs()]);
    },
    report: () => {
      const node = NODE_PHASES.map((p) => line(`node.${p}`, performance.nodeTiming[p], undefined));
      return [...node, ...marks.map(([p, at, cpu]) => line(p, at, cpu))].join('');
    },
  });
};
