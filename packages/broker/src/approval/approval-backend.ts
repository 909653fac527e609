// What an approval store needs from where it keeps requests: reads, and two compare-and-set writes that are
// atomic on their own (a Map in one process, a Lua script in Redis). The state machine lives above, once.
import type { ApprovalListener, StoreHealth } from './approval-store.js';
import type { StoredRequest } from './approval-schema.js';

export type ApprovalBackend = Readonly<{
  read: (id: string) => Promise<StoredRequest | null>;
  /** The id the commandHash index names (possibly of a request already gone) and that request, if any. */
  readByHash: (commandHash: string) => Promise<Readonly<{ holder: string | null; request: StoredRequest | null }>>;
  readAll: () => Promise<readonly StoredRequest[]>;
  /**
   * Stores a new request and points its commandHash at it, only if the index still names `holder` (null: no
   * entry). False when someone else got there first; announces `created` when true.
   */
  create: (request: StoredRequest, holder: string | null, now: Date) => Promise<boolean>;
  /** Replaces the request only if its stored revision is still `revision`; announces `updated` when true. */
  update: (request: StoredRequest, revision: number, now: Date) => Promise<boolean>;
  subscribe: (listener: ApprovalListener) => () => void;
  health: () => Promise<StoreHealth>;
  close: () => Promise<void>;
}>;

/** A backend that cannot answer (connection down, timeout, unreadable data). The store turns it into STORE_UNAVAILABLE. */
export class StoreUnavailableError extends Error {
  readonly code = 'STORE_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}
