import t from 'tap';
import { escapeSegments, escapeTerminalText } from '../../src/tui/escape-terminal-text.js';

const CASES: readonly (readonly [string, string, string])[] = [
  ['plain text is untouched', 's3://bucket/key name', 's3://bucket/key name'],
  ['non-Latin text is untouched', 'données/日本語/ключ', 'données/日本語/ключ'],
  ['a screen clear', '\u001b[2J', '\\x1b[2J'],
  ['an OSC 52 clipboard write', '\u001b]52;c;ZXZpbA==\u0007', '\\x1b]52;c;ZXZpbA==\\x07'],
  ['an OSC 8 hyperlink', '\u001b]8;;https://evil\u001b\\click\u001b]8;;\u001b\\', '\\x1b]8;;https://evil\\x1b\\click\\x1b]8;;\\x1b\\'],
  ['newline, carriage return, tab', 'a\nb\rc\td', 'a\\nb\\rc\\td'],
  ['NUL, backspace and DEL', 'a\u0000b\u0008c\u007f', 'a\\x00b\\x08c\\x7f'],
  ['a C1 CSI', 'x\u009b2Jy', 'x\\x9b2Jy'],
  ['a right-to-left override', 'invoice\u202egpj.exe', 'invoice\\u202egpj.exe'],
  ['bidi isolates', '\u2066a\u2069\u2067b\u2068', '\\u2066a\\u2069\\u2067b\\u2068'],
  ['zero-width characters and BOM', 'a\u200bb\u200dc\ufeff', 'a\\u200bb\\u200dc\\ufeff'],
  ['line and paragraph separators', 'a\u2028b\u2029', 'a\\u2028b\\u2029'],
  ['tag characters that hide text', 'ok\u{e0069}\u{e0067}', 'ok\\u{e0069}\\u{e0067}'],
  ['emoji stay', 'deploy 🚀', 'deploy 🚀'],
];

t.test('escapes what a terminal would act on or hide, and nothing else', async (t) => {
  for (const [name, input, shown] of CASES) t.equal(escapeTerminalText(input), shown, name);
});

t.test('segments mark escapes apart from text, joining adjacent ones', async (t) => {
  t.same(escapeSegments('a\u001b\u001bb\\x1b'), [
    { text: 'a', escaped: false },
    { text: '\\x1b\\x1b', escaped: true },
    { text: 'b\\x1b', escaped: false },
  ]);
  t.same(escapeSegments(''), []);
  for (const [name, input, shown] of CASES) {
    t.equal(
      escapeSegments(input)
        .map((s) => s.text)
        .join(''),
      shown,
      `segments agree with the flat form: ${name}`,
    );
  }
});
