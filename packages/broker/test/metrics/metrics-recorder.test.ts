import t from 'tap';
import {
  DETECTOR_KINDS, NO_METRICS, TOKEN_REJECTION_REASONS, approvalOutcomeOf, bounded, execOutcomeLabel, maskedKindOf, terminalOutcomeLabel,
} from '@aws-guard/broker/metrics/metrics-recorder';
import { DETECTORS } from '@aws-guard/broker/masking/secret-detectors';
import { REJECTION_REASONS } from '@aws-guard/broker/auth/verify-token';

t.test('the allowlists agree with the leaves they mirror', async (t) => {
  for (const kind of new Set([...DETECTORS.map((d) => d.kind), 'PrivateKey']))
    t.ok((DETECTOR_KINDS as readonly string[]).includes(kind), `${kind} is a detector kind label`);
  t.same([...TOKEN_REJECTION_REASONS], [...REJECTION_REASONS]);
});

t.test('an exec outcome becomes its label', async (t) => {
  const table: Array<[string, number, string]> = [
    ['exited', 0, 'ok'], ['exited', 254, 'error'], ['exited', 1, 'error'], ['timeout', 137, 'timeout'],
    ['output-limit', 137, 'output_limit'], ['killed', 137, 'killed'], ['cancelled', 130, 'cancelled'], ['spawn-failed', 255, 'failed'],
  ];
  for (const [reason, exitCode, label] of table) t.equal(execOutcomeLabel(reason, exitCode), label, `${reason} ${exitCode}`);
});

t.test('a terminal audit record becomes its outcome label', async (t) => {
  const table: Array<[string, Record<string, unknown>, string]> = [
    ['command.executed', { exitCode: 0, reason: 'exited' }, 'ok'],
    ['command.executed', { exitCode: 255, reason: 'exited' }, 'error'],
    ['command.executed', { exitCode: 0, local: 'version' }, 'ok'],
    ['command.executed', { exitCode: 124, reason: 'timeout' }, 'timeout'],
    ['command.refused', { exitCode: 254 }, 'refused'],
    ['command.cancelled', { stage: 'queue' }, 'cancelled'],
    ['command.failed', { stage: 'credentials' }, 'failed'],
  ];
  for (const [type, data, label] of table) t.equal(terminalOutcomeLabel(type, data), label, `${type} ${JSON.stringify(data)}`);
});

t.test('a refused approval code becomes its outcome; anything else is "refused"', async (t) => {
  const table: Array<[string, string]> = [
    ['APPROVAL_DENIED', 'denied'], ['APPROVAL_EXPIRED', 'expired'], ['APPROVAL_CANCELLED', 'cancelled'],
    ['APPROVAL_EXECUTED', 'refused'], ['APPROVAL_ALREADY_USED', 'refused'],
  ];
  for (const [code, label] of table) t.equal(approvalOutcomeOf(code), label, code);
});

t.test('masked-count keys become bounded kinds', async (t) => {
  const table: Array<[string, 'stream' | 'document', string]> = [
    ['AccessKeyId', 'stream', 'AccessKeyId'], ['AccessKeyId', 'document', 'AccessKeyId'], ['LoginPassword', 'stream', 'LoginPassword'],
    ['deny-prod', 'stream', 'policy_pattern'], ['Credentials.SecretAccessKey', 'document', 'document'], ['document', 'stream', 'policy_pattern'],
  ];
  for (const [key, source, kind] of table) t.equal(maskedKindOf(key, source), kind, `${key} (${source})`);
});

t.test('bounded keeps allowed values and turns the rest into "other"', async (t) => {
  t.equal(bounded(['a', 'b'], 'a'), 'a');
  t.equal(bounded(['a', 'b'], 'claude-1'), 'other');
});

t.test('the no-op recorder takes every call and returns working finishers', async (t) => {
  t.equal(NO_METRICS.approvalHeld()('approved'), undefined);
  t.equal(NO_METRICS.connectionOpened('agent', 's')(), undefined);
  t.ok(Object.isFrozen(NO_METRICS));
});
