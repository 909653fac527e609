// Turns the compact on-disk model (model-types.ts Raw*) into the readable, frozen form, one node at a time.
// Pure: the store decides when to call it and caches the result.
import type { ArgAction, ArgSpec, CommandNode, CommandPath, RawNode, RawOption, RawOptionRef } from './model-types.js';

const ACTIONS: Readonly<Record<NonNullable<RawOption['a']>, ArgAction>> = {
  t: 'store_true',
  f: 'store_false',
  c: 'store_const',
  v: 'version',
  ap: 'append',
};

export const readArg = (raw: RawOption): ArgSpec =>
  Object.freeze({
    name: raw.n,
    positional: raw.p === 1,
    action: raw.a === undefined ? 'store' : ACTIONS[raw.a],
    nargs: raw.m ?? null,
    required: raw.r === 1,
    type: raw.t === 'i' ? 'int' : raw.t === 'f' ? 'float' : null,
    choices: raw.c === undefined ? null : Object.freeze([...raw.c]),
    const: raw.k ?? null,
    paramfile: raw.np !== 1,
    blob: raw.bl === 1,
    streamingBlob: raw.sb === 1,
    localPath: raw.lp ?? null,
    outfile: raw.of === 1,
    overridesRequired: raw.or ?? 0,
    shorthand: raw.sh === 1,
    member: raw.mb ?? null,
  });

export type SharedArgs = readonly ArgSpec[];

const readArgs = (refs: readonly RawOptionRef[], shared: SharedArgs): readonly ArgSpec[] =>
  Object.freeze(
    refs.map((ref) => {
      if (typeof ref !== 'number') return readArg(ref);
      const arg = shared[ref];
      if (arg === undefined) throw new Error(`model: shared option ${ref} is missing from index.json`);
      return arg;
    }),
  );

const readHttp = (h: string | undefined) => {
  if (h === undefined) return null;
  const space = h.indexOf(' ');
  return Object.freeze(space === -1 ? { method: h, uri: '' } : { method: h.slice(0, space), uri: h.slice(space + 1) });
};

export const readNode = (raw: RawNode, path: CommandPath, shared: SharedArgs): CommandNode => {
  const frozenPath = Object.freeze([...path]);
  switch (raw.k) {
    case 'svc':
      return Object.freeze({ kind: 'service', path: frozenPath, operations: Object.freeze(Object.keys(raw.s)) });
    case 'op':
      return Object.freeze({
        kind: 'operation',
        path: frozenPath,
        api: raw.a,
        http: readHttp(raw.h),
        args: readArgs(raw.o, shared),
        paginated: raw.pg === 1,
        waiter: raw.w ?? null,
        impl: raw.x ?? null,
        sensitiveOutput: raw.so === undefined ? null : raw.so === 1 ? true : raw.so,
      });
    case 'cmd':
      return Object.freeze({
        kind: 'custom',
        path: frozenPath,
        args: readArgs(raw.o, shared),
        subcommands: Object.freeze(Object.keys(raw.s ?? {})),
        impl: raw.x,
      });
  }
};
