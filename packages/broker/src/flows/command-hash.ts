// The identity of "the same command" for approvals: SHA-256 over the canonical JSON of argv, the uploaded
// file contents' digests, the effective region and who asks. A different byte anywhere is a new request.
import { createHash } from 'node:crypto';
import { canonicalJson } from '@aws-guard/shared/audit/hash-chain';
import type { AwsCommand } from '@aws-guard/shared/command/aws-command';
import type { Identity } from '../auth/identity.js';

export const commandHash = (cmd: AwsCommand, identity: Identity, region: string | null, fileDigests: readonly string[] = []): string =>
  createHash('sha256')
    .update(canonicalJson({ v: 1, argv: [...cmd.argv], files: [...fileDigests], region, agent: identity.agent, human: identity.human }))
    .digest('hex');
