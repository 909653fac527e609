// What flows and leaves may tell the metrics (docs/metrics.md): small recording functions with bounded label
// values only. No agent, human, session id, argv, ARN or secret ever becomes a label; prom-client stays in
// broker-metrics.ts, so nothing else imports it.
import { RISKS, type Risk } from '@aws-guard/shared/command/aws-command';

/** The policy's effect, or `none` when the command ended before a decision (unparseable, `--version`, store down). */
export const DECISIONS = ['allow', 'deny', 'approve', 'none'] as const;
export type DecisionLabel = (typeof DECISIONS)[number];

/** `unknown` when the command could not be parsed. */
export type RiskLabel = Risk | 'unknown';
export const RISK_LABELS: readonly RiskLabel[] = [...RISKS, 'unknown'];

/**
 * How a command ended: the CLI exited 0 (`ok`) or not (`error`), was stopped (`timeout`, `output_limit`,
 * `killed`), was `refused` before running (policy, approval, files), `cancelled` by the agent, or `failed` on the
 * broker's side (store, credentials, spawn, audit).
 */
export const OUTCOMES = ['ok', 'error', 'timeout', 'output_limit', 'killed', 'refused', 'cancelled', 'failed'] as const;
export type OutcomeLabel = (typeof OUTCOMES)[number];

/** How a wait for a human ended. */
export const APPROVAL_OUTCOMES = ['approved', 'denied', 'expired', 'cancelled', 'refused', 'abandoned', 'unavailable'] as const;
export type ApprovalOutcome = (typeof APPROVAL_OUTCOMES)[number];

/**
 * What was masked: a pattern detector's kind (masking/secret-detectors.ts SecretKind, and `LoginPassword`),
 * `document` for a value masked by its place in the output (the service model or a policy mask path; a policy
 * pattern inside a document too), and `policy_pattern` for a policy's own stream pattern. Rule ids and output
 * paths are not labels: there is no bound on them. The detector kinds must list SecretKind (leaves do not import
 * each other; a test checks they agree).
 */
export const DETECTOR_KINDS = [
  'AccessKeyId', 'SecretAccessKey', 'SessionToken', 'PrivateKey', 'JWT', 'PresignedSignature', 'PresignedCredential',
  'EksToken', 'EcrToken', 'LoginPassword',
] as const;
export const MASKED_KINDS = [...DETECTOR_KINDS, 'document', 'policy_pattern'] as const;
export type MaskedKind = (typeof MASKED_KINDS)[number];

export const CHANNELS = ['agent', 'approver'] as const;
export type Channel = (typeof CHANNELS)[number];

// Must list auth/verify-token.ts REJECTION_REASONS (a test checks they agree).
export const TOKEN_REJECTION_REASONS = [
  'missing', 'malformed', 'expired', 'not-yet-valid', 'bad-signature', 'unknown-key', 'algorithm',
  'wrong-issuer', 'wrong-audience', 'claims', 'wrong-role', 'missing-claim', 'jwks-unavailable', 'lifetime-too-long',
] as const;

export type CommandLabels = Readonly<{ decision: DecisionLabel; risk: RiskLabel; outcome: OutcomeLabel }>;

export type MetricsRecorder = Readonly<{
  /** A command ended (its terminal audit record was written or attempted): one count. */
  commandEnded: (labels: CommandLabels) => void;
  /** The CLI ran this long and ended so (`ok` … `killed`). */
  executed: (outcome: OutcomeLabel, seconds: number) => void;
  /** A command is held for approval; call the returned function once with how the wait ended. */
  approvalHeld: () => (outcome: ApprovalOutcome) => void;
  /** A command waited this long for an execution slot (0 when one was free). */
  slotWaited: (seconds: number) => void;
  /** Values masked in one command's output, by kind (keys as in its audit record's `masked`). */
  masked: (counts: Readonly<Record<string, number>>, source: 'stream' | 'document') => void;
  /** One audit append took this long, from the call to durable (or failed). */
  auditAppended: (seconds: number, ok: boolean) => void;
  /** A WebSocket upgrade was refused for this reason (verify-token.ts REJECTION_REASONS). */
  tokenRejected: (channel: Channel, reason: string) => void;
  /** A connection opened; call the returned function once when it closes. The session id is counted, never shown. */
  connectionOpened: (channel: Channel, sessionId: string) => () => void;
}>;

const nothing = (): void => undefined;

/** For a broker with metrics disabled, and for tests of flows that do not look at metrics. */
export const NO_METRICS: MetricsRecorder = Object.freeze({
  commandEnded: nothing,
  executed: nothing,
  approvalHeld: () => nothing,
  slotWaited: nothing,
  masked: nothing,
  auditAppended: nothing,
  tokenRejected: nothing,
  connectionOpened: () => nothing,
});

/** The exec outcome (exec/run-aws-cli.ts ExecOutcome) as a label. */
export const execOutcomeLabel = (reason: string, exitCode: number): OutcomeLabel => {
  if (reason === 'exited') return exitCode === 0 ? 'ok' : 'error';
  if (reason === 'output-limit') return 'output_limit';
  if (reason === 'timeout' || reason === 'killed' || reason === 'cancelled') return reason;
  return 'failed';
};

/** The outcome a terminal audit record says (TERMINAL_COMMAND_TYPES), from its type and data. */
export const terminalOutcomeLabel = (type: string, data: Readonly<Record<string, unknown>>): OutcomeLabel => {
  if (type === 'command.refused') return 'refused';
  if (type === 'command.cancelled') return 'cancelled';
  if (type === 'command.failed') return 'failed';
  const reason = typeof data['reason'] === 'string' ? data['reason'] : 'exited';
  return execOutcomeLabel(reason, typeof data['exitCode'] === 'number' ? data['exitCode'] : 0);
};

/** A refused approval's code (APPROVAL_DENIED, APPROVAL_EXPIRED, …) as a label. */
export const approvalOutcomeOf = (code: string): ApprovalOutcome => {
  const outcome = code.replace(/^APPROVAL_/, '').toLowerCase();
  return outcome === 'denied' || outcome === 'expired' || outcome === 'cancelled' ? outcome : 'refused';
};

/** Any value outside the allowlist becomes `other`: a label can never carry what a caller passed by mistake. */
export const bounded = <T extends string>(allowed: readonly T[], value: string): T | 'other' =>
  (allowed as readonly string[]).includes(value) ? (value as T) : 'other';

/**
 * Which kind a masked-count key is: a detector's kind as it is (the document walk runs the detectors too);
 * anything else by where it was masked: an output path of a document, or a policy pattern's rule id in a stream.
 */
export const maskedKindOf = (key: string, source: 'stream' | 'document'): MaskedKind => {
  if ((DETECTOR_KINDS as readonly string[]).includes(key)) return key as MaskedKind;
  return source === 'document' ? 'document' : 'policy_pattern';
};
