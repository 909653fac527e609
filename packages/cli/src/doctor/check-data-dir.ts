// The broker's data dir: can the broker write there, and does the audit chain in it (every segment) — or, for a
// broker on Redis, the shared chain in the stream — verify end to end.
import { randomBytes } from 'node:crypto';
import { access, constants, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { auditDirOf, auditFilePath } from '@aws-guard/broker/audit/audit-files';
import { readAuditPublicKey } from '@aws-guard/broker/audit/audit-signing-key';
import { verifyAuditFile, verifyAuditLines } from '@aws-guard/broker/audit/verify-audit-file';
import { openRedisAuditSource } from '../audit/redis-audit-source.js';
import { describeFileProblem } from '@aws-guard/shared/file-problem';
import { check, type DoctorCheck } from './doctor-check.js';

type AuditKey = Awaited<ReturnType<typeof readAuditPublicKey>>;

/** The data dir's audit key, or the audit-chain FAIL that says why it cannot be read: doctor reports, never stops. */
const auditKeyOrFail = async (dataDir: string): Promise<{ key: AuditKey } | { failed: DoctorCheck }> =>
  readAuditPublicKey(dataDir).then(
    (key) => ({ key }),
    (e: unknown) => ({ failed: check('audit chain', 'FAIL', describeFileProblem(e) ?? `cannot read the audit key in ${dataDir}: ${(e as Error).message}`) }),
  );

const nearestExisting = async (path: string): Promise<string> => {
  for (let p = path; ; p = dirname(p)) {
    if (await stat(p).then(() => true, () => false)) return p;
    if (dirname(p) === p) return p;
  }
};

/** A real write (and its removal): access(W_OK) says yes to root on a read-only mount. */
export const checkDataDirWritable = async (dataDir: string): Promise<DoctorCheck> => {
  const info = await stat(dataDir).catch((e: NodeJS.ErrnoException) => e);
  if (info instanceof Error) {
    if (info.code !== 'ENOENT') return check('data dir', 'FAIL', `${dataDir}: ${info.code ?? info.message}`);
    const parent = await nearestExisting(dataDir);
    const writable = await access(parent, constants.W_OK).then(() => true, () => false);
    return writable
      ? check('data dir', 'WARN', `${dataDir} does not exist yet: the broker creates it at start`)
      : check('data dir', 'FAIL', `${dataDir} does not exist and ${parent} is not writable`);
  }
  if (!info.isDirectory()) return check('data dir', 'FAIL', `${dataDir} is not a directory`);
  const probe = join(dataDir, `.doctor-${randomBytes(6).toString('hex')}`);
  try {
    await writeFile(probe, '', { mode: 0o600, flag: 'wx' });
    await unlink(probe);
  } catch (e) {
    return check('data dir', 'FAIL', `${dataDir} is not writable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const open = (info.mode & 0o077) !== 0;
  return open
    ? check('data dir', 'WARN', `${dataDir} is writable but readable by others (mode ${(info.mode & 0o777).toString(8)}): it holds the token signing key; chmod 700`)
    : check('data dir', 'OK', `${dataDir} is writable`);
};

/** The embedded audit log lives in <dataDir>/audit/ (app.ts creates it there). */
export const checkAuditChain = async (dataDir: string): Promise<DoctorCheck> => {
  const path = auditFilePath(auditDirOf(dataDir));
  // The data dir's own key checks the checkpoints (none yet: a log with checkpoints then fails, as verify does).
  const read = await auditKeyOrFail(dataDir);
  if ('failed' in read) return read.failed;
  const { key } = read;
  const whole = await verifyAuditFile(path, key);
  // Sealed segments archived away: what is still here is verified from its first record, and said so.
  const archivedFrom = !whole.ok && whole.issue.code === 'AUDIT_SEGMENTS_MISSING' ? whole.issue.seq : null;
  const verdict = archivedFrom === null ? whole : await verifyAuditFile(path, key, { seq: archivedFrom });
  if (verdict.ok && archivedFrom !== null) {
    return check('audit chain', 'WARN', `${path}: ${verdict.count} records verify from seq ${archivedFrom} (last seq ${verdict.lastSeq}); the segments before it are not here (archived?)`);
  }
  if (verdict.ok) return check('audit chain', 'OK', `${path}: ${verdict.count} records verify (last seq ${verdict.lastSeq})`);
  const { code, line, message } = verdict.issue;
  if (code === 'AUDIT_LOG_MISSING') return check('audit chain', 'WARN', `no audit log at ${path} yet (the broker has not run with this data dir)`);
  return check('audit chain', 'FAIL', `${path} does NOT verify${line === 0 ? '' : ` at line ${line}`}: ${code}: ${message}`);
};

/** A broker on Redis audits to the shared stream, not the data dir: that chain is the one to verify. */
export const checkRedisAuditChain = async (dataDir: string, url: string): Promise<DoctorCheck> => {
  const read = await auditKeyOrFail(dataDir);
  if ('failed' in read) return read.failed;
  const { key } = read;
  let source;
  try {
    source = await openRedisAuditSource(url);
  } catch (e) {
    return check('audit chain', 'FAIL', `the Redis audit stream cannot be read: ${(e as Error).message}`);
  }
  try {
    const verdict = await verifyAuditLines({ where: source.where, lines: source.lines(), tornTail: () => null }, key);
    if (verdict.ok && verdict.count === 0) return check('audit chain', 'WARN', `${source.where} is empty (no broker has run on this Redis yet)`);
    if (verdict.ok) return check('audit chain', 'OK', `${source.where}: ${verdict.count} records verify (last seq ${verdict.lastSeq})`);
    const { code, seq, message } = verdict.issue;
    return check('audit chain', 'FAIL', `${source.where} does NOT verify${seq === null ? '' : ` at seq ${seq}`}: ${code}: ${message}`);
  } catch (e) {
    return check('audit chain', 'FAIL', `reading ${source.where} failed: ${(e as Error).message}`);
  } finally {
    source.close();
  }
};
