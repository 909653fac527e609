// `aws-guard doctor --token FILE|-`: how the broker configured here would take one token: which issuer vouches
// for it, the identity, groups and role it maps to, and which policy rules and role mapping select that
// identity; or exactly why it would be refused (the stable code and reason the broker would audit).
import { decodeJwt, generateKeyPair } from 'jose';
import { formatDuration } from '@aws-guard/shared/duration';
import { describeLifetime, tokenLifetimeMs } from '@aws-guard/broker/auth/token-lifetime';
import { loadTokenKeys, TOKEN_ALG, type TokenKeys } from '@aws-guard/broker/auth/token-keys';
import { createBearerVerifier } from '@aws-guard/broker/auth/verify-bearer';
import { issuerNameOf } from '@aws-guard/broker/auth/identity';
import type { BrokerConfig } from '@aws-guard/broker/config/config-schema';
import { loadPolicy } from '@aws-guard/broker/policy/load-policy';
import { loadDefaultPolicy } from '@aws-guard/broker/policy/default-policy';
import { rulesForIdentity } from '@aws-guard/broker/policy/rules-for-identity';
import { check, type DoctorCheck } from './doctor-check.js';

/** With no key in the data dir yet, a throwaway key: broker tokens then fail as they would on a fresh broker. */
const brokerKeys = async (dataDir: string): Promise<TokenKeys> =>
  (await loadTokenKeys(dataDir)) ?? { ...(await generateKeyPair(TOKEN_ALG, { crv: 'Ed25519' })), keyId: 'none-yet' };

const list = (items: readonly string[]): string => (items.length === 0 ? 'none' : items.join(', '));

export const checkTokenMapping = async (config: BrokerConfig, token: string, now: Date): Promise<DoctorCheck[]> => {
  const verify = createBearerVerifier(await brokerKeys(config.dataDir), config.issuers, config.auth.maxTokenLifetimeMs);
  const r = await verify(token, ['agent', 'approver', 'admin'], now);
  if (!r.ok) return [check('token', 'FAIL', `refused: ${r.issue.message} (${r.issue.code}, audited as reason ${r.issue.reason})`)];
  const who = r.value;
  const issuer = who.source === undefined ? 'aws-guard (a broker-issued token)' : `${who.source.name} (${who.source.url}), subject ${who.source.subject}${who.source.keyId === undefined ? '' : `, key ${who.source.keyId}`}`;
  // Verified above, so the payload decodes; the limit is the one the verifier applied to it.
  const maxMs = who.source === undefined ? config.auth.maxTokenLifetimeMs : config.issuers.find((i) => i.name === who.source?.name)?.maxTokenLifetimeMs;
  const payload = decodeJwt(token);
  const lifetime = `lifetime ${describeLifetime(tokenLifetimeMs(payload, now))}${payload.iat === undefined ? ' left (no iat)' : ''} of at most ${maxMs === undefined ? '?' : formatDuration(maxMs)}`;
  const channel = who.role === 'agent' ? 'runs commands (agent channel)' : 'approves (approver channel)';
  const checks = [
    check('token', 'OK', `accepted: issuer ${issuer}; expires ${who.expiresAt.toISOString()}; ${lifetime}; token id ${who.tokenId}`),
    check('token identity', 'OK', `agent ${who.agent} acting for ${who.human}; role ${who.role}: ${channel}; groups ${list(who.groups)}; session ${who.sessionId}`),
  ];
  const policy = config.policyFile === undefined ? loadDefaultPolicy() : loadPolicy(config.policyFile);
  if (!policy.ok) return [...checks, check('token rules', 'FAIL', `the policy does not load: ${policy.issue.message.split('\n')[0]}`)];
  const rules = rulesForIdentity(policy.value, { agent: who.agent, human: who.human, groups: who.groups, role: who.role, sessionId: who.sessionId, issuer: issuerNameOf(who) });
  return [
    ...checks,
    check(
      'token rules',
      'OK',
      `rules naming this caller: ${list(rules.named)}; rules for every caller: ${list(rules.everyone)}; masking: ${list(rules.masking)}; credentials: ${rules.roleMapping ?? "the broker's configured mode"} (actions, regions and parameters narrow these per command: aws-guard explain)`,
    ),
  ];
};
