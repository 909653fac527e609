// `aws-guard login` keeps the approver's broker and token in the OS keychain, or (where no secret service
// answers, as on this machine) in a 0600 file; the approver commands find them there after flags and env.
import t from 'tap';
import { statSync } from 'node:fs';
import { forgetLogin, loginFilePath, readLogin, saveLogin } from '../../src/login/login-store.js';
import { openApproverConnection } from '../../src/commands/approver-access.js';
import type { CommandContext } from '../../src/commands/command-context.js';

const ctxWith = (env: Record<string, string>): CommandContext => ({
  env,
  stdout: process.stdout,
  stderr: process.stderr,
  version: '0.0.0-test',
  setExitCode: () => undefined,
});

t.test('a saved login reads back, lives in a 0600 file without a keychain, and can be forgotten', async (t) => {
  const env = { XDG_CONFIG_HOME: t.testdir(), HOME: t.testdir() };
  const place = await saveLogin({ broker: 'ws://127.0.0.1:1', token: 'tok-1' }, env);
  t.same(await readLogin(env), { broker: 'ws://127.0.0.1:1', token: 'tok-1' });
  if (place.kind === 'file') {
    t.equal(place.path, loginFilePath(env));
    t.equal(statSync(place.path).mode & 0o777, 0o600, 'only the user can read it');
    t.match(place.why, /.+/, 'says why the keychain was not used');
  } else t.pass('stored in the OS keychain');
  await forgetLogin(env);
  t.equal(await readLogin(env), undefined);
});

t.test('flags beat env, env beats the stored login', async (t) => {
  const env = { XDG_CONFIG_HOME: t.testdir(), HOME: t.testdir() };
  await saveLogin({ broker: 'ws://127.0.0.1:3', token: 'stored' }, env);
  const reached = async (opts: { broker?: string; token?: string }, extra: Record<string, string> = {}) =>
    openApproverConnection(opts, ctxWith({ ...env, ...extra })).then(
      () => 'connected',
      (e: Error) => /127\.0\.0\.1:(\d)/.exec(e.message)?.[1] ?? e.message,
    );
  t.equal(await reached({}), '3', 'the stored login');
  t.equal(await reached({}, { AWS_GUARD_URL: 'ws://127.0.0.1:2', AWS_GUARD_TOKEN: 'env' }), '2', 'the environment');
  t.equal(await reached({ broker: 'ws://127.0.0.1:1', token: 'flag' }, { AWS_GUARD_URL: 'ws://127.0.0.1:2' }), '1', 'the flags');
  await forgetLogin(env);
  const missing = await openApproverConnection({}, ctxWith(env)).then(() => undefined, (e: unknown) => e);
  t.match(missing, { exitCode: 2, message: /aws-guard login/ }, 'nothing anywhere: says how to log in');
});
