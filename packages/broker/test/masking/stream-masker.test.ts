// The streaming masker: however the output is cut into chunks the result is the same, a line goes out as soon as
// its newline arrives, and what is held back (an incomplete line, an open key block) stays bounded.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { SECRET_FIXTURES } from './secret-fixtures.js';
import { maskChunks, maskString, randomSplit, seededRandom } from './mask-helpers.js';

const text = (chunks: readonly Buffer[]) => Buffer.concat(chunks).toString();

t.test('every fixture split at every byte into two chunks masks exactly as in one piece', async (t) => {
  for (const f of SECRET_FIXTURES) {
    const data = Buffer.from(f.text);
    const whole = maskString(data);
    let differing = -1;
    for (let at = 0; at <= data.length && differing < 0; at++) {
      const split = maskChunks([data.subarray(0, at), data.subarray(at)]);
      if (!split.out.equals(whole.out) || JSON.stringify(split.counts) !== JSON.stringify(whole.counts)) differing = at;
    }
    t.equal(differing, -1, `${f.name}: all ${data.length + 1} splits agree`);
  }
});

t.test('random multi-chunk splits (seeded) agree too', async (t) => {
  const random = seededRandom(0x5eed);
  for (const f of SECRET_FIXTURES) {
    const data = Buffer.from(f.text);
    const whole = maskString(data).out;
    let bad = 0;
    for (let i = 0; i < 200; i++) if (!maskChunks(randomSplit(data, random, 40)).out.equals(whole)) bad++;
    t.equal(bad, 0, `${f.name}: 200 random splits`);
  }
});

t.test('one byte at a time', async (t) => {
  for (const f of SECRET_FIXTURES) {
    const data = Buffer.from(f.text);
    const bytes = Array.from({ length: data.length }, (_, i) => data.subarray(i, i + 1));
    t.ok(maskChunks(bytes).out.equals(maskString(data).out), f.name);
  }
});

t.test('all fixtures in one stream, at random splits: every secret masked, counts summed', async (t) => {
  const data = Buffer.from(SECRET_FIXTURES.map((f) => f.text).join(''));
  const random = seededRandom(42);
  for (let i = 0; i < 20; i++) {
    const { out, counts } = maskChunks(randomSplit(data, random, 300));
    const seen = out.toString();
    const leaked = SECRET_FIXTURES.flatMap((f) => f.secrets).filter((s) => seen.includes(s));
    t.same(leaked, [], `split ${i}: nothing leaked`);
    const expected: Record<string, number> = {};
    for (const f of SECRET_FIXTURES) for (const [k, n] of Object.entries(f.counts)) expected[k] = (expected[k] ?? 0) + n;
    t.same(counts, expected, `split ${i}: counts`);
  }
});

t.test('ordinary output streams through unchanged and undelayed', async (t) => {
  const random = seededRandom(7);
  const binary = randomBytes(3 * 1024 * 1024);
  const binaryOut = maskChunks(randomSplit(binary, random, 100)).out;
  t.ok(binaryOut.equals(binary), '3 MiB of random bytes in random chunks');
  const json = Buffer.from(JSON.stringify({ Buckets: Array.from({ length: 2000 }, (_, i) => ({ Name: `bucket-${i}`, CreationDate: '2026-11-26T16:14:35Z' })) }, null, 4) + '\n');
  t.ok(maskChunks(randomSplit(json, random, 100)).out.equals(json), 'pretty JSON');
});

t.test('a line is released as soon as its newline arrives, no sooner', async (t) => {
  const { releases } = maskChunks(['{\n    "Name": "al', 'ice",\n    "Arn": "arn:aws:iam::1:user/alice"', '\n}\n'].map((s) => Buffer.from(s)));
  t.same(releases.map(text), ['{\n', '    "Name": "alice",\n', '    "Arn": "arn:aws:iam::1:user/alice"\n}\n', ''], 'each push gives back its complete lines');
  const secret = maskChunks(['    "AccessKeyId": "AKIAY34F', 'ZKBOKMUTVV7A",\n', '    "Status": "Active"'].map((s) => Buffer.from(s)));
  t.same(secret.releases.map(text), ['', '    "AccessKeyId": "****(masked: AccessKeyId, 20 chars)",\n', '', '    "Status": "Active"'], 'a masked line goes out with its newline; the end flushes the rest');
  const progress = maskChunks(['Completed 1 KiB/4 KiB\rCompl', 'eted 2 KiB/4 KiB\r'].map((s) => Buffer.from(s)));
  t.same(progress.releases.map(text), ['Completed 1 KiB/4 KiB\r', 'Completed 2 KiB/4 KiB\r', ''], 'a carriage return ends a line too (progress redraws)');
});

const PEM_BODY = Array.from({ length: 20 }, (_, i) => `MIIEpQIBAAKCAQEA${String(i).padStart(2, '0')}yZkiPL8xzO/anMnobi6Le64mSAGKr04efdt6/4pRJBq`);
const PEM = `-----BEGIN RSA PRIVATE KEY-----\n${PEM_BODY.join('\n')}\n-----END RSA PRIVATE KEY-----`;

t.test('an open key block is held until its END line, then masked whole', async (t) => {
  const lines = `fp\t${PEM}\tname\tkey-1\nnext line\n`.split(/(?<=\n)/).map((s) => Buffer.from(s));
  const { releases, counts } = maskChunks(lines);
  t.same(releases.slice(0, 21).map(text), Array(21).fill(''), 'nothing released while the block is open');
  t.equal(text(releases[21]!), `fp\t****(masked: PrivateKey, ${PEM.length} chars)\tname\tkey-1\n`, 'released whole, masked, at the END line');
  t.equal(text(releases[22]!), 'next line\n', 'and the stream goes on undelayed');
  t.same(counts, { PrivateKey: 1 });
});

t.test('a key block longer than the hold limit is masked and released in pieces, never shown', async (t) => {
  const body = Array.from({ length: 400 }, (_, i) => `${String(i).padStart(4, '0')}${'QUJD'.repeat(15)}`);
  const block = `-----BEGIN OPENSSH PRIVATE KEY-----\n${body.join('\n')}\n-----END OPENSSH PRIVATE KEY-----`;
  const data = Buffer.from(`before\n${block}\nafter\n`);
  const random = seededRandom(3);
  for (let i = 0; i < 30; i++) {
    const chunks = i === 0 ? [data] : randomSplit(data, random, 200);
    const masker = maskChunks(chunks, { maxHoldBytes: 4096 });
    const out = masker.out.toString();
    t.notOk(body.some((l) => out.includes(l.slice(0, 8))), `split ${i}: no body line`);
    t.ok(out.startsWith('before\n****(masked: PrivateKey, ') && out.endsWith(' chars)\nafter\n'), `split ${i}: the text around it intact`);
    t.same(masker.counts, { PrivateKey: 1 }, `split ${i}: one key`);
  }
  // Bounded: while the block streams in, what is held never exceeds the limit by more than one chunk.
  const masker = maskChunks(data.toString().match(/[^]{1,500}/g)!.map((s) => Buffer.from(s)), { maxHoldBytes: 4096 });
  let pushed = 0;
  let released = 0;
  let worst = 0;
  for (const [i, r] of masker.releases.slice(0, -1).entries()) {
    pushed += Math.min(500, data.length - i * 500);
    released += Buffer.concat(r).toString().replace(/\*\*\*\*\(masked: PrivateKey, (\d+) chars\)/g, (_, n: string) => 'x'.repeat(Number(n))).length;
    worst = Math.max(worst, pushed - released);
  }
  t.ok(worst <= 4096 + 500, `held at most ${worst} bytes`);
});

t.test('a key block never closed is masked to the end of the stream', async (t) => {
  const open = `-----BEGIN PRIVATE KEY-----\n${PEM_BODY[0]}\n${PEM_BODY[1]}`;
  const { out, counts } = maskChunks([Buffer.from(`ok\n${open.slice(0, 40)}`), Buffer.from(open.slice(40))]);
  t.equal(out.toString(), `ok\n****(masked: PrivateKey, ${open.length} chars)`);
  t.same(counts, { PrivateKey: 1 });
});

t.test('lines longer than the hold limit are cut, and no secret is cut with them', async (t) => {
  // A minified JSON document on one line, 200 KB, with credentials sprinkled through it.
  const random = seededRandom(11);
  const secrets: string[] = [];
  const parts: string[] = [];
  for (let i = 0; i < 400; i++) {
    parts.push(`{"Id":"item-${i}","Padding":"${'p'.repeat(Math.floor(random() * 900))}"}`);
    if (i % 20 === 7) {
      const key = `AKIA${String(i).padStart(16, 'Q')}`;
      const secret = `wJalrXUtnFEMI/K7MDENG/bPxRfiCY${String(i).padStart(10, 'K')}`;
      secrets.push(key, secret);
      parts.push(`{"AccessKeyId":"${key}","SecretAccessKey":"${secret}","SessionToken":"IQoJb3JpZ2luX2Vj${'T'.repeat(600)}${i}"}`);
    }
    // A key pair's PEM as a JSON string: spaces and \n escapes inside, so no cut may fall within it.
    if (i % 40 === 21) parts.push(JSON.stringify({ KeyName: `k${i}`, KeyMaterial: `${PEM}\n` }));
  }
  const data = Buffer.from(`[${parts.join(',')}]\n`);
  for (let i = 0; i < 30; i++) {
    const { out, counts } = maskChunks(randomSplit(data, random, 400), { maxHoldBytes: 8192 });
    const seen = out.toString();
    t.same(secrets.filter((s) => seen.includes(s)), [], `split ${i}: nothing leaked`);
    t.notMatch(seen, /TTTTTTTTTTTTTTTT/, `split ${i}: no piece of a session token`);
    t.notOk(PEM_BODY.some((l) => seen.includes(l.slice(16, 40))), `split ${i}: no piece of a private key`);
    t.same(counts, { AccessKeyId: 20, SecretAccessKey: 20, SessionToken: 20, PrivateKey: 10 }, `split ${i}: counts`);
    t.doesNotThrow(() => JSON.parse(seen), `split ${i}: still JSON`);
  }
});

t.test('a run longer than the hold limit with a secret at its end is not split open', async (t) => {
  const data = Buffer.from(`token: ${'A'.repeat(20000)} and SessionToken=IQoJb3JpZ2luX2Vj${'z'.repeat(9000)} end`);
  const { out } = maskChunks(randomSplit(data, seededRandom(5), 50), { maxHoldBytes: 4096 });
  t.notMatch(out.toString(), /zzzz/, 'the long token is masked in full');
  t.match(out.toString(), /end$/);
});
