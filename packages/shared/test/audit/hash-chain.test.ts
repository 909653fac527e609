import t from 'tap';
import { createHash } from 'node:crypto';
import { computeRecordHash, GENESIS_HASH, verifyChain, CHAIN_START } from '@aws-guard/shared/audit/hash-chain';
import { makeChain, makeRecord, toLines } from './make-chain.js';

t.test('the record hash is sha256 of prevHash then the RFC 8785 form of the record without hash', async (t) => {
  const record = {
    v: 1, seq: 1, ts: '2025-01-01T00:00:00.000Z', type: 'broker.started', actor: { kind: 'broker' },
    data: { z: [1e21, 0.5, -0], a: 'é\u2028"', n: null }, prevHash: GENESIS_HASH,
  };
  // Written out by hand: keys sorted by UTF-16 code unit, no whitespace, ECMAScript number form.
  const canonical = '{"actor":{"kind":"broker"},"data":{"a":"é\u2028\\"","n":null,"z":[1e+21,0.5,0]},'
    + `"prevHash":"${GENESIS_HASH}","seq":1,"ts":"2025-01-01T00:00:00.000Z","type":"broker.started","v":1}`;
  const expected = createHash('sha256').update(GENESIS_HASH + canonical, 'utf8').digest('hex');
  t.equal(computeRecordHash(GENESIS_HASH, record), expected);
  // The test vector printed in docs/audit-format.md.
  t.equal(expected, '27596934ce44fb1b8ed13e352c1fbe007a1b1539c2d0c4c801d58585f9e4e3b9');
});

t.test('computeRecordHash refuses a record that still carries its hash', async (t) => {
  t.throws(() => computeRecordHash(GENESIS_HASH, { v: 1, hash: 'x' }), TypeError);
});

t.test('a well-formed chain verifies and reports its head', async (t) => {
  const records = makeChain(5);
  t.same(await verifyChain(toLines(records)), { ok: true, count: 5, lastSeq: 5, lastHash: records[4]!.hash });
});

t.test('an empty log verifies with count 0 at the genesis', async (t) => {
  t.same(await verifyChain([]), { ok: true, count: 0, lastSeq: 0, lastHash: GENESIS_HASH });
});

t.test('lines from an async iterable verify the same way', async (t) => {
  const lines = toLines(makeChain(3));
  async function* gen() { for (const l of lines) yield l; }
  const verdict = await verifyChain(gen());
  t.equal(verdict.ok && verdict.count, 3);
});

t.test('a later segment verifies from an anchor record', async (t) => {
  const records = makeChain(5);
  const verdict = await verifyChain(toLines(records.slice(2)), { seq: 2, hash: records[1]!.hash });
  t.same(verdict, { ok: true, count: 3, lastSeq: 5, lastHash: records[4]!.hash });
  const wrong = await verifyChain(toLines(records.slice(2)), CHAIN_START);
  t.equal(!wrong.ok && wrong.issue.code, 'AUDIT_SEQ_GAP');
});

t.test('fields and event types unknown to this verifier are covered by the hash and accepted', async (t) => {
  const [first] = makeChain(1);
  const newer = makeRecord({
    seq: 2, ts: '2025-01-01T00:00:09.000Z', type: 'approval.granted', actor: { kind: 'approver', human: 'bob' },
    data: {}, prevHash: first!.hash, checkpoint: { sig: 'abc' },
  });
  t.equal((await verifyChain(toLines([first!, newer]))).ok, true);
  const edited = JSON.stringify(newer).replace('"sig":"abc"', '"sig":"abd"');
  const verdict = await verifyChain([JSON.stringify(first), edited]);
  t.equal(!verdict.ok && verdict.issue.code, 'AUDIT_HASH_MISMATCH');
});

type Tamper = { name: string; change: (lines: string[]) => string[]; code: string; seq: number | null; line: number };

const relinkWithout = (index: number): string[] => {
  // Remove one record, renumber the rest and re-hash each one, but keep its original prevHash.
  const records = makeChain(6);
  records.splice(index, 1);
  return records.map((r, i) => (i < index ? r : makeRecord({ ...r, seq: r.seq - 1 }))).map((r) => JSON.stringify(r));
};

const tampers: Tamper[] = [
  { name: 'one byte of a record edited', change: (l) => with3(l, l[2]!.replace('list-buckets', 'list-buckett')),
    code: 'AUDIT_HASH_MISMATCH', seq: 3, line: 3 },
  { name: 'the seq of a record edited', change: (l) => with3(l, l[2]!.replace('"seq":3', '"seq":9')),
    code: 'AUDIT_HASH_MISMATCH', seq: 9, line: 3 },
  { name: 'a record removed', change: (l) => [...l.slice(0, 2), ...l.slice(3)], code: 'AUDIT_SEQ_GAP', seq: 4, line: 3 },
  { name: 'the first record removed', change: (l) => l.slice(1), code: 'AUDIT_SEQ_GAP', seq: 2, line: 1 },
  { name: 'two records swapped', change: (l) => [l[0]!, l[1]!, l[3]!, l[2]!, ...l.slice(4)],
    code: 'AUDIT_SEQ_OUT_OF_ORDER', seq: 4, line: 3 },
  { name: 'a record moved back', change: (l) => [l[0]!, l[1]!, l[2]!, l[3]!, l[1]!, ...l.slice(4)],
    code: 'AUDIT_SEQ_OUT_OF_ORDER', seq: 2, line: 5 },
  { name: 'a record duplicated', change: (l) => [...l.slice(0, 3), l[2]!, ...l.slice(3)],
    code: 'AUDIT_SEQ_DUPLICATE', seq: 3, line: 4 },
  { name: 'a line that is not JSON', change: (l) => with3(l, l[2]!.slice(0, 40)), code: 'AUDIT_BAD_JSON', seq: null, line: 3 },
  { name: 'an empty line', change: (l) => [...l.slice(0, 2), '', ...l.slice(2)], code: 'AUDIT_BAD_JSON', seq: null, line: 3 },
  { name: 'a record without an actor', change: (l) => with3(l, JSON.stringify({ ...JSON.parse(l[2]!), actor: undefined })),
    code: 'AUDIT_BAD_RECORD', seq: 3, line: 3 },
  { name: 'a record of an unknown version', change: (l) => with3(l, l[2]!.replace('"v":1', '"v":2')),
    code: 'AUDIT_UNSUPPORTED_VERSION', seq: 3, line: 3 },
  { name: 'a record removed and the rest renumbered', change: () => relinkWithout(2),
    code: 'AUDIT_CHAIN_BROKEN', seq: 3, line: 3 },
];

function with3(lines: string[], replacement: string): string[] {
  const copy = [...lines];
  copy[2] = replacement;
  return copy;
}

for (const tamper of tampers) {
  t.test(`detects ${tamper.name}`, async (t) => {
    const lines = toLines(makeChain(6));
    t.equal((await verifyChain(lines)).ok, true, 'the untouched chain verifies');
    const verdict = await verifyChain(tamper.change(lines));
    t.equal(verdict.ok, false);
    if (verdict.ok) return;
    t.match(verdict.issue, { code: tamper.code, seq: tamper.seq, line: tamper.line });
    t.type(verdict.issue.message, 'string');
  });
}

t.test('a gap at the very end is reported as records removed', async (t) => {
  const lines = toLines(makeChain(4));
  const verdict = await verifyChain([lines[0]!, lines[3]!]);
  t.match(verdict, { ok: false, issue: { code: 'AUDIT_SEQ_GAP', seq: 4, line: 2, message: /records 2\.\.3 are missing/ } });
});
