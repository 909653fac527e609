// The list's columns and their widths; the header and every row read them from here so they line up.

export type ColumnWidths = Readonly<{
  risk: number;
  operation: number;
  agent: number;
  human: number;
  age: number;
  left: number;
  votes: number;
}>;

const FIXED = { risk: 11, agent: 14, human: 14, age: 6, left: 7, votes: 5 } as const;

// The cursor marker and one space between columns.
const CHROME = 2 + 6;

/** The operation column takes what the terminal has left, within reason. */
export const columnWidths = (terminalColumns: number): ColumnWidths => {
  const fixed = Object.values(FIXED).reduce((a, b) => a + b, 0) + CHROME;
  return { ...FIXED, operation: Math.min(Math.max(terminalColumns - fixed - 1, 16), 60) };
};
