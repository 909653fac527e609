// `aws-guard audit verify` and `aws-guard audit pubkey`: check the chain and its signed checkpoints with a public
// key (--pubkey FILE, else the data dir's own key), and print that key for verifiers elsewhere.
import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseEd25519PublicKey } from '@aws-guard/shared/audit/checkpoint-signature';
import { UserFacingError } from '@aws-guard/shared/errors';
import { auditKeyPath, publicKeyPem, readAuditPublicKey } from '@aws-guard/broker/audit/audit-signing-key';
import { verifyAuditFile, verifyAuditLines, type AuditFileVerdict } from '@aws-guard/broker/audit/verify-audit-file';
import type { VerifyStart } from '@aws-guard/broker/audit/skip-to-start';
import { escapeForTerminal } from '../audit/format-audit-record.js';
import { auditRedisUrl, openRedisAuditSource } from '../audit/redis-audit-source.js';
import { auditDataDir, auditPath, type AuditIo } from './audit-data-dir.js';

export type AuditVerifyOptions = Readonly<{ dataDir?: string; redis?: string; json?: boolean; pubkey?: string; requireSigned?: boolean; from?: string }>;

/** `--from 1200` (a seq) or `--from 2026-11-26T18:00:00Z` (the first record at or after that time). */
const parseFrom = (text: string | undefined): VerifyStart | undefined => {
  if (text === undefined) return undefined;
  const usage = () => new UserFacingError('AUDIT_USAGE', `audit verify: --from takes a record seq (1 or more) or an ISO time, not ${JSON.stringify(text)}`, 2);
  if (/^\d+$/.test(text)) {
    if (Number(text) < 1) throw usage();
    return { seq: Number(text) };
  }
  const time = Date.parse(text);
  if (!/^\d{4}-/.test(text) || Number.isNaN(time)) throw usage();
  return { time: new Date(time) };
};
export type AuditPubkeyOptions = Readonly<{ dataDir?: string }>;

type Verified = Extract<AuditFileVerdict, { ok: true }>;

/** Verifies the whole chain and every checkpoint; returns the exit code (0 verified, 1 not). */
export async function runAuditVerify(opts: AuditVerifyOptions, io: AuditIo): Promise<number> {
  const from = parseFrom(opts.from);
  const key = await verifyKey(opts, io);
  const { path, verdict } = await verifySource(opts, io, key, from);
  if (!verdict.ok) return reportIssue(path, verdict.issue, opts, io);
  const warning = unsignedWarning(verdict);
  if (warning !== null && opts.requireSigned === true) {
    const issue = { code: 'AUDIT_UNSIGNED_TAIL', seq: verdict.lastSeq, line: verdict.count, message: warning };
    return reportIssue(path, issue, opts, io);
  }
  const { count, lastSeq, lastHash, checkpoints, lastCheckpointSeq, unsigned, keyId, skipped } = verdict;
  if (opts.json) {
    const warnings = warning === null ? [] : [warning];
    const result = { path, ok: true, count, lastSeq, lastHash, checkpoints, lastCheckpointSeq, unsigned, keyId, skipped, warnings };
    io.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  }
  io.stdout.write(`audit log ${path} verified: ${count} records, last seq ${lastSeq}, last hash ${lastHash}\n`);
  if (from !== undefined) io.stdout.write(`verified from seq ${lastSeq - count + 1}: the ${skipped} records before it were read, not verified; the one just before the start is trusted\n`);
  if (checkpoints > 0) {
    const last = lastCheckpointSeq ?? '?';
    io.stdout.write(`${checkpoints} checkpoint signatures verified with key ${keyId ?? '?'}, the last at seq ${last}\n`);
  }
  if (warning !== null) io.stderr.write(`aws-guard: warning: ${warning}\n`);
  return 0;
}

/** The data dir's file, or with --redis (or AWS_GUARD_REDIS) the shared stream: the same verifier reads both. */
async function verifySource(opts: AuditVerifyOptions, io: AuditIo, key: KeyObject | null, from: VerifyStart | undefined) {
  const url = auditRedisUrl(opts.redis, io.env);
  if (url === undefined) {
    const path = auditPath(opts.dataDir, io);
    return { path, verdict: await verifyAuditFile(path, key, from) };
  }
  const source = await openRedisAuditSource(url);
  try {
    return { path: source.where, verdict: await verifyAuditLines({ where: source.where, lines: source.lines(), tornTail: () => null }, key, from) };
  } finally {
    source.close();
  }
}

/** Prints the data dir's audit public key (PEM); the private key never leaves the data dir. */
export async function runAuditPubkey(opts: AuditPubkeyOptions, io: AuditIo): Promise<number> {
  const dataDir = auditDataDir(opts.dataDir, io);
  const key = await readAuditPublicKey(dataDir);
  if (key === null) {
    throw new UserFacingError('AUDIT_NO_KEY', `no audit signing key at ${auditKeyPath(dataDir)}: the broker creates it on its first start`, 1);
  }
  io.stdout.write(publicKeyPem(key));
  return 0;
}

/** Honest about the one thing a signature cannot cover: the records after the last checkpoint. */
function unsignedWarning(v: Verified): string | null {
  if (v.unsigned === 0) return null;
  const which = v.lastCheckpointSeq === null ? `${v.unsigned} records (the log has no checkpoint)`
    : `${v.unsigned} records after the last checkpoint (seq ${v.lastCheckpointSeq})`;
  return `${which} are not signed yet: records removed from the end of the log would not be detected `
    + '(a broker that stopped cleanly ends its log with a checkpoint)';
}

async function verifyKey(opts: AuditVerifyOptions, io: AuditIo): Promise<KeyObject | null> {
  if (opts.pubkey === undefined) return readAuditPublicKey(auditDataDir(opts.dataDir, io));
  const pem = await readFile(opts.pubkey, 'utf8').catch((e: unknown) => {
    throw new UserFacingError('AUDIT_PUBKEY_UNREADABLE', `cannot read --pubkey ${opts.pubkey}: ${(e as Error).message}`, 2);
  });
  const key = parseEd25519PublicKey(pem);
  if (!key.ok) throw new UserFacingError(key.issue.code, `--pubkey ${opts.pubkey}: ${key.issue.message}`, 2);
  return key.value;
}

type ReportedIssue = Readonly<{ code: string; seq: number | null; line: number; message: string }>;

function reportIssue(path: string, issue: ReportedIssue, opts: AuditVerifyOptions, io: AuditIo): number {
  if (opts.json) io.stdout.write(`${JSON.stringify({ path, ok: false, issue })}\n`);
  else {
    const { code, seq, line, message } = issue;
    const where = line === 0 ? '' : ` at line ${line}${seq === null ? '' : ` (seq ${seq})`}`;
    io.stderr.write(`audit log ${path} does NOT verify${where}: ${code}: ${escapeForTerminal(message)}\n`);
  }
  return 1;
}
