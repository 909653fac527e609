// The detail view's preview of a JSON input (a policy document, a --cli-input-json file): pretty-printed,
// cut to a few lines. Text that is not JSON (or was cut by the broker mid-document) is shown as it came.

export type Preview = Readonly<{ lines: readonly string[]; more: number; json: boolean }>;

const parse = (text: string): { ok: true; value: unknown } | { ok: false } => {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
};

export const looksLikeJson = (text: string): boolean => /^\s*[[{]/.test(text) && parse(text).ok;

export const previewText = (text: string, maxLines: number): Preview => {
  const parsed = /^\s*[[{]/.test(text) ? parse(text) : { ok: false as const };
  const pretty = parsed.ok ? JSON.stringify(parsed.value, null, 2) : text;
  const all = pretty.split(/\r?\n/);
  const lines = all.slice(0, maxLines);
  return { lines, more: all.length - lines.length, json: parsed.ok };
};
