// A few lines of a JSON input or text file, pretty-printed when it parses, with how much was left out.
import { Box, Text } from 'ink';
import { EscapedText } from './escaped-text.js';
import { previewText } from './preview-text.js';

const PREVIEW_LINES = 12;

export const TextPreview = ({ text }: Readonly<{ text: string }>) => {
  const { lines, more } = previewText(text, PREVIEW_LINES);
  return (
    <Box flexDirection="column" marginLeft={2}>
      {lines.map((line, i) => (
        <EscapedText key={i} text={line} wrap="truncate-end" />
      ))}
      {more > 0 && <Text dimColor>{`… ${more} more line${more === 1 ? '' : 's'}`}</Text>}
    </Box>
  );
};
