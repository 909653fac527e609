// Pads or cuts a cell to a fixed width so list columns line up (one terminal cell per character assumed:
// wide CJK characters would push a row out of line, which costs alignment, not safety).

export const fitColumn = (text: string, width: number, align: 'left' | 'right' = 'left'): string => {
  const chars = Array.from(text);
  if (chars.length > width) return width <= 1 ? '…'.slice(0, width) : `${chars.slice(0, width - 1).join('')}…`;
  return align === 'left' ? text.padEnd(width + text.length - chars.length) : text.padStart(width + text.length - chars.length);
};
