// The key of the `hmac` mask style: a file the operator names (brokers sharing one Redis store must share it, or
// their masks of one value differ), else keys/mask-hmac.key in the data dir, created on first use (0600).
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fail, ok, type Result } from '@aws-guard/shared/result';
import { LENGTH_STYLE, type MaskStyle } from './mask-style.js';

export type MaskKeyCode = 'MASK_KEY_UNREADABLE' | 'MASK_KEY_INVALID';

/** The settings this module reads (config-schema.ts `masking`; kept structural: leaves do not import config). */
export type MaskSettings = Readonly<{ style: 'length' | 'hmac'; hmacKeyFile: string | undefined }>;

/** 32 characters: 128 bits at least even for a hex key; the generated key is 64 hex digits (256 bits). */
export const MIN_MASK_KEY_CHARS = 32;

export const defaultMaskKeyFile = (dataDir: string): string => join(dataDir, 'keys', 'mask-hmac.key');

const errno = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? String(e);

/** The key is the file's text without surrounding whitespace, so `openssl dgst -hmac "$(cat FILE)"` agrees. */
const readKey = async (file: string): Promise<Result<Buffer, MaskKeyCode>> => {
  let text: string;
  try {
    // A key others can read is no longer the broker's alone: refuse it like ssh refuses an open private key.
    const { mode } = await stat(file);
    if ((mode & 0o077) !== 0)
      return fail('MASK_KEY_INVALID', `${file}: the mask key is readable by group or others (mode ${(mode & 0o777).toString(8)}); chmod 600 it`);
    text = (await readFile(file, 'utf8')).trim();
  } catch (e) {
    return fail('MASK_KEY_UNREADABLE', `${file}: cannot read the mask key (${errno(e)})`);
  }
  if (text.length < MIN_MASK_KEY_CHARS)
    return fail('MASK_KEY_INVALID', `${file}: the mask key must be at least ${MIN_MASK_KEY_CHARS} characters (e.g. \`openssl rand -hex 32\`)`);
  return ok(Buffer.from(text, 'utf8'));
};

/** Only a file that is not there is created; any other trouble is readKey's to report. */
const isMissing = async (file: string): Promise<boolean> => {
  try {
    await stat(file);
    return false;
  } catch (e) {
    return errno(e) === 'ENOENT';
  }
};

const createKey = async (file: string, dir: string): Promise<Result<Buffer, MaskKeyCode>> => {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    // `wx`: two brokers starting on one data dir must not overwrite each other's key.
    await writeFile(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if (errno(e) !== 'EEXIST') return fail('MASK_KEY_UNREADABLE', `${file}: cannot create the mask key (${errno(e)})`);
  }
  return readKey(file);
};

/** The operator's key file, which must exist; else the data dir's, created when absent. */
export const loadOrCreateMaskKey = async (dataDir: string, keyFile: string | undefined): Promise<Result<Buffer, MaskKeyCode>> => {
  if (keyFile !== undefined) return readKey(keyFile);
  const file = defaultMaskKeyFile(dataDir);
  return (await isMissing(file)) ? createKey(file, join(dataDir, 'keys')) : readKey(file);
};

/** The style the broker masks documents with, read once at start; a bad key stops the start (fail closed). */
export const resolveMaskStyle = async (settings: MaskSettings, dataDir: string): Promise<Result<MaskStyle, MaskKeyCode>> => {
  if (settings.style === 'length') return ok(LENGTH_STYLE);
  const key = await loadOrCreateMaskKey(dataDir, settings.hmacKeyFile);
  return key.ok ? ok(Object.freeze({ kind: 'hmac' as const, key: key.value })) : key;
};
