// Builds the analyzer explain uses: the generated AWS model (loaded lazily, once per process) and analyzeCommand
// with the caller's environment for region defaults, exactly as the broker analyses an agent's command.
import type { AwsCommand } from '@aws-guard/shared/command/aws-command';
import type { Result } from '@aws-guard/shared/result';

export type Analyzer = (argv: readonly string[]) => Result<AwsCommand>;

export const loadAnalyzer = async (env: Readonly<Record<string, string | undefined>>, modelDir?: string): Promise<Analyzer> => {
  // Imported here so that loading the `aws-guard` program does not pay for the parser and model code.
  const [{ analyzeCommand }, { createModelStore }, located] = await Promise.all([
    import('@aws-guard/shared/command/analyze-command'),
    import('@aws-guard/shared/aws-model/model-store'),
    import('@aws-guard/broker/model-dir'),
  ]);
  // The same model the broker decides with (beside the sources, or beside the bundle).
  const model = createModelStore(modelDir ?? located.modelDir());
  return (argv) => analyzeCommand(argv, { model, env });
};
