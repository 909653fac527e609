// The embedded approval store (one broker, the default): requests in this process's memory, kept as JSON so
// that callers never share a mutable object with the store, exactly as with Redis. Lost on restart.
import type { ApprovalBackend } from './approval-backend.js';
import { createApprovalListeners } from './approval-listeners.js';
import { decodeStoredRequest, type StoredRequest } from './approval-schema.js';
import { DEFAULT_RETENTION_MS, type ApprovalStore, type ApprovalStoreOptions } from './approval-store.js';
import { relevantUntil } from './approval-transitions.js';
import { createCasApprovalStore } from './cas-approval-store.js';

export type EmbeddedApprovalStoreOptions = ApprovalStoreOptions;

const decode = (json: string): StoredRequest => {
  const decoded = decodeStoredRequest(json);
  // Only this module writes these strings: a failure here is a bug, not an outage.
  if (!decoded.ok) throw new Error(`embedded approval store: ${decoded.issue.message}`);
  return decoded.value;
};

export const createEmbeddedApprovalStore = (options: EmbeddedApprovalStoreOptions = {}): ApprovalStore => {
  const clock = options.clock ?? (() => new Date());
  const retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
  const requests = new Map<string, string>();
  const byHash = new Map<string, string>();
  const listeners = createApprovalListeners();

  // Every check-and-set below runs without an await between check and set: that is what makes it atomic here.
  const prune = (now: Date): void => {
    for (const [id, json] of requests) {
      const request = decode(json);
      if (relevantUntil(request) + retentionMs > now.getTime()) continue;
      requests.delete(id);
      if (byHash.get(request.commandHash) === id) byHash.delete(request.commandHash);
    }
  };

  const backend: ApprovalBackend = {
    read: async (id) => {
      const json = requests.get(id);
      return json === undefined ? null : decode(json);
    },
    readByHash: async (commandHash) => {
      const holder = byHash.get(commandHash) ?? null;
      const json = holder === null ? undefined : requests.get(holder);
      return { holder, request: json === undefined ? null : decode(json) };
    },
    readAll: async () => {
      prune(clock());
      return [...requests.values()].map(decode);
    },
    create: async (request, holder) => {
      if ((byHash.get(request.commandHash) ?? null) !== holder || requests.has(request.id)) return false;
      const json = JSON.stringify(request);
      requests.set(request.id, json);
      byHash.set(request.commandHash, request.id);
      listeners.notify({ type: 'created', request: decode(json) });
      return true;
    },
    update: async (request, revision) => {
      const current = requests.get(request.id);
      if (current === undefined || decode(current).revision !== revision) return false;
      const json = JSON.stringify(request);
      requests.set(request.id, json);
      listeners.notify({ type: 'updated', request: decode(json) });
      return true;
    },
    subscribe: (listener) => listeners.add(listener),
    health: async () => ({ ok: true }),
    close: async () => listeners.clear(),
  };
  return createCasApprovalStore(backend, options);
};
