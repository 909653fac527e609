import t from 'tap';
import { createPatternLines } from '@aws-guard/broker/masking/pattern-lines';

const patterns = () => [{ name: 'emails', regex: /[a-z]+@example\.com/g }, { name: 'tickets', regex: /TICKET-\d+/g }];
const run = (chunks: readonly Buffer[], maxHold?: number) => {
  const lines = createPatternLines(patterns(), maxHold);
  const out = Buffer.concat([...chunks.flatMap((c) => lines.push(c)), ...lines.end()]).toString('utf8');
  return { out, counts: lines.counts() };
};

const TEXT = 'owner bob@example.com opened TICKET-42\nnothing here ✓ ünïcode\nlast alice@example.com';
const EXPECTED = 'owner ****(masked: emails, 15 chars) opened ****(masked: tickets, 9 chars)\nnothing here ✓ ünïcode\nlast ****(masked: emails, 17 chars)';

t.test('policy patterns are masked per line, however the stream is cut', async (t) => {
  const bytes = Buffer.from(TEXT, 'utf8');
  t.same(run([bytes]), { out: EXPECTED, counts: { emails: 2, tickets: 1 } }, 'whole');
  for (let cut = 0; cut <= bytes.length; cut++) t.equal(run([bytes.subarray(0, cut), bytes.subarray(cut)]).out, EXPECTED, `cut at byte ${cut}`);
});

t.test('a match never spans two lines; lines without a match pass as they are', async (t) => {
  const spanning = createPatternLines([{ name: 'ab', regex: /a[\s\S]*b/g }]);
  const out = Buffer.concat([...spanning.push(Buffer.from('xa\nbx\n')), ...spanning.end()]).toString();
  t.equal(out, 'xa\nbx\n');
  t.same(spanning.counts(), {});
});

t.test('a line longer than the hold limit is masked and released, not held forever', async (t) => {
  const lines = createPatternLines(patterns(), 64);
  const first = lines.push(Buffer.from(`${'x'.repeat(70)} TICKET-7`));
  t.equal(Buffer.concat(first).toString(), `${'x'.repeat(70)} ****(masked: tickets, 8 chars)`);
});
