// What the stores hold must pass the approver channel's wire schema in every state, or approvers' clients
// would reject the broker's snapshots (found once: a vote's `human` field the schema did not allow).
import t, { type Test } from 'tap';
import { approverServerMessageSchema } from '@aws-guard/shared/protocol/approver-messages';
import { createEmbeddedApprovalStore } from '@aws-guard/broker/approval/embedded-approval-store';

const input = {
  commandHash: 'a'.repeat(64),
  requestId: 'req_1',
  requester: { agent: 'claude-1', human: 'alice', sessionId: 'ses_1' },
  argv: ['iam', 'attach-role-policy', '--role-name', 'r', '--policy-arn', 'arn:aws:iam::aws:policy/ReadOnlyAccess'],
  summary: { service: 'iam', operation: 'attach-role-policy', apiOperation: 'AttachRolePolicy', iamActions: ['iam:AttachRolePolicy'], risk: 'privilege', region: null, targets: ['role-name=r'] },
  rule: { id: 'approve-identity-changes', message: 'two approvers', policyHash: 'h' },
  files: [],
  requiredApprovers: 2,
};
const bob = { name: 'bob-laptop', human: 'bob', groups: [], role: 'approver' };
const carol = { name: 'carol-laptop', human: 'carol', groups: [], role: 'approver' };

const onWire = (t: Test, requests: readonly unknown[], label: string) => {
  const parsed = approverServerMessageSchema.safeParse(JSON.parse(JSON.stringify({ type: 'approvals.snapshot', requests })));
  t.ok(parsed.success, `${label}: ${parsed.success ? 'valid' : JSON.stringify(parsed.error.issues)}`);
};

t.test('requests pass the wire schema when pending, half approved, approved, denied and executed', async (t) => {
  const store = createEmbeddedApprovalStore();
  t.teardown(() => store.close());
  const created = await store.request(input);
  t.ok(created.ok);
  if (!created.ok) return;
  const id = created.value.request.id;
  onWire(t, [created.value.request], 'pending');
  const half = await store.approve(id, bob, 'looks fine');
  t.ok(half.ok);
  if (half.ok) onWire(t, [half.value], 'one of two votes');
  const full = await store.approve(id, carol);
  if (full.ok) onWire(t, [full.value], 'approved');
  const used = await store.consume(id);
  if (used.ok) onWire(t, [used.value], 'executed');
  const other = await store.request({ ...input, commandHash: 'b'.repeat(64), requestId: 'req_2' });
  if (other.ok) {
    const denied = await store.deny(other.value.request.id, bob, 'no');
    if (denied.ok) onWire(t, [denied.value], 'denied');
  }
});
