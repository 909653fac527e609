// Lets a plain Node script import one of our TypeScript modules: esbuild bundles it (with its dependencies)
// in memory and the result is imported from a data: URL. For generators only; nothing at run time uses this.
import { build } from 'esbuild';

export const loadTsModule = async (entry) => {
  const out = await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'node', target: 'node20', write: false, logLevel: 'error' });
  const code = out.outputFiles[0].text;
  return import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
};
