// stdout and stderr of one command through their own maskers: the writer sees masked bytes in order even when it
// applies backpressure, the held line comes out at the end, and the counts add up both streams.
import t from 'tap';
import { maskStreams } from '@aws-guard/broker/masking/mask-streams';

type Written = { stream: 'stdout' | 'stderr'; text: string };

t.test('each stream masked on its own, in order, flushed at the end, counted together', async (t) => {
  const written: Written[] = [];
  let slow = 0;
  // Every other write makes the sink wait, as a full flow-control window does.
  const output = maskStreams((stream, chunk) => {
    written.push({ stream, text: chunk.toString() });
    return slow++ % 2 === 0 ? new Promise<void>((resolve) => setTimeout(resolve, 5)) : undefined;
  });
  const feed: readonly ['stdout' | 'stderr', string][] = [
    ['stdout', '{\n    "AccessKeyId": "AKIAY34F'],
    ['stderr', 'error for ASIAY34FZKBOKMUTVV7A\nand a tail'],
    ['stdout', 'ZKBOKMUTVV7A",\n    "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"\n}'],
  ];
  for (const [stream, text] of feed) await output.sink(stream, Buffer.from(text));
  await output.end();
  const joined = (s: 'stdout' | 'stderr') => written.filter((w) => w.stream === s).map((w) => w.text).join('');
  t.equal(joined('stdout'), '{\n    "AccessKeyId": "****(masked: AccessKeyId, 20 chars)",\n    "SecretAccessKey": "****(masked: SecretAccessKey, 40 chars)"\n}');
  t.equal(joined('stderr'), 'error for ****(masked: AccessKeyId, 20 chars)\nand a tail');
  t.same(output.counts(), { AccessKeyId: 2, SecretAccessKey: 1 });
  t.equal(written.at(-1)?.text, 'and a tail', 'the held stderr tail is the last thing written');
});

t.test('nothing written, nothing counted', async (t) => {
  const output = maskStreams(() => {
    t.fail('no write expected');
  });
  await output.end();
  t.same(output.counts(), {});
});
