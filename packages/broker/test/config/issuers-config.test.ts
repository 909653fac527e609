import t, { type Test } from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadBrokerConfig } from '@aws-guard/broker/config/load-config';

const load = (t: Test, file: string, extra: Record<string, string> = {}) => {
  const cwd = t.testdir(extra);
  writeFileSync(join(cwd, 'aws-guard.yaml'), file);
  return { cwd, result: loadBrokerConfig({ flags: {}, env: {}, configFile: 'aws-guard.yaml', cwd }) };
};

const GOOD = `
issuers:
  - name: github
    issuer: https://token.actions.githubusercontent.com
    jwksUrl: https://token.actions.githubusercontent.com/.well-known/jwks
    audience: aws-guard
    claims: { agent: sub, human: actor, groups: [repository_owner, repository] }
  - name: k8s
    issuer: https://kubernetes.default.svc.cluster.local
    jwksFile: jwks.json
    audience: [aws-guard]
    algorithms: [RS256]
    clockSkew: 0s
    claims: { agent: [kubernetes.io, serviceaccount, name], human: { value: platform }, groups: [kubernetes.io.namespace] }
    role: { default: agent, approverGroups: [sre] }
`;
const PUBLIC_JWK = JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', kid: 'k1' }] });

t.test('a valid issuers block resolves to frozen issuers with defaults filled in', async (t) => {
  const { cwd, result } = load(t, GOOD, { 'jwks.json': PUBLIC_JWK });
  t.ok(result.ok, result.ok ? '' : result.issue.message);
  if (!result.ok) return;
  const [gh, k8s] = result.value.issuers;
  t.ok(Object.isFrozen(result.value.issuers) && Object.isFrozen(gh));
  t.match(gh, { name: 'github', audience: ['aws-guard'], clockSkewSeconds: 30, keys: { kind: 'remote', cacheMaxAgeMs: 600_000, cooldownMs: 30_000, timeoutMs: 5000 }, claims: { agent: 'sub', human: { claim: 'actor' } }, role: { default: 'agent' } });
  t.same(gh!.algorithms, ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'], 'asymmetric algorithms only by default');
  t.match(k8s, { clockSkewSeconds: 0, keys: { kind: 'file', path: join(cwd, 'jwks.json') }, claims: { human: { value: 'platform' } }, role: { approverGroups: ['sre'] } });
});

t.test('no issuers: broker-issued tokens only', async (t) => {
  const { result } = load(t, 'listen: 127.0.0.1:0\n');
  t.ok(result.ok && result.value.issuers.length === 0);
});

t.test('every problem of every issuer is reported at once', async (t) => {
  const bad = `
issuers:
  - name: a
    issuer: https://a.example
    jwksUrl: http://idp.example/jwks
    audience: x
    algorithms: [none, HS256, RS256, XX1]
    clockSkew: 10m
  - name: a
    issuer: https://a.example
    jwksUrl: https://a.example/jwks
    jwksFile: keys.json
    audience: x
  - name: aws-guard
    issuer: aws-guard
    jwksFile: secret.json
    audience: x
  - name: Bad_Name
    issuer: https://c.example
    audience: []
  - name: d
    issuer: https://d.example
    jwksFile: missing.json
    audience: x
`;
  const { result } = load(t, bad, { 'secret.json': JSON.stringify({ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }), 'keys.json': PUBLIC_JWK });
  t.notOk(result.ok);
  const details = result.ok ? [] : (result.issue.details ?? []);
  const expected = [
    /^issuers\.0\.jwksUrl: must be https/,
    /^issuers\.0\.algorithms\.0: none is never accepted/,
    /^issuers\.0\.algorithms\.1: HS256 is never accepted.*algorithm confusion/,
    /^issuers\.0\.algorithms\.3: XX1 is not one of/,
    /^issuers\.0\.clockSkew: must be at most 5m/,
    /^issuers\.1\.name: "a" is also issuers\.0's name/,
    /^issuers\.1\.issuer: .* is also issuers\.0's issuer/,
    /^issuers\.1: give exactly one of jwksUrl and jwksFile/,
    /^issuers\.2\.issuer: "aws-guard" is the broker's own issuer/,
    /^issuers\.2\.name: "aws-guard" is reserved/,
    /^issuers\.2\.jwksFile: .*symmetric \(oct\) key/,
    /^issuers\.3\.name: must be 1-32 lowercase/,
    /^issuers\.3\.audience: /,
    /^issuers\.4\.jwksFile: .*missing\.json: cannot read a JWKS \(ENOENT\)/,
  ];
  for (const re of expected) t.ok(details.some((d) => re.test(d)), `reports ${re}`);
  t.notOk(details.some((d) => /algorithms\.2/.test(d)), 'RS256 is fine');
});

t.test('a claim path that is neither text nor a list of keys is refused', async (t) => {
  const { result } = load(t, 'issuers:\n  - { name: x, issuer: "https://x", jwksUrl: "https://x/j", audience: a, claims: { agent: 7 } }\n');
  t.notOk(result.ok);
  t.match(result.ok ? [] : result.issue.details, [/^issuers\.0\.claims\.agent: must be a claim path/]);
});

t.test('humanNamespace: who may name humans in a shared namespace', async (t) => {
  const idp = (name: string, extra: Record<string, unknown> = {}) => ({
    name, issuer: `https://${name}.example`, jwksUrl: `https://${name}.example/jwks`, audience: 'aws-guard', claims: { agent: 'email', human: 'email' }, ...extra,
  });
  const table: [string, Record<string, unknown>[], RegExp[], (string | undefined)[]][] = [
    ['two IdPs sharing a chosen namespace', [idp('okta', { humanNamespace: 'people' }), idp('entra', { humanNamespace: 'people' })], [], ['people', 'people']],
    ['one IdP joining another by its name', [idp('okta'), idp('entra', { humanNamespace: 'okta' })], [], ['okta', 'okta']],
    ['no humanNamespace: each issuer its own', [idp('okta'), idp('entra')], [], ['okta', 'entra']],
    ['a namespace of its own, shared with nobody (an IdP renamed)', [idp('entra', { humanNamespace: 'people' })], [], ['people']],
    ['the broker\'s reserved name', [idp('okta', { humanNamespace: 'aws-guard' })], [/^issuers\.0\.humanNamespace: "aws-guard" is reserved/], []],
    ['not an issuer-name', [idp('okta', { humanNamespace: 'People/Eu' })], [/^issuers\.0\.humanNamespace: must be 1-32 lowercase/], []],
    ['a fixed human', [idp('k8s', { humanNamespace: 'people', claims: { agent: 'sub', human: { value: 'platform' } } })], [/^issuers\.0\.humanNamespace: needs claims\.human mapped from a claim/], []],
    ['no human claim (the agent claim by default)', [idp('ci', { humanNamespace: 'people', claims: { agent: 'sub' } })], [/^issuers\.0\.humanNamespace: needs claims\.human mapped from a claim/], []],
    ['borrowing the name of an issuer whose humans are elsewhere', [idp('okta', { humanNamespace: 'people' }), idp('entra', { humanNamespace: 'okta' })], [/^issuers\.1\.humanNamespace: "okta" is issuers\.0's name, but that issuer names its humans in "people"/], []],
    ['borrowing the name of an issuer with a fixed human', [idp('k8s', { claims: { agent: 'sub', human: { value: 'platform' } } }), idp('okta', { humanNamespace: 'k8s' })], [/^issuers\.1\.humanNamespace: "k8s" is issuers\.0's name, but that issuer names its humans as a fixed value/], []],
    ['joining an issuer whose human is its agent claim', [idp('ci', { claims: { agent: 'sub' } }), idp('okta', { humanNamespace: 'ci' })], [/^issuers\.0\.claims\.human: issuers\.1 name their humans in "ci" too/], []],
  ];
  for (const [what, list, expected, namespaces] of table) {
    const { result } = load(t, `issuers: ${JSON.stringify(list)}\n`);
    const details = result.ok ? [] : (result.issue.details ?? [result.issue.message]);
    t.equal(details.length, expected.length, `${what}: ${details.join('; ')}`);
    for (const re of expected) t.ok(details.some((d) => re.test(d)), `${what}: reports ${re}`);
    if (result.ok) t.same(result.value.issuers.map((i) => i.humanNamespace), namespaces, `${what}: resolved namespaces`);
  }
});

t.test('namespace problems are reported together with every other problem', async (t) => {
  const { result } = load(t, `issuers:
  - { name: okta, humanNamespace: aws-guard, issuer: "https://okta", jwksUrl: "http://okta/j", audience: a, claims: { human: { value: x } } }
  - { name: entra, humanNamespace: okta, issuer: "https://entra", jwksUrl: "https://entra/j", audience: a, claims: { human: email } }
`);
  const details = result.ok ? [] : (result.issue.details ?? []);
  for (const re of [/^issuers\.0\.jwksUrl: must be https/, /^issuers\.0\.humanNamespace: "aws-guard" is reserved/, /^issuers\.0\.humanNamespace: needs claims\.human/, /^issuers\.1\.humanNamespace: "okta" is issuers\.0's name/])
    t.ok(details.some((d) => re.test(d)), `reports ${re}`);
});
