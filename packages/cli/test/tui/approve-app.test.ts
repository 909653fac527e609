import t from 'tap';
import { makeRequest } from './approval-fixture.js';
import { KEY, renderApproveApp, type AppHarness } from './render-approve-app.js';

const lines = (frame: string): string[] => frame.split('\n');
const selectedLine = (frame: string): string => lines(frame).find((l) => l.startsWith('›')) ?? '';
const rowIndex = (frame: string, text: string): number => lines(frame).findIndex((l) => l.includes(text));

const THREE = [
  makeRequest('apr_s3', { expiresInMs: 10 * 60_000 }),
  makeRequest('apr_ec2', {
    expiresInMs: 30_000,
    argv: ['ec2', 'terminate-instances', '--instance-ids', 'i-0abc'],
    summary: { service: 'ec2', operation: 'terminate-instances', risk: 'destructive', iamActions: ['ec2:TerminateInstances'] },
    requester: { agent: 'agent-x', human: 'bob' },
  }),
  makeRequest('apr_iam', {
    expiresInMs: 3 * 3_600_000,
    argv: ['iam', 'attach-role-policy', '--role-name', 'deployer', '--policy-arn', 'arn:aws:iam::aws:policy/AdministratorAccess'],
    summary: { service: 'iam', operation: 'attach-role-policy', risk: 'privilege' },
    requester: { agent: 'agent-ops', human: 'carol' },
    requiredApprovers: 2,
    approvals: [{ approver: 'dave', at: '2030-01-01T11:59:30.000Z' }],
  }),
];

const withList = async (requests = THREE): Promise<AppHarness> => {
  const h = renderApproveApp();
  h.client.push(requests);
  await h.waitFor((f) => f.includes('SERVICE:OPERATION'), 'the list header');
  return h;
};

t.test('says it is waiting until the broker sends the first list', async (t) => {
  const h = renderApproveApp();
  t.match(h.frame(), /waiting for the broker/);
  h.client.push([]);
  await h.waitFor((f) => f.includes('No pending requests.'), 'the empty list');
  t.match(h.frame(), /0 pending/);
  h.unmount();
});

t.test('lists pending requests soonest expiry first, with every column', async (t) => {
  const decided = makeRequest('apr_done', { state: 'approved', summary: { service: 'lambda', operation: 'delete-function' } });
  const h = await withList([...THREE, decided]);
  const f = h.frame();
  t.match(f, /RISK\s+SERVICE:OPERATION\s+AGENT\s+HUMAN\s+AGE\s+LEFT\s+VOTES/);
  t.ok(rowIndex(f, 'ec2:terminate-instances') < rowIndex(f, 's3api:delete-bucket'), '30 s left comes before 10 min');
  t.ok(rowIndex(f, 's3api:delete-bucket') < rowIndex(f, 'iam:attach-role-policy'), '10 min left comes before 3 h');
  t.match(lines(f)[rowIndex(f, 'ec2:')], /destructive\s+ec2:terminate-instances\s+agent-x\s+bob\s+1m00s\s+30s\s+0\/1/);
  t.match(lines(f)[rowIndex(f, 'iam:')], /privilege\s+iam:attach-role-policy\s+agent-ops\s+carol\s+1m00s\s+3h00m\s+1\/2/);
  t.notMatch(f, /lambda:delete-function/, 'a request no longer pending is not listed');
  t.match(f, /3 pending/);
  h.unmount();
});

t.test('age and time left follow the injected clock, down to "expired"', async (t) => {
  const h = await withList();
  h.clock.advance(15_000);
  const f = await h.waitFor((x) => x.includes('15s'), 'the countdown after 15 s');
  t.match(lines(f)[rowIndex(f, 'ec2:')], /1m15s\s+15s\s/);
  t.match(lines(f)[rowIndex(f, 's3api:')], /1m15s\s+9m45s\s/);
  h.clock.advance(20_000);
  const later = await h.waitFor((x) => x.includes('expired'), 'the expired request');
  t.match(lines(later)[rowIndex(later, 'ec2:')], /expired/);
  h.unmount();
});

t.test('arrows and j/k move the selection within the list', async (t) => {
  const h = await withList();
  t.match(selectedLine(h.frame()), /ec2:/, 'the first row starts selected');
  await h.press(KEY.down);
  t.match(selectedLine(h.frame()), /s3api:/);
  await h.press('j', 'j');
  t.match(selectedLine(h.frame()), /iam:/, 'stops at the last row');
  await h.press(KEY.up, 'k');
  t.match(selectedLine(h.frame()), /ec2:/);
  await h.press('k');
  t.match(selectedLine(h.frame()), /ec2:/, 'stops at the first row');
  await h.press('G');
  t.match(selectedLine(h.frame()), /iam:/, 'G jumps to the end');
  h.unmount();
});

t.test('keys that arrive in one read (fast typing, tmux) act one by one', async (t) => {
  const h = await withList();
  await h.press('jj');
  t.match(selectedLine(h.frame()), /iam:/, 'two rows down');
  await h.press('kkaok\r');
  await h.waitFor((f) => f.includes('approved apr_ec2'), 'the approval');
  t.same(h.client.sent, [{ kind: 'approve', id: 'apr_ec2', reason: 'ok' }], 'the prompt opened mid-burst took the rest as its reason');
  await h.press('d', 'first line\rsecond\r');
  t.match(h.frame(), /Deny apr_ec2 \(ec2:terminate-instances\) — reason \(required\): first line second▌/, 'a pasted multi-line reason does not submit itself');
  t.equal(h.client.sent.length, 1);
  h.unmount();
});

t.test('/ filters on service, operation, agent, human and argv; Esc clears', async (t) => {
  const h = await withList();
  await h.press('/', 'c', 'a', 'r', 'o', 'l');
  let f = h.frame();
  t.match(f, /\/carol▌/, 'the filter being typed is shown');
  t.match(f, /iam:attach-role-policy/);
  t.notMatch(f, /ec2:|s3api:/);
  t.match(f, /1 match the filter/);
  for (const [typed, shows] of [
    ['ec2', 'ec2:'],
    ['attach', 'iam:'],
    ['agent-x', 'ec2:'],
    ['bob', 'ec2:'],
    ['administratoraccess', 'iam:'],
    ['s3api delete', 's3api:'],
  ] as const) {
    await h.press(KEY.escape, '/', ...typed);
    f = h.frame();
    t.equal(lines(f).filter((l) => /^[› ] (destructive|privilege)/.test(l)).length, 1, `"${typed}" leaves one row`);
    t.match(f, new RegExp(shows), `"${typed}" matches ${shows}`);
  }
  await h.press(KEY.backspace, KEY.backspace, KEY.backspace, KEY.backspace, KEY.backspace, KEY.backspace);
  await h.press('n', 'o', 'p', 'e');
  t.match(h.frame(), /No pending request matches the filter/);
  await h.press(KEY.enter);
  t.match(h.frame(), /filter: s3api nope/, 'Enter keeps the filter applied');
  await h.press(KEY.escape);
  f = h.frame();
  t.match(f, /ec2:/);
  t.match(f, /iam:/);
  t.notMatch(f, /filter:/);
  h.unmount();
});

t.test('Enter opens the detail of the selected request and closes it again', async (t) => {
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: Array.from({ length: 5 }, (_, i) => ({ Sid: `s${i}`, Effect: 'Deny' })) });
  const rich = makeRequest('apr_rich', {
    argv: ['iam', 'put-role-policy', '--role-name', 'deployer', '--policy-name', 'p', '--policy-document', 'file://policy.json'],
    summary: { service: 'iam', operation: 'put-role-policy', apiOperation: 'PutRolePolicy', iamActions: ['iam:PutRolePolicy'], targets: ['RoleName=deployer', 'PolicyName=p'], risk: 'privilege' },
    rule: { id: 'iam-writes', message: 'IAM changes need an approver', policyHash: 'c'.repeat(64) },
    files: [{ arg: '--policy-document', path: 'policy.json', bytes: 3 * 1024, preview: policy }],
    requiredApprovers: 2,
    approverGroup: 'sre',
    approvals: [{ approver: 'dave', at: '2030-01-01T11:59:30.000Z', reason: 'checked the diff' }],
  });
  const h = await withList([rich]);
  await h.press(KEY.enter);
  const f = await h.waitFor((x) => x.includes('Command'), 'the detail view');
  t.match(f, /apr_rich \[privilege\] iam:put-role-policy \(PutRolePolicy\)\s+region eu-west-1/);
  t.match(f, /aws iam put-role-policy --role-name deployer --policy-name p\s+--policy-document\s+file:\/\/policy\.json/);
  t.match(f, /IAM actions\s+iam:PutRolePolicy/);
  t.match(f, /Targets\s+RoleName=deployer\n\s+PolicyName=p/);
  t.match(f, /Rule\s+iam-writes: IAM changes need an approver/);
  t.match(f, /Approvals\s+1 of 2 \(group sre\)\n\s+✓ dave \(30s ago\): checked the diff/);
  t.match(f, /Files\s+--policy-document\s+policy\.json\s+3\.0 KiB/);
  t.match(f, /\n\s+"Version": "2012-10-17",\n\s+"Statement": \[/, 'the JSON file is pretty-printed');
  t.match(f, /… \d+ more lines/, 'and cut to a few lines');
  t.notMatch(f, /"Sid": "s4"/);
  t.match(f, /Created\s+2030-01-01T11:59:00\.000Z \(1m00s ago\)/);
  t.match(f, /Expires\s+2030-01-01T12:10:00\.000Z \(in 10m00s\)/);
  await h.press(KEY.enter);
  t.match(h.frame(), /SERVICE:OPERATION/, 'Enter goes back to the list');
  await h.press(KEY.enter, KEY.escape);
  t.match(h.frame(), /SERVICE:OPERATION/, 'so does Esc');
  h.unmount();
});

t.test('hostile argv is shown escaped, never sent to the terminal raw', async (t) => {
  const hostile = makeRequest('apr_evil', {
    argv: ['s3', 'rm', 's3://bucket/\u001b[2J\u001b]52;c;ZXZpbA==\u0007key', '--note', 'safe\u202etxt.exe', 'zero\u200bwidth', 'tag\u{e0041}'],
    requester: { agent: 'agent\u001b[31mred', human: 'bob\u202e' },
    files: [{ arg: '--body', path: 'x.json', bytes: 10, preview: '{"k":"\u202egnp.exe"}' }],
  });
  const h = await withList([hostile]);
  t.notOk(h.frame().includes('\u001b'), 'the list holds no raw escape (colours are off under tap)');
  t.match(h.frame(), /agent\\x1b\[31m/);
  t.match(h.frame(), /bob\\u202e/);
  await h.press(KEY.enter);
  const f = await h.waitFor((x) => x.includes('Command'), 'the detail view');
  t.notOk(f.includes('\u001b'), 'no raw ESC: no screen clear, no OSC 52 clipboard write');
  t.notOk(f.includes('\u202e'), 'no raw right-to-left override');
  t.notOk(f.includes('\u200b') || f.includes('\u{e0041}'), 'no invisible characters');
  t.ok(f.includes('\\x1b[2J'), 'the screen clear is shown as text');
  t.ok(f.includes('\\x1b]52;c;ZXZpbA==\\x07'), 'the clipboard write is shown as text');
  t.ok(f.includes('safe\\u202etxt.exe'), 'the bidi override is shown as text');
  t.ok(f.includes('zero\\u200bwidth') && f.includes('tag\\u{e0041}'));
  t.ok(f.includes('"k": "\\u202egnp.exe"'), 'the file preview is escaped too');
  h.unmount();
});

t.test('a approves the selected request without a reason', async (t) => {
  const h = await withList();
  await h.press(KEY.down, 'a');
  t.match(h.frame(), /Approve apr_s3 \(s3api:delete-bucket\) — reason \(optional\): ▌/);
  await h.press(KEY.enter);
  await h.waitFor((f) => f.includes('✓ approved apr_s3'), 'the approval result');
  t.same(h.client.sent, [{ kind: 'approve', id: 'apr_s3', reason: undefined }]);
  h.unmount();
});

t.test('a approves with the reason typed', async (t) => {
  const h = await withList();
  await h.press('a', ...'looks fine ');
  await h.press(KEY.enter);
  await h.waitFor((f) => f.includes('approved apr_ec2'), 'the approval result');
  t.same(h.client.sent, [{ kind: 'approve', id: 'apr_ec2', reason: 'looks fine' }]);
  h.unmount();
});

t.test('d refuses an empty reason, then denies with one', async (t) => {
  const h = await withList();
  await h.press('d', ' ', KEY.enter);
  let f = h.frame();
  t.match(f, /✗ a reason is required to deny/);
  t.match(f, /Deny apr_ec2 \(ec2:terminate-instances\) — reason \(required\):/, 'the prompt stays open');
  t.same(h.client.sent, [], 'nothing reached the broker');
  await h.press(...'not in prod', KEY.backspace, KEY.backspace, 'od', KEY.enter);
  f = await h.waitFor((x) => x.includes('denied apr_ec2'), 'the denial result');
  t.same(h.client.sent, [{ kind: 'deny', id: 'apr_ec2', reason: 'not in prod' }]);
  h.unmount();
});

t.test('Esc cancels a prompt and sends nothing', async (t) => {
  const h = await withList();
  await h.press('a', 'x', KEY.escape);
  t.notMatch(h.frame(), /Approve apr_/);
  await h.press('d', KEY.escape);
  t.notMatch(h.frame(), /Deny apr_/);
  t.same(h.client.sent, []);
  h.unmount();
});

t.test('a decision the broker refuses, or a call that fails, is shown as an error', async (t) => {
  const h = await withList();
  h.client.answer = async () => ({ ok: false, message: 'SOD_REQUESTER: you requested this command' });
  await h.press('a', KEY.enter);
  await h.waitFor((f) => f.includes('✗ approve apr_ec2 refused by the broker: SOD_REQUESTER: you requested this command'), 'the refusal');
  h.client.answer = async () => {
    throw new Error('connection closed');
  };
  await h.press('d', ...'no', KEY.enter);
  await h.waitFor((f) => f.includes('✗ deny apr_ec2 refused by the broker: connection closed'), 'the failed call');
  h.unmount();
});

t.test('only one decision at a time: a second waits for the broker to answer the first', async (t) => {
  const h = await withList();
  let answer: (r: { ok: true }) => void = () => {};
  h.client.answer = () => new Promise((resolve) => (answer = resolve));
  await h.press('a', KEY.enter);
  t.match(h.frame(), /approving apr_ec2…/);
  await h.press('j', 'a');
  t.match(h.frame(), /still waiting for the broker on apr_ec2/);
  answer({ ok: true });
  await h.waitFor((f) => f.includes('approved apr_ec2'), 'the first result');
  t.equal(h.client.sent.length, 1);
  h.unmount();
});

t.test('a new snapshot updates the list in place and keeps the selection on its request', async (t) => {
  const h = await withList();
  await h.press('j');
  t.match(selectedLine(h.frame()), /s3api:/);
  const [s3, ec2, iam] = THREE;
  const urgent = makeRequest('apr_new', { expiresInMs: 5_000, summary: { service: 'kms', operation: 'schedule-key-deletion' } });
  h.client.push([urgent, ...THREE]);
  const f = await h.waitFor((x) => x.includes('kms:schedule-key-deletion'), 'the new request');
  t.ok(rowIndex(f, 'kms:') < rowIndex(f, 'ec2:'), 'the new request sorts by its time left');
  t.match(selectedLine(f), /s3api:/, 'the selection stayed on the same request, one row lower');
  h.client.push([urgent, s3!, { ...ec2!, state: 'denied' }, iam!]);
  const e = await h.waitFor((x) => !x.includes('ec2:'), 'the request denied elsewhere leaving');
  t.match(selectedLine(e), /s3api:/, 'the selection stayed on the same request, one row higher');
  h.client.push([urgent, iam!]);
  const g = await h.waitFor((x) => !x.includes('s3api:'), 'the selected request leaving');
  t.match(selectedLine(g), /iam:/, 'the selection moves to the row that took its place');
  h.unmount();
});

t.test('a request decided elsewhere while open closes its detail and says why', async (t) => {
  const h = await withList();
  await h.press(KEY.enter);
  await h.waitFor((f) => f.includes('Command'), 'the detail view');
  const [s3, ec2, iam] = THREE;
  h.client.push([s3!, { ...ec2!, state: 'approved' }, iam!]);
  const f = await h.waitFor((x) => x.includes('apr_ec2 was approved elsewhere'), 'the reason');
  t.match(f, /SERVICE:OPERATION/, 'back on the list');
  await h.press('d', ...'x');
  h.client.push([iam!]);
  await h.waitFor((x) => x.includes('apr_s3 is no longer pending'), 'the prompt closing');
  t.notMatch(h.frame(), /Deny apr_s3/);
  t.same(h.client.sent, []);
  h.unmount();
});

t.test('a broker error appears on the status line until the list is live again', async (t) => {
  const h = await withList();
  h.client.fail('connection to wss://broker:8443 lost; reconnecting');
  const f = await h.waitFor((x) => x.includes('✗ broker:'), 'the error');
  t.match(f, /✗ broker: connection to wss:\/\/broker:8443 lost; reconnecting/);
  t.match(f, /ec2:/, 'the last list stays on screen');
  h.client.push(THREE);
  await h.waitFor((x) => !x.includes('✗ broker:'), 'the error clearing');
  h.unmount();
});

t.test('? shows the help and the help bar follows the mode', async (t) => {
  const h = await withList();
  t.match(h.frame(), /↑\/↓ j\/k move · Enter details · a approve · d deny · \/ filter · q quit · \? help/);
  await h.press('?');
  const f = h.frame();
  t.match(f, /Keys/);
  t.match(f, /d\s+deny the selected request; a reason is required/);
  t.match(f, /\? or Esc close help/);
  await h.press('?');
  t.match(h.frame(), /SERVICE:OPERATION/);
  await h.press('a');
  t.match(h.frame(), /Enter confirm · Esc cancel/);
  h.unmount();
});

t.test('unmounting unsubscribes from the broker', async (t) => {
  const h = await withList();
  t.equal(h.client.subscribers(), 1);
  h.unmount();
  t.equal(h.client.subscribers(), 0);
});
