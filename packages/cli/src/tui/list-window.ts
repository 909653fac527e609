// Which slice of a long list is on screen: the cursor stays in view, centred once the list scrolls.

export type ListWindow = Readonly<{ start: number; end: number }>;

export const listWindow = (count: number, cursor: number, size: number): ListWindow => {
  const rows = Math.max(1, size);
  if (count <= rows) return { start: 0, end: count };
  const start = Math.min(Math.max(cursor - Math.floor(rows / 2), 0), count - rows);
  return { start, end: start + rows };
};
