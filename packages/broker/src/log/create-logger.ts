// Structured JSON logs (pino) on stderr. Redaction is configured once here: tokens and credentials
// never reach a log line, whatever a caller passes in.
import { pino, type Logger } from 'pino';

export type { Logger };

const REDACT = [
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'credentials',
  '*.credentials',
  'secretAccessKey',
  '*.secretAccessKey',
  'sessionToken',
  '*.sessionToken',
  'env',
  '*.env',
];

export const createLogger = (level: string, destination: NodeJS.WritableStream = process.stderr): Logger =>
  pino({ level, base: { svc: 'aws-guard-broker' }, redact: { paths: REDACT, censor: '[redacted]' } }, destination as pino.DestinationStream);
