// How one parser level classifies a token (argparse _parse_optional): exact, `=`, unique prefix, ambiguous,
// unknown option, or an argument (negative numbers, tokens with a space, `-` alone).
import t from 'tap';
import { classifyToken, resolveOptionString } from '@aws-guard/shared/command/resolve-option';

const table = new Map(['--debug', '--endpoint-url', '--no-verify-ssl', '--no-paginate', '--output', '--region'].map((o) => [o, o.slice(2)]));

t.test('exact, attached values and unique prefixes resolve to the option', async (t) => {
  t.equal(resolveOptionString(table, '--debug'), '--debug');
  t.equal(resolveOptionString(table, '--deb'), '--debug');
  t.equal(resolveOptionString(table, '--e'), '--endpoint-url');
  t.equal(resolveOptionString(table, '--endp=http://x'), '--endpoint-url');
  t.same(classifyToken(table, '--region=us-east-1'), { kind: 'option', option: { action: 'region', optionString: '--region', explicit: 'us-east-1' } });
  t.same(classifyToken(table, '--reg=a=b'), { kind: 'option', option: { action: 'region', optionString: '--region', explicit: 'a=b' } }, 'split at the first =');
  t.equal(resolveOptionString(table, '--debugx'), null, 'longer than any option: no match');
  t.equal(resolveOptionString(table, '-debug'), null, 'a single dash is never a prefix of --');
});

t.test('an ambiguous prefix is an error naming the matches in registration order', async (t) => {
  t.same(classifyToken(table, '--no'), { kind: 'ambiguous', message: 'ambiguous option: --no could match --no-verify-ssl, --no-paginate' });
  t.same(classifyToken(table, '--=x'), {
    kind: 'ambiguous',
    message: 'ambiguous option: --=x could match --debug, --endpoint-url, --no-verify-ssl, --no-paginate, --output, --region',
  });
});

t.test('what is an argument rather than an option (a lone `--` never gets here: the level handles it)', async (t) => {
  for (const token of ['value', '-', '', '-1', '-2.5', '-.5', '-\u0661', '-x y', '--x y']) t.same(classifyToken(table, token), { kind: 'argument' }, JSON.stringify(token));
  for (const token of ['--bogus', '-x', '---debug', '-1a']) t.same(classifyToken(table, token), { kind: 'option', option: { action: null, optionString: token, explicit: null } }, JSON.stringify(token));
});
