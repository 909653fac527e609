// The terminal's size, re-read on resize, so the list shows as many rows as fit.
import { useStdout } from 'ink';
import { useEffect, useState } from 'react';

export type TerminalSize = Readonly<{ rows: number; columns: number }>;

// What a terminal that reports nothing (a pipe, a test stream) is assumed to be.
const FALLBACK: TerminalSize = { rows: 24, columns: 80 };

const read = (stdout: NodeJS.WriteStream): TerminalSize => ({
  rows: stdout.rows || FALLBACK.rows,
  columns: stdout.columns || FALLBACK.columns,
});

export const useTerminalSize = (): TerminalSize => {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => read(stdout));
  useEffect(() => {
    const onResize = (): void => setSize(read(stdout));
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
};
