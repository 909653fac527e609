// Rules for `humanNamespace` across the issuers (docs/identity.md, "Linking issuers"). Sharing a namespace makes
// two issuers' humans one person for separation of duties and policy, so it is refused unless every sharer maps
// the human from a claim it names, and no issuer's own name is borrowed by issuers it does not share humans with.
import { BROKER_ISSUER_NAME } from '../auth/trusted-issuer.js';
import type { IssuerInput } from './issuers-schema.js';

export type NamespaceEntry = Readonly<{ at: string; input: IssuerInput }>;

const isFixedHuman = (human: NonNullable<IssuerInput['claims']>['human']): boolean =>
  typeof human === 'object' && !Array.isArray(human) && 'value' in human;

/** The operator named the human's claim: not a fixed value, not the agent claim taken by default. */
const humanFromClaim = (input: IssuerInput): boolean => input.claims?.human !== undefined && !isFixedHuman(input.claims.human);

/** The namespace an issuer's humans are named in; undefined when its human is a fixed value (taken as written). */
export const humanNamespaceOf = (input: IssuerInput): string | undefined =>
  input.claims?.human !== undefined && isFixedHuman(input.claims.human) ? undefined : (input.humanNamespace ?? input.name);

const describeNamespace = (ns: string | undefined): string => (ns === undefined ? 'as a fixed value' : `in "${ns}"`);

/** Every problem of `humanNamespace` as `path: message`; entries are the issuers that passed the schema. */
export const checkHumanNamespaces = (entries: readonly NamespaceEntry[]): string[] => {
  const problems: string[] = [];
  for (const entry of entries) {
    const ns = entry.input.humanNamespace;
    if (ns === undefined) continue;
    const at = `${entry.at}.humanNamespace`;
    if (ns === BROKER_ISSUER_NAME) problems.push(`${at}: "${BROKER_ISSUER_NAME}" is reserved for the broker's own tokens`);
    if (!humanFromClaim(entry.input))
      problems.push(`${at}: needs claims.human mapped from a claim (such as email): a fixed human is taken as written, and the agent claim does not name a person`);
    // `ci/alice` must not come from another issuer while ci's own humans are named elsewhere: it would read as ci's.
    const owner = entries.find((other) => other !== entry && other.input.name === ns);
    const ownerNs = owner === undefined ? undefined : humanNamespaceOf(owner.input);
    if (owner !== undefined && ownerNs !== ns)
      problems.push(`${at}: "${ns}" is ${owner.at}'s name, but that issuer names its humans ${describeNamespace(ownerNs)}: a human "${ns}/…" from this issuer would read as one of its`);
  }
  // An issuer whose own name others chose as their namespace shares it by default: its human must come from a
  // named claim too, or its agent claim (a job, a service account) could equal a person's name from another issuer.
  for (const entry of entries) {
    if (entry.input.humanNamespace !== undefined || humanFromClaim(entry.input)) continue;
    const ns = humanNamespaceOf(entry.input);
    if (ns === undefined) continue; // a fixed human: the first loop refuses namespaces borrowing its name
    const sharers = entries.filter((other) => other !== entry && other.input.humanNamespace === ns).map((other) => other.at);
    if (sharers.length > 0)
      problems.push(`${entry.at}.claims.human: ${sharers.join(', ')} name their humans in "${ns}" too: map this issuer's human from a claim (such as email), not its agent claim`);
  }
  return problems;
};
