import t from 'tap';
import { sandboxConfigText, sandboxEnv, type SandboxPaths } from '@aws-guard/broker/exec/sandbox-env';

const paths: SandboxPaths = {
  root: '/sbx',
  home: '/sbx/home',
  work: '/sbx/work',
  files: '/sbx/files',
  tmp: '/sbx/tmp',
  configFile: '/sbx/etc/config',
  credentialsFile: '/sbx/etc/credentials',
};
const credentials = { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret-value', sessionToken: 'session-value' };
const build = (over: Partial<Parameters<typeof sandboxEnv>[0]> = {}) =>
  sandboxEnv({ paths, credentials, forwarded: {}, columns: undefined, ...over });

t.test('the broker process env never leaks into the CLI env', async (t) => {
  const planted: Record<string, string> = {
    AWS_GUARD_TEST_PLANTED: 'leak',
    AWS_PROFILE: 'broker-admin',
    AWS_ACCESS_KEY_ID: 'AKIABROKER',
    AWS_SECRET_ACCESS_KEY: 'broker-secret',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:1',
    HTTPS_PROXY: 'http://127.0.0.1:3128',
    LD_PRELOAD: '/tmp/evil.so',
    PYTHONPATH: '/tmp/evil',
  };
  const saved = { ...process.env };
  Object.assign(process.env, planted);
  t.teardown(() => {
    for (const name of Object.keys(planted)) if (saved[name] === undefined) delete process.env[name];
    Object.assign(process.env, saved);
  });
  const env = build();
  for (const [name, value] of Object.entries(planted)) {
    t.not(env[name], value, `${name} from the broker's env is not passed`);
    t.notOk(Object.values(env).includes(value), `the value of ${name} appears nowhere`);
  }
});

t.test('variables that redirect, expose or replace credentials are never set', async (t) => {
  const env = build({ forwarded: { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1', AWS_DEFAULT_OUTPUT: 'json' }, columns: 80 });
  const forbidden = [
    'AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_ENDPOINT_URL', 'AWS_CA_BUNDLE', 'AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE',
    'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_AUTHORIZATION_TOKEN',
    'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'REQUESTS_CA_BUNDLE', 'SSL_CERT_FILE',
    'PYTHONPATH', 'PYTHONHOME', 'PYTHONSTARTUP', 'LD_PRELOAD', 'LD_LIBRARY_PATH', 'AWS_DATA_PATH',
  ];
  for (const name of forbidden) t.notOk(name in env, name);
  for (const name of Object.keys(env)) t.notMatch(name, /^AWS_ENDPOINT_URL/, `${name} is no endpoint variable`);
});

t.test('the CLI is pointed at the sandbox and made non-interactive', async (t) => {
  t.match(build(), {
    HOME: paths.home,
    TMPDIR: paths.tmp,
    AWS_CONFIG_FILE: paths.configFile,
    AWS_SHARED_CREDENTIALS_FILE: paths.credentialsFile,
    AWS_PAGER: '',
    AWS_CLI_AUTO_PROMPT: 'off',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  t.equal(build()['AWS_PAGER'], '', 'an empty pager, not an absent one (the CLI would use less)');
});

t.test('PATH holds only system directories, no relative or sandbox entries', async (t) => {
  const path = build()['PATH'] ?? '';
  t.ok(path.length > 0);
  for (const dir of path.split(':')) {
    t.ok(dir.startsWith('/'), `${dir} is absolute`);
    t.notOk(dir.startsWith(paths.root), `${dir} is outside the sandbox`);
  }
});

t.test('the request credentials are passed, the session token only when there is one', async (t) => {
  t.match(build(), { AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret-value', AWS_SESSION_TOKEN: 'session-value' });
  const longLived = build({ credentials: { accessKeyId: 'AKIA', secretAccessKey: 's' } });
  t.notOk('AWS_SESSION_TOKEN' in longLived);
  t.notOk('AWS_SESSION_TOKEN' in build({ credentials: { accessKeyId: 'AKIA', secretAccessKey: 's', sessionToken: undefined } }));
});

const regions: Array<[string, boolean]> = [
  ['us-east-1', true], ['eu-west-2', true], ['ap-southeast-3', true], ['us-gov-west-1', true], ['cn-north-1', true],
  ['US-EAST-1', false], ['us-east', false], ['useast1', false], ['', false], ['us-east-1 ', false],
  ['us-east-1\n[profile evil]', false], ['us-east-1;id', false], ['../../etc', false], ['http://169.254.169.254', false],
];

t.test('a forwarded region passes only when it is well formed', async (t) => {
  for (const [region, kept] of regions) {
    const env = build({ forwarded: { AWS_REGION: region, AWS_DEFAULT_REGION: region } });
    t.equal(env['AWS_REGION'], kept ? region : undefined, `AWS_REGION ${JSON.stringify(region)}`);
    t.equal(env['AWS_DEFAULT_REGION'], kept ? region : undefined, `AWS_DEFAULT_REGION ${JSON.stringify(region)}`);
  }
});

t.test('a forwarded output format passes only when the CLI knows it', async (t) => {
  const outputs: Array<[string, boolean]> = [
    ['json', true], ['text', true], ['table', true], ['yaml', true], ['yaml-stream', true],
    ['JSON', false], ['xml', false], ['', false], ['json\n', false],
  ];
  for (const [output, kept] of outputs)
    t.equal(build({ forwarded: { AWS_DEFAULT_OUTPUT: output } })['AWS_DEFAULT_OUTPUT'], kept ? output : undefined, JSON.stringify(output));
});

t.test('a forwarded file encoding passes only as a codec name', async (t) => {
  const encodings: Array<[string, boolean]> = [
    ['utf-8', true], ['latin-1', true], ['cp1252', true], ['UTF_16', true],
    ['utf-8; rm -rf /', false], ['$HOME', false], ['', false], ['a'.repeat(41), false], ['utf-8\n', false],
  ];
  for (const [encoding, kept] of encodings)
    t.equal(build({ forwarded: { AWS_CLI_FILE_ENCODING: encoding } })['AWS_CLI_FILE_ENCODING'], kept ? encoding : undefined, JSON.stringify(encoding));
});

t.test('the terminal width becomes COLUMNS, and nothing when unknown', async (t) => {
  t.equal(build({ columns: 132 })['COLUMNS'], '132');
  t.notOk('COLUMNS' in build());
});

t.test('every value is a string', async (t) => {
  const env = build({ forwarded: { AWS_REGION: 'us-east-1', AWS_DEFAULT_OUTPUT: 'text' }, columns: 1 });
  for (const [name, value] of Object.entries(env)) t.type(value, 'string', name);
});

/** The config text as the CLI's INI reader sees it: section → key → value. */
const ini = (text: string): Record<string, Record<string, string>> => {
  const sections: Record<string, Record<string, string>> = {};
  let current: Record<string, string> | undefined;
  for (const line of text.split('\n')) {
    const section = /^\[(.+)\]$/.exec(line);
    if (section) current = sections[section[1]!] = {};
    else if (line.trim() !== '') {
      const [key, ...rest] = line.split('=');
      if (current) current[key!.trim()] = rest.join('=').trim();
    }
  }
  return sections;
};

t.test('the CLI config disables URL fetching and history, with the region when one is given', async (t) => {
  t.same(ini(sandboxConfigText('eu-central-1')), {
    default: { region: 'eu-central-1', cli_follow_urlparam: 'false', cli_history: 'disabled' },
  });
  t.same(ini(sandboxConfigText(undefined)), { default: { cli_follow_urlparam: 'false', cli_history: 'disabled' } });
});

t.test('the CLI config has no plugins, aliases, profiles or credential helpers', async (t) => {
  const text = sandboxConfigText('us-east-1');
  t.same(Object.keys(ini(text)), ['default'], 'one section');
  for (const word of ['plugins', 'alias', 'credential_process', 'role_arn', 'source_profile', 'endpoint_url', 'ca_bundle', 'sso_'])
    t.notMatch(text, word, word);
  t.ok(text.endsWith('\n'), 'ends with a newline');
});
