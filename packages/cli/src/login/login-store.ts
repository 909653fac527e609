// Where an approver's broker URL and token live between commands: the OS keychain (@napi-rs/keyring) when a
// secret service answers, else a 0600 file under the user's config dir. The caller is always told which.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export type Login = Readonly<{ broker: string; token: string }>;
export type LoginPlace = Readonly<{ kind: 'keychain' } | { kind: 'file'; path: string; why: string }>;

const SERVICE = 'aws-guard';
const ACCOUNT = 'approver-login';

type KeyringEntry = { setPassword(p: string): void; getPassword(): string | null | undefined; deletePassword(): boolean };
type Keyring = { Entry: new (service: string, account: string) => KeyringEntry };

/** The native add-on cannot be bundled: it is required at run time from the cli package's node_modules. */
const loadKeyring = (): Keyring => {
  const here = typeof __AWS_GUARD_CLI_PACKAGE__ === 'string' ? new URL(__AWS_GUARD_CLI_PACKAGE__, import.meta.url) : new URL('../../package.json', import.meta.url);
  return createRequire(here)('@napi-rs/keyring') as Keyring;
};
declare const __AWS_GUARD_CLI_PACKAGE__: string | undefined;

export const loginFilePath = (env: Readonly<Record<string, string | undefined>>): string =>
  join(env['XDG_CONFIG_HOME'] ?? join(env['HOME'] ?? homedir(), '.config'), 'aws-guard', 'login.json');

const keychain = (): { entry: KeyringEntry } | { why: string } => {
  try {
    return { entry: new (loadKeyring().Entry)(SERVICE, ACCOUNT) };
  } catch (e) {
    return { why: (e as Error).message.split('\n')[0] ?? 'unavailable' };
  }
};

export const saveLogin = async (login: Login, env: Readonly<Record<string, string | undefined>>): Promise<LoginPlace> => {
  const k = keychain();
  let why = 'why' in k ? k.why : '';
  if ('entry' in k) {
    try {
      k.entry.setPassword(JSON.stringify(login));
      return { kind: 'keychain' };
    } catch (e) {
      why = (e as Error).message.split('\n')[0] ?? 'the keychain refused the secret';
    }
  }
  const path = loginFilePath(env);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, `${JSON.stringify(login)}\n`, { mode: 0o600 });
  return { kind: 'file', path, why };
};

const parseLogin = (text: string): Login | undefined => {
  const v = JSON.parse(text) as Partial<Login>;
  return typeof v.broker === 'string' && typeof v.token === 'string' ? { broker: v.broker, token: v.token } : undefined;
};

export const readLogin = async (env: Readonly<Record<string, string | undefined>>): Promise<Login | undefined> => {
  const k = keychain();
  if ('entry' in k) {
    try {
      const stored = k.entry.getPassword();
      if (stored) return parseLogin(stored);
    } catch {
      // No secret service: the file below is where `saveLogin` put it.
    }
  }
  const text = await readFile(loginFilePath(env), 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  return text === undefined ? undefined : parseLogin(text);
};

export const forgetLogin = async (env: Readonly<Record<string, string | undefined>>): Promise<void> => {
  const k = keychain();
  if ('entry' in k) {
    try {
      k.entry.deletePassword();
    } catch {
      // Nothing stored there, or no secret service: the file is removed below either way.
    }
  }
  await rm(loginFilePath(env), { force: true });
};
