// The wire protocol's version. Adding an optional field needs no bump; changing a meaning does.
// The broker accepts any client whose [min, max] range overlaps [MIN_PROTOCOL_VERSION, PROTOCOL_VERSION].
// 2: local files travel (files.*, upload/download channels); a v1 shim cannot answer files.request.
export const PROTOCOL_VERSION = 2;
export const MIN_PROTOCOL_VERSION = 2;

/** The highest version both sides speak, or null when the ranges do not overlap. */
export const negotiateVersion = (clientMin: number, clientMax: number): number | null => {
  const chosen = Math.min(clientMax, PROTOCOL_VERSION);
  return chosen >= Math.max(clientMin, MIN_PROTOCOL_VERSION) ? chosen : null;
};
