// The worker's own environment. What the interpreter reads at start-up (locale, PYTHON* flags) is fixed for
// every fork, so these match what exec/sandbox-env.ts gives a spawned CLI; the rest keeps the preload inert.
export const WORKER_ENV = Object.freeze({
  PATH: '/usr/local/bin:/usr/bin:/bin',
  LANG: 'C.UTF-8',
  PYTHONNOUSERSITE: '1',
  PYTHONDONTWRITEBYTECODE: '1',
  HOME: '/nonexistent',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  AWS_EC2_METADATA_DISABLED: 'true',
});
