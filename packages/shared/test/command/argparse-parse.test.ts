// One argparse level on small hand-made tables: the behaviours the CLI inherits from Python's argparse.
import t from 'tap';
import { parseLevel, type ParserAction } from '@aws-guard/shared/command/argparse-parse';

const opt = (name: string, extra: Partial<ParserAction> = {}): ParserAction => ({
  name, positional: false, action: 'store', nargs: null, required: false, type: null, choices: null, const: null, ...extra,
});
const pos = (name: string, extra: Partial<ParserAction> = {}): ParserAction => ({ ...opt(name, extra), positional: true, ...extra });

const bucket = opt('bucket', { required: true });
const ids = opt('ids', { nargs: '*' });
const flag = opt('flag', { action: 'store_true' });
const count = opt('count', { type: 'int' });
// argparse makes a positional with nargs None required; the model records that as the CLI's parser has it.
const outfile = pos('outfile', { required: true });
const help = pos('help', { nargs: '?' });
const table = [bucket, ids, flag, count, outfile, help];

const parse = (argv: string[]) => parseLevel(table, argv);

t.test('values, lists and flags; leftovers are handed on', async (t) => {
  const r = parse(['--bucket', 'b', 'out', '--ids', 'a', 'b', '--flag', '--bogus', 'x']);
  t.equal(r.kind, 'parsed');
  if (r.kind !== 'parsed') return;
  t.equal(r.values.get(bucket), 'b');
  t.same(r.values.get(ids), ['a', 'b']);
  t.equal(r.values.get(flag), true);
  t.equal(r.values.get(outfile), 'out');
  t.same(r.extras, ['--bogus', 'x']);
  t.same(r.uses.map((u) => u.written), ['--bucket', '--ids', '--flag']);
});

t.test('a positional may come first, and the optional positional takes what is left', async (t) => {
  const r = parse(['out', '--bucket', 'b', 'extra']);
  t.equal(r.kind, 'parsed');
  if (r.kind === 'parsed') t.same([r.values.get(outfile), r.values.get(help) ?? null, r.extras], ['out', null, ['extra']]);
});

t.test('a token starting with - is never a value; = attaches one', async (t) => {
  t.same(parse(['--bucket', '--flag', 'o']), { kind: 'error', message: 'argument --bucket: expected one argument' });
  const r = parse(['--bucket=--flag', 'o']);
  t.ok(r.kind === 'parsed' && r.values.get(bucket) === '--flag');
  const neg = parse(['--bucket', '-5', 'o']);
  t.ok(neg.kind === 'parsed' && neg.values.get(bucket) === '-5', 'a negative number is a value');
});

t.test('-- ends options: what follows is positional', async (t) => {
  const r = parse(['--bucket', 'b', '--', '--flag']);
  t.ok(r.kind === 'parsed' && r.values.get(outfile) === '--flag' && !r.values.has(flag));
  t.same(parse(['--bucket', '--', 'b']), { kind: 'error', message: 'argument --bucket: expected one argument' }, 'an option cannot take --');
});

t.test('required arguments, types and explicit values on flags', async (t) => {
  t.same(parse([]), { kind: 'error', message: 'the following arguments are required: --bucket, outfile' });
  t.same(parse(['--bucket', 'b', 'o', '--count', 'x']), { kind: 'error', message: "argument --count: invalid int value: 'x'" });
  t.same(parse(['--bucket', 'b', 'o', '--flag=yes']), { kind: 'error', message: "argument --flag: ignored explicit argument 'yes'" });
});

t.test('choices produce the CLI message with suggestions', async (t) => {
  const output = opt('output', { choices: ['json', 'text', 'table'] });
  const r = parseLevel([output], ['--output', 'jsn']);
  t.same(r, {
    kind: 'error',
    message:
      'argument --output: Invalid choice, valid choices are:\n\n' +
      'json                                     | text                                    \n' +
      // The suggestion block is joined with '\n' after a block that starts with two newlines of its own.
      "table                                   \n\n\nInvalid choice: 'jsn', maybe you meant:\n\n  * json",
  });
});

t.test('a version action stops parsing where it stands', async (t) => {
  const version = opt('version', { action: 'version' });
  t.same(parseLevel([version, opt('region')], ['--region', 'x', '--version', '--region']), { kind: 'version' });
  t.same(parseLevel([version, opt('region')], ['--region', '--version']), { kind: 'error', message: 'argument --region: expected one argument' });
});
