// The command-line options of the filters `audit tail` and `audit export` share; audit-filters.ts checks them.
// Only commander's type is imported, so registering the commands loads none of the audit code.
import type { Command } from 'commander';

export const addFilterOptions = (command: Command): Command =>
  command
    .option('--since <time>', 'records at or after TIME: ISO 8601 (2026-11-26T14:00:00Z, 2026-11-26) or a duration ago (2h, 7d)')
    .option('--until <time>', 'records before TIME (same forms)')
    .option('--session <id>', 'records of one agent session')
    .option('--agent <glob>', 'records of agents matching GLOB (an approval also matches its command\'s agent)')
    .option('--human <glob>', 'records of humans matching GLOB: the human an agent acts for, or an approver')
    .option('--decision <decision>', 'allow, deny or approve: records of commands so decided, from the decision on')
    .option('--type <glob>', 'records whose event type matches GLOB (command.*, approval.denied)');
