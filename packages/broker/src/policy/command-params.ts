// The parameter values a policy rule's `params` sees for one command, and whether they are knowable at all.
// Names match by CLI option (`db-instance-identifier`) or API member (`DBInstanceIdentifier`): both squash to the
// same letters; for the high-level s3 commands, `Bucket` and `Key` come from their s3:// paths.
import type { AwsCommand } from '@aws-guard/shared/command/aws-command';

export type ParamLookup = Readonly<{
  /** Values as written (flags as `true`); list options give one value per element. */
  values: readonly string[];
  /**
   * The value may be hidden from the decision: it is loaded from a file (`file://`), or the parameter is absent
   * while `--cli-input-json/yaml` could set it. Deny and approve rules treat unknown as matching; allow rules do not.
   */
  unknown: boolean;
}>;

const INPUT_DOCUMENTS = ['cli-input-json', 'cli-input-yaml'];
const FILE_REF = /^fileb?:\/\//;

/** `db-instance-identifier`, `DBInstanceIdentifier` and `DbInstanceIdentifier` all become `dbinstanceidentifier`. */
export const squashParamName = (name: string): string => name.toLowerCase().replace(/[-_]/g, '');

/** Bucket or key of every s3:// URI among a high-level s3 command's values (`s3 cp s3://b/k ./x`). */
const fromS3Paths = (cmd: AwsCommand, part: 'bucket' | 'key'): string[] => {
  const found: string[] = [];
  for (const raw of Object.values(cmd.params)) {
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      if (typeof value !== 'string' || !value.startsWith('s3://')) continue;
      const rest = value.slice('s3://'.length);
      const slash = rest.indexOf('/');
      const bucket = slash === -1 ? rest : rest.slice(0, slash);
      const key = slash === -1 ? '' : rest.slice(slash + 1);
      const picked = part === 'bucket' ? bucket : key;
      if (picked !== '') found.push(picked);
    }
  }
  return found;
};

export const lookupParam = (cmd: AwsCommand, name: string): ParamLookup => {
  const wanted = squashParamName(name);
  const values: string[] = [];
  let unknown = false;
  for (const [option, raw] of Object.entries(cmd.params)) {
    if (squashParamName(option) !== wanted) continue;
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      if (value === true) values.push('true');
      else if (FILE_REF.test(value as string)) unknown = true;
      else values.push(value as string);
    }
  }
  if (cmd.service === 's3' && cmd.custom && (wanted === 'bucket' || wanted === 'key')) values.push(...fromS3Paths(cmd, wanted));
  if (values.length === 0 && INPUT_DOCUMENTS.some((doc) => cmd.params[doc] !== undefined)) unknown = true;
  return { values, unknown };
};
