// Prints text from agents: escapes are shown inverted, so `\x1b` the escape differs from `\x1b` typed.
import { Text } from 'ink';
import { escapeSegments, type TextSegment } from './escape-terminal-text.js';

type Props = Readonly<{ text?: string; segments?: readonly TextSegment[]; color?: string; wrap?: 'wrap' | 'truncate-end' }>;

export const EscapedText = ({ text = '', segments, color, wrap = 'wrap' }: Props) => (
  <Text color={color} wrap={wrap}>
    {(segments ?? escapeSegments(text)).map((s, i) =>
      s.escaped ? (
        <Text key={i} inverse>
          {s.text}
        </Text>
      ) : (
        s.text
      ),
    )}
  </Text>
);
