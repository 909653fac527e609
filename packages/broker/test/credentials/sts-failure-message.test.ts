import t from 'tap';
import { describeStsFailure, firstLine, scrubSecrets } from '@aws-guard/broker/credentials/sts-failure-message';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const TOKEN = 'FQoGZXIvYXdzEBYaDWoeel4mC4lLgfCVK719WP184inS24w1EDXogN7kolFSDky+LbuEhrEnepaxtnxcqzvHZzZpwqC1QAKdsE3yyYIopld';
const where = { roleArn: 'arn:aws:iam::123456789012:role/agents', endpoint: 'http://127.0.0.1:1' };

t.test('known secrets and key-shaped runs are removed, role names and ARNs kept', async (t) => {
  const text = `User: arn:aws:iam::123456789012:user/broker with key AKIAIOSFODNN7EXAMPLE secret ${SECRET} token ${TOKEN} on role/AwsGuardAgentRoleForProductionAccountXYZ`;
  const out = scrubSecrets(text, [SECRET, TOKEN]);
  t.notMatch(out, SECRET);
  t.notMatch(out, TOKEN.slice(0, 40));
  t.notMatch(out, 'AKIAIOSFODNN7EXAMPLE');
  t.match(out, 'arn:aws:iam::123456789012:user/broker');
  t.match(out, 'role/AwsGuardAgentRoleForProductionAccountXYZ', 'a long role name without digits is not key-shaped');
  t.ok(scrubSecrets('x'.repeat(1000), []).length <= 301, 'bounded length');
});

t.test('an unknown secret shaped like a key is removed even when nobody named it', async (t) => {
  t.notMatch(scrubSecrets(`oops ${SECRET}`, []), SECRET);
});

t.test('a service error says STS refused; a network error says where STS could not be reached', async (t) => {
  const denied = Object.assign(new Error(`User: x is not authorized to perform: sts:AssumeRole ${SECRET}`), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
  t.match(describeStsFailure(denied, where, [SECRET]), /^STS refused to assume arn:aws:iam::123456789012:role\/agents: AccessDenied: User: x is not authorized/);
  t.notMatch(describeStsFailure(denied, where, [SECRET]), SECRET);
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED', $metadata: { attempts: 3 } });
  t.equal(describeStsFailure(refused, where, []), 'could not reach STS at http://127.0.0.1:1 to assume arn:aws:iam::123456789012:role/agents: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1');
  t.match(describeStsFailure('weird', where, []), /Error: weird/, 'a thrown non-error still makes a message');
});

t.test('only the first line of a message is kept', async (t) => {
  t.equal(firstLine(new Error('one\ntwo')), 'one');
  t.equal(firstLine(new Error('')), 'no details');
});
