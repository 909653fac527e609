// Test fixtures (not a test) for the approval stores: inputs, approvers, a hand-driven clock, an event recorder
// and a bounded wait. Time in these tests only moves when a test moves it.
import { createHash, randomUUID } from 'node:crypto';
import type { Test } from 'tap';
import type { ApprovalInput, ApprovalEvent, ApprovalStore, Approver } from '@aws-guard/broker/approval/approval-store';

export const START = new Date('2030-01-01T09:00:00.000Z');
export const MINUTE = 60_000;

export type TestClock = Readonly<{ now: () => Date; advance: (ms: number) => Date }>;

export const createTestClock = (start: Date = START): TestClock => {
  let ms = start.getTime();
  return { now: () => new Date(ms), advance: (by) => new Date((ms += by)) };
};

/** A fresh command (its own hash) asked by agent claude acting for alice, unless overridden. */
export const approvalInput = (overrides: Partial<ApprovalInput> = {}): ApprovalInput => ({
  commandHash: createHash('sha256').update(randomUUID()).digest('hex'),
  requestId: `req_${randomUUID()}`,
  requester: { agent: 'claude', human: 'alice', sessionId: 'ses_1' },
  argv: ['s3api', 'delete-bucket', '--bucket', 'prod-logs'],
  summary: {
    service: 's3api', operation: 'delete-bucket', apiOperation: 'DeleteBucket', iamActions: ['s3:DeleteBucket'],
    risk: 'destructive', region: 'us-east-1', targets: ['Bucket=prod-logs'],
  },
  rule: { id: 'default:destructive', message: 'deleting a bucket needs a second pair of eyes', policyHash: 'f'.repeat(64) },
  files: [],
  requiredApprovers: 1,
  ...overrides,
});

/** An approver token of `human` (name `<human>-tui`) in group oncall. */
export const approver = (human: string, overrides: Partial<Approver> = {}): Approver => ({
  name: `${human}-tui`, human, groups: ['oncall'], role: 'approver', ...overrides,
});

/** Polls `check` until it holds; fails with `what` after a generous bound (a hang, not a timing assertion). */
export const until = async (what: string, check: () => Promise<boolean> | boolean, boundMs = 20_000): Promise<void> => {
  const deadline = Date.now() + boundMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

export type EventRecorder = Readonly<{
  seen: ApprovalEvent[];
  /** The first event (already seen or still to come) that matches. */
  next: (what: string, match: (e: ApprovalEvent) => boolean) => Promise<ApprovalEvent>;
  stop: () => void;
}>;

export const recordEvents = (store: ApprovalStore): EventRecorder => {
  const seen: ApprovalEvent[] = [];
  const stop = store.subscribe((e) => seen.push(e));
  return {
    seen,
    stop,
    next: async (what, match) => {
      await until(`event: ${what}`, () => seen.some(match));
      return seen.find(match)!;
    },
  };
};

/** Opens a store for one test, closes it when the test ends, and waits until it reports healthy. */
export const openStore = async (t: Test, open: () => Promise<ApprovalStore> | ApprovalStore): Promise<ApprovalStore> => {
  const store = await open();
  t.teardown(() => store.close());
  await until('the store reports healthy', async () => (await store.health()).ok);
  return store;
};
