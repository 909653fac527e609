// Assumed-role sessions kept per key (identity + role) and handed out again only while they still cover a
// whole command; one mint in flight per key, so a burst of commands from one agent session makes one STS call.
import { ok, type Result } from '@aws-guard/shared/result';
import type { CredentialsErrorCode } from './credential-source.js';

export type Expiring = Readonly<{ expiresAt: Date }>;
export type Obtained<T> = Readonly<{ value: T; reused: boolean }>;
type Mint<T> = () => Promise<Result<T, CredentialsErrorCode>>;

export type CredentialCache<T extends Expiring> = Readonly<{
  /** A cached value still valid `validForMs` from now, else `mint`'s result (kept when it succeeds). */
  obtain: (key: string, validForMs: number, mint: Mint<T>) => Promise<Result<Obtained<T>, CredentialsErrorCode>>;
  size: () => number;
}>;

export const createCredentialCache = <T extends Expiring>(clock: () => Date): CredentialCache<T> => {
  const entries = new Map<string, T>();
  const inFlight = new Map<string, Promise<Result<T, CredentialsErrorCode>>>();
  const covers = (value: T, validForMs: number): boolean => value.expiresAt.getTime() - clock().getTime() >= validForMs;
  // Expired sessions are dropped on every call: the map holds only live secrets, one per active identity.
  const prune = (): void => {
    const now = clock().getTime();
    for (const [key, value] of entries) if (value.expiresAt.getTime() <= now) entries.delete(key);
  };

  const mintOnce = (key: string, mint: Mint<T>): Promise<Result<T, CredentialsErrorCode>> => {
    const running = mint()
      .then((minted) => {
        if (minted.ok) entries.set(key, minted.value);
        return minted;
      })
      .finally(() => inFlight.delete(key));
    inFlight.set(key, running);
    return running;
  };

  return Object.freeze({
    obtain: async (key: string, validForMs: number, mint: Mint<T>) => {
      prune();
      const hit = entries.get(key);
      if (hit !== undefined && covers(hit, validForMs)) return ok({ value: hit, reused: true });
      const pending = inFlight.get(key);
      if (pending !== undefined) {
        const shared = await pending;
        // The burst shares one failure too: asking STS again at once would only fail again.
        if (!shared.ok) return shared;
        if (covers(shared.value, validForMs)) return ok({ value: shared.value, reused: true });
      }
      const minted = await mintOnce(key, mint);
      return minted.ok ? ok({ value: minted.value, reused: false }) : minted;
    },
    size: () => entries.size,
  });
};
