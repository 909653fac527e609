// A labelled line of the detail view; the label column is fixed so values line up.
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';

const LABEL_WIDTH = 13;

export const DetailField = ({ label, children }: Readonly<{ label: string; children: ReactNode }>) => (
  <Box>
    <Box width={LABEL_WIDTH} flexShrink={0}>
      <Text bold>{label}</Text>
    </Box>
    <Box flexDirection="column" flexGrow={1}>
      {children}
    </Box>
  </Box>
);
