// `aws-guard doctor` output: aligned lines for people, one JSON object for scripts (`--json`).
import type { DoctorCheck } from './doctor-check.js';

/** Exit code of a report: 0 unless something FAILs. */
export const doctorExitCode = (checks: readonly DoctorCheck[]): number => (checks.some((c) => c.status === 'FAIL') ? 1 : 0);

export const formatDoctorText = (checks: readonly DoctorCheck[]): string => {
  const width = Math.max(...checks.map((c) => c.name.length));
  const count = (s: DoctorCheck['status']) => checks.filter((c) => c.status === s).length;
  const lines = checks.map((c) => `${c.status.padEnd(4)}  ${c.name.padEnd(width)}  ${c.reason.replace(/\s*\n\s*/g, '; ')}`);
  const fails = count('FAIL');
  const warns = count('WARN');
  const summary = fails > 0 ? `${fails} failed, ${warns} warning${warns === 1 ? '' : 's'}` : warns > 0 ? `no failures, ${warns} warning${warns === 1 ? '' : 's'}` : 'all checks passed';
  return `${lines.join('\n')}\n${summary}\n`;
};

export const formatDoctorJson = (checks: readonly DoctorCheck[]): string =>
  `${JSON.stringify({ ok: doctorExitCode(checks) === 0, checks: checks.map(({ name, status, reason }) => ({ name, status, reason })) })}\n`;
