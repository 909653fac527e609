// Issuers linked by humanNamespace end to end: a CI token acting for alice asks for a held command; alice's own
// token from a workforce IdP that shares the CI issuer's human namespace is refused as self-approval, while her
// token from an IdP that keeps its own namespace is taken for another person. The audit shows the link.
import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker } from '../helpers/broker.js';
import { runGuard } from '../helpers/guard-cli.js';
import { agentEnv, awaitApproval, shimBinDir } from '../helpers/shim.js';
import { FIXTURES } from '../helpers/paths.js';
import { readAuditRecords } from '../helpers/audit.js';
import { makeKey, signWith, startJwksServer } from '../../packages/broker/test/auth/jwks-server.js';

const dir = await mkdtemp(join(tmpdir(), 'aws-guard-linked-'));
const key = await makeKey('idp-1');
const jwks = await startJwksServer([key]);
t.teardown(() => jwks.close());
const ISS = { ci: 'https://ci.example.test', corp: 'https://corp.example.test', legacy: 'https://legacy.example.test' };
const issuer = (name: keyof typeof ISS, extra: string) => `  - name: ${name}
    issuer: ${ISS[name]}
    jwksUrl: ${jwks.url}
    audience: aws-guard
${extra}`;
// ci and corp both map verified emails: one person. legacy maps them too but was not linked.
await writeFile(join(dir, 'aws-guard.yaml'), `issuers:
${issuer('ci', '    humanNamespace: people\n    claims: { agent: sub, human: email }\n')}
${issuer('corp', '    humanNamespace: people\n    claims: { agent: email, human: email, groups: [groups] }\n    role: { approverGroups: [aws-approvers] }\n')}
${issuer('legacy', '    claims: { agent: email, human: email, groups: [groups] }\n    role: { approverGroups: [aws-approvers] }\n')}
`);
await writeFile(join(dir, 'policy.yaml'), "version: 1\nrules:\n  - { id: deletes-need-approval, effect: approve, actions: ['s3:DeleteBucket'] }\n");
const broker = await startBroker({ awsCli: join(FIXTURES, 'fake-aws', 'sandbox-aws'), args: ['--config', join(dir, 'aws-guard.yaml'), '--policy', join(dir, 'policy.yaml')] });
t.teardown(broker.stop);

const sec = () => Math.floor(Date.now() / 1000);
const token = (name: keyof typeof ISS, claims: Record<string, unknown>) =>
  signWith(key, { iss: ISS[name], aud: 'aws-guard', jti: `j-${Math.random()}`, iat: sec(), exp: sec() + 300, ...claims });
const ALICE = 'alice@acme.com';
const approverToken = (name: 'corp' | 'legacy') => token(name, { sub: '00u-alice', email: ALICE, groups: ['aws-approvers'] });
const guard = async (args: string[], as: 'corp' | 'legacy') => runGuard([...args, '--broker', broker.url, '--token', await approverToken(as)]);

/** A CI job acting for alice asks to delete a bucket; resolves once the shim waits for approval. */
const holdForAlice = async (bucket: string) => {
  const env = await agentEnv(broker.url, await token('ci', { sub: 'repo:acme/app:ref:refs/heads/main', email: ALICE }));
  const child = spawn(join(await shimBinDir(), 'aws'), ['s3api', 'delete-bucket', '--bucket', bucket], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return awaitApproval(child);
};

t.test('the same person through two issuers: self-approval refused only when the issuers share humanNamespace', async (t) => {
  const table: [string, 'corp' | 'legacy', number, RegExp][] = [
    ['corp shares "people" with ci', 'corp', 1, /APPROVAL_SELF_APPROVAL/],
    ['legacy keeps its own namespace', 'legacy', 0, /approved/i],
  ];
  for (const [what, approverIssuer, code, output] of table) {
    const held = await holdForAlice(`b-${approverIssuer}`);
    const pending = await guard(['pending', '--json'], approverIssuer);
    t.equal(pending.code, 0, pending.stderr);
    const listed = JSON.parse(pending.stdout) as { id: string; requester: { agent: string; human: string } }[];
    t.match(listed.find((r) => r.id === held.approvalId), { requester: { agent: 'ci/repo:acme/app:ref:refs/heads/main', human: `people/${ALICE}` } }, `${what}: requested by`);
    const r = await guard(['approve', held.approvalId], approverIssuer);
    t.equal(r.code, code, `${what}: ${r.stderr}`);
    t.match(`${r.stdout}${r.stderr}`, output, what);
    if (code !== 0) t.equal((await guard(['deny', held.approvalId, '--reason', 'test done'], 'corp')).code, 0, `${what}: cleaned up`);
    t.equal(await held.exit, code === 0 ? 0 : 255, `${what}: the held command ${code === 0 ? 'ran' : 'was refused'} (${held.stderr()})`);
  }
});

t.test('the audit shows the issuer beside the linked human, and who approved', async (t) => {
  const records = await readAuditRecords(broker.dataDir);
  const accepted = records.filter((r) => r.type === 'token.accepted');
  t.match(accepted.find((r) => r.data['issuerName'] === 'ci'), { actor: { human: `people/${ALICE}` }, data: { issuer: ISS.ci, humanNamespace: 'people' } });
  t.match(accepted.find((r) => r.data['issuerName'] === 'corp'), { actor: { agent: `corp/${ALICE}`, human: `people/${ALICE}` }, data: { humanNamespace: 'people', groups: ['corp/aws-approvers'] } });
  t.match(accepted.find((r) => r.data['issuerName'] === 'legacy'), { actor: { human: `legacy/${ALICE}` }, data: { humanNamespace: 'legacy' } });
  const approved = records.filter((r) => r.type === 'approval.approved');
  t.equal(approved.length, 1, 'only the unlinked approver approved');
  t.match(approved[0], { actor: { agent: `legacy/${ALICE}`, human: `legacy/${ALICE}` } });
});
