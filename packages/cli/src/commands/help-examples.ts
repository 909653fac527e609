// The "Examples:" block at the end of a command's --help: real command lines an operator can copy and adapt.
import type { Command } from 'commander';

/** Adds `examples` (one command line each) after the options in `command`'s help; returns it for chaining. */
export const withExamples = (command: Command, examples: readonly string[]): Command =>
  command.addHelpText('after', `\nExamples:\n${examples.map((e) => `  ${e}`).join('\n')}\n`);
