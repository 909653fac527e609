// OCSF API Activity's activity_id (Create/Read/Update/Delete/Other) for an AWS operation, from its verb: the first
// word of the API name (`DeleteBucket` → Delete) or of the CLI operation (`delete-bucket`, `rm`). A heuristic, not
// the service model: an unknown verb is Other (99), never a guess.

export const API_ACTIVITY = Object.freeze({ Unknown: 0, Create: 1, Read: 2, Update: 3, Delete: 4, Other: 99 } as const);
export type ApiActivityName = keyof typeof API_ACTIVITY;
export type ApiActivityId = (typeof API_ACTIVITY)[ApiActivityName];

const VERBS: Readonly<Record<Exclude<ApiActivityName, 'Unknown' | 'Other'>, readonly string[]>> = {
  Create: ['create', 'put', 'run', 'import', 'upload', 'register', 'allocate', 'issue', 'request', 'mb'],
  Read: ['describe', 'list', 'get', 'head', 'search', 'lookup', 'query', 'scan', 'select', 'filter', 'batch-get',
    'ls', 'presign', 'wait', 'download', 'validate', 'simulate', 'estimate', 'preview', 'check'],
  Update: ['update', 'modify', 'set', 'attach', 'detach', 'associate', 'disassociate', 'enable', 'disable', 'add',
    'tag', 'untag', 'start', 'stop', 'reboot', 'restore', 'replace', 'change', 'reset', 'rotate', 'authorize',
    'revoke', 'sync', 'mv', 'copy', 'cp', 'apply', 'send', 'publish', 'invoke', 'execute', 'cancel'],
  Delete: ['delete', 'remove', 'terminate', 'deregister', 'release', 'purge', 'rb', 'rm', 'destroy', 'deprovision'],
};

const BY_VERB: ReadonlyMap<string, ApiActivityName> = new Map(
  Object.entries(VERBS).flatMap(([name, verbs]) => verbs.map((verb) => [verb, name as ApiActivityName] as const)),
);

/** `apiOperation` (`ListBuckets`) is preferred to the CLI `operation` (`list-buckets`, `ls`); neither → Other. */
export function classifyApiActivity(apiOperation: string | undefined, operation: string | undefined): ApiActivityName {
  const words = apiOperation !== undefined ? splitPascal(apiOperation) : operation?.toLowerCase().split('-');
  if (words === undefined || words.length === 0) return 'Other';
  // `batch-get-item` / `BatchGetItem` is a read; `batch-write-item` falls through to Other on `batch`.
  const twoWord = words.length > 1 ? BY_VERB.get(`${words[0]}-${words[1]}`) : undefined;
  return twoWord ?? BY_VERB.get(words[0] ?? '') ?? 'Other';
}

const splitPascal = (name: string): string[] =>
  name.split(/(?<=[a-z0-9])(?=[A-Z])/).map((w) => w.toLowerCase()).filter((w) => w !== '');
