// The built-in table of secrets the model does not mark: every entry names a real operation, adds what the
// model misses (not what it already has), and the table is why those operations leave streaming.
import t from 'tap';
import { needsDocumentMasking } from '@aws-guard/broker/masking/plan-document-masking';
import { UNMARKED_SECRETS } from '@aws-guard/broker/masking/unmarked-secrets';
import { model } from './document-helpers.js';

for (const [command, paths] of Object.entries(UNMARKED_SECRETS)) {
  t.test(command, async (t) => {
    const [service, name] = command.split(' ') as [string, string];
    const op = model.operation(service, name);
    t.ok(op, 'a real operation of the model');
    if (op === undefined) return;
    const marked = model.sensitivePaths(op);
    for (const path of paths) t.notOk(marked.includes(path), `${path} is not already marked sensitive`);
    t.ok(needsDocumentMasking(op), 'its output is parsed and masked');
  });
}
