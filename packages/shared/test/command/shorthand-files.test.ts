// Files named inside shorthand values (`key@=file://…`); each case agrees with awscli/shorthand.py.
import t from 'tap';
import { shorthandFiles } from '@aws-guard/shared/command/shorthand-files';

const paths = (s: string) => shorthandFiles(s).map((f) => `${f.prefix}${f.path}`);

t.test('key@= loads the file named by its values', async (t) => {
  t.same(paths('VisibilityTimeout@=file://vt.txt'), ['file://vt.txt']);
  t.same(paths('a@=fileb://b.bin,c=d'), ['fileb://b.bin']);
  t.same(paths("Policy@='file://p q.json',V=5"), ['file://p q.json'], 'quoted paths keep their spaces');
  t.same(paths('a @= file://x'), ['file://x'], 'blanks around @ and = are allowed');
  t.same(paths('a@=file://x,file://y'), ['file://x', 'file://y'], 'every csv value of the key');
  t.same(paths('a@=[file://x,file://y]'), ['file://x', 'file://y']);
  t.same(paths('a={b@=file://x}'), ['file://x']);
  t.same(paths('a@=file://x\\,y'), ['file://x,y'], 'an escaped comma is part of the value');
});

t.test('where @= does not load', async (t) => {
  t.same(paths('a=file://x'), [], 'plain = never loads');
  t.same(paths('Name=a,Values=[b@=file://v.txt]'), [], 'inside a list @= is just text');
  t.same(paths('a@=[x,{b=y},file://z]'), [], 'a nested key= resets the flag for the rest of the list');
  t.same(paths('a=b@=file://x'), [], 'a value, not a key');
});

t.test('a syntax error stops the scan where the CLI stops', async (t) => {
  t.same(paths('a@=file://x,{,b@=file://y'), ['file://x']);
  t.same(paths('a@=file://x,=,b@=file://y'), ['file://x', 'file://y'], 'an empty key and value are valid: the scan goes on');
  t.same(paths('@=file://x'), ['file://x'], 'an empty key is allowed');
});
