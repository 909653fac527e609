// The colour of each risk level in the list and the detail view; one place so both agree.
import type { Risk } from '@aws-guard/shared/command/aws-command';

const COLORS: Readonly<Record<Risk, string>> = {
  read: 'green',
  write: 'yellow',
  destructive: 'red',
  privilege: 'magenta',
  secret_read: 'cyan',
  forbidden: 'redBright',
};

/** A risk the UI does not know yet (a newer broker) is shown plainly rather than guessed at. */
export const riskColor = (risk: string): string => (Object.hasOwn(COLORS, risk) ? COLORS[risk as Risk] : 'white');
