import t from 'tap';
import { ok, fail } from '@aws-guard/shared/result';

t.test('ok and fail build tagged values', async (t) => {
  t.same(ok(3), { ok: true, value: 3 });
  t.same(fail('X', 'bad'), { ok: false, issue: { code: 'X', message: 'bad' } });
});
