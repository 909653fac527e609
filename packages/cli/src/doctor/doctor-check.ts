// One line of `aws-guard doctor`: what was checked, how it went, and why, in one line that never holds a secret.
export type DoctorStatus = 'OK' | 'WARN' | 'FAIL';

export type DoctorCheck = Readonly<{ name: string; status: DoctorStatus; reason: string }>;

export const check = (name: string, status: DoctorStatus, reason: string): DoctorCheck => Object.freeze({ name, status, reason });
