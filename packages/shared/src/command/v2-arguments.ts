// The per-operation arguments AWS CLI v2 adds to what the (v1-generated) model holds: `--cli-input-yaml` beside
// `--cli-input-json`, and a `yaml-input` skeleton. v2 is not installed where the model is generated; these come
// from the v2 sources (awscli/customizations/cliinput.py, generatecliskeleton.py) and are deliberately few.
import type { ArgSpec } from '../aws-model/model-types.js';
import type { CliMajor } from './cli-usage-error.js';

const cache = new WeakMap<readonly ArgSpec[], readonly ArgSpec[]>();

const forV2 = (args: readonly ArgSpec[]): readonly ArgSpec[] =>
  args.flatMap((a): ArgSpec[] => {
    if (a.name === 'cli-input-json' && !a.positional) return [a, { ...a, name: 'cli-input-yaml' }];
    if (a.name === 'generate-cli-skeleton' && a.choices !== null) return [{ ...a, choices: [...a.choices, 'yaml-input'] }];
    return [a];
  });

export const operationArgs = (args: readonly ArgSpec[], cli: CliMajor): readonly ArgSpec[] => {
  if (cli === 1) return args;
  let v2 = cache.get(args);
  if (v2 === undefined) {
    v2 = Object.freeze(forV2(args));
    cache.set(args, v2);
  }
  return v2;
};
