// The Python behaviours error texts and types depend on; expectations were produced by CPython 3.11 itself.
import t from 'tap';
import { closeMatches } from '@aws-guard/shared/command/close-matches';
import { isPyFloat, isPyInt, ljust, pyRepr } from '@aws-guard/shared/command/python-text';

t.test("repr() of a str, as CPython writes it", async (t) => {
  const cases: [string, string][] = [
    ['abc', "'abc'"],
    ["it's", `"it's"`],
    ['say "hi"', `'say "hi"'`],
    [`both ' and "`, `'both \\' and "'`],
    ['tab\there', "'tab\\there'"],
    ['nul\u0000', "'nul\\x00'"],
    ['\u00e9', "'\u00e9'"],
    ['\u200b', "'\\u200b'"],
    ['\u{1f600}', "'\u{1f600}'"],
    ['\\', "'\\\\'"],
  ];
  for (const [input, want] of cases) t.equal(pyRepr(input), want, JSON.stringify(input));
});

t.test('int() and float() accept what CPython accepts', async (t) => {
  const ints: [string, boolean][] = [['1', true], [' 7 ', true], ['1_000', true], ['1__0', false], ['+5', true], ['-5', true], ['0x10', false], ['\u0661\u0662', true], ['', false], ['1.0', false], ['_1', false]];
  for (const [s, want] of ints) t.equal(isPyInt(s), want, `int(${JSON.stringify(s)})`);
  const floats: [string, boolean][] = [['1.5', true], ['.5', true], ['1.', true], ['1e5', true], ['1.e5', true], ['inf', true], ['-Infinity', true], ['nan', true], ['NaN', true], ['1_0.5', true], ['1e', false], ['e5', false], ['', false], [' 2.5\n', true], ['0x1', false]];
  for (const [s, want] of floats) t.equal(isPyFloat(s), want, `float(${JSON.stringify(s)})`);
});

t.test("'%-40s' pads by code points", async (t) => {
  t.equal(ljust('ab', 4), 'ab  ');
  t.equal(ljust('\u{1f600}', 2), '\u{1f600} ');
  t.equal(ljust('abcdef', 3), 'abcdef');
});

t.test('difflib.get_close_matches, ordering and autojunk included', async (t) => {
  t.same(closeMatches('s3apii', ['s3api', 's3', 's3control', 's3outposts'], 3, 0.8), ['s3api']);
  t.same(closeMatches('ec2', ['ec2', 'ecs', 'ecr', 'eks', 'ec2-instance-connect']), ['ec2', 'ecs', 'ecr']);
  t.same(closeMatches('describe-instancez', ['describe-instances', 'describe-instance-status', 'describe-images'], 3, 0.8), ['describe-instances', 'describe-instance-status']);
  t.same(closeMatches('lamda', ['lambda', 'lambda-edge', 'lightsail']), ['lambda', 'lambda-edge']);
  t.same(closeMatches('x', ['a', 'b']), []);
  const long = `${'a'.repeat(200)}b`;
  t.same(closeMatches(long, [`${'a'.repeat(200)}c`, 'b'], 3, 0.8), [`${'a'.repeat(200)}c`], 'a popular item (autojunk) still matches through the extension');
});
