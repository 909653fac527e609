// How a YAML scalar is written: the text ruamel's SafeRepresenter gives a value, whether that text would read back
// as another type (ruamel's YAML 1.2 resolver), and libyaml's analysis and choice of plain or quoted style.
import { isBreak, isPrintable } from './yaml-writer.js';

export type Tag = 'str' | 'int' | 'float' | 'bool' | 'null';
export type ScalarStyle = 'plain' | 'single' | 'double';

export type ScalarAnalysis = Readonly<{
  chars: readonly string[];
  /** UTF-8 bytes: libyaml's length, which decides whether a key is simple (at most 128). */
  length: number;
  multiline: boolean;
  flowPlainAllowed: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
}>;

// ruamel.yaml's implicit resolvers for YAML 1.2 (resolver.py), by first character. Python's `$` also matches
// before a final newline, hence `\n?$`.
const RESOLVERS: readonly (readonly [Tag | 'other', RegExp, string])[] = [
  ['bool', /^(?:true|True|TRUE|false|False|FALSE)\n?$/, 'tTfF'],
  ['float', /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)|[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\n?$/, '-+0123456789.'],
  ['int', /^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+)\n?$/, '-+0123456789'],
  ['other', /^(?:<<)\n?$/, '<'],
  ['null', /^(?:~|null|Null|NULL|)\n?$/, '~nN'],
  ['other', /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)\n?$/, '0123456789'],
  ['other', /^(?:=)\n?$/, '='],
  ['other', /^(?:!|&|\*)\n?$/, '!&*'],
];

/** What a plain scalar with this text would be read back as (`''` reads as null). */
export const resolvePlain = (text: string): Tag | 'other' => {
  if (text === '') return 'null';
  const first = text[0]!;
  for (const [tag, pattern, starts] of RESOLVERS) if (starts.includes(first) && pattern.test(text)) return tag;
  return 'str';
};

const FIRST_INDICATORS = new Set('#,[]{}&*!|>\'"%@`');
const FLOW_INDICATORS = new Set(',?[]{}');
/** libyaml's IS_BLANKZ: space, tab, a break, or the end (NUL). */
const isBlankOrEnd = (ch: string | undefined): boolean =>
  ch === undefined || ch === ' ' || ch === '\t' || ch === '\0' || isBreak(ch.codePointAt(0)!);

/** yaml_emitter_analyze_scalar, per code point. */
export const analyzeScalar = (value: string): ScalarAnalysis => {
  const chars = Array.from(value);
  const length = Buffer.byteLength(value, 'utf8');
  if (chars.length === 0)
    return { chars, length, multiline: false, flowPlainAllowed: false, blockPlainAllowed: true, singleQuotedAllowed: true };
  let blockIndicators = value.startsWith('---') || value.startsWith('...');
  let flowIndicators = blockIndicators;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let precededByWhitespace = true;
  let previousSpace = false;
  let previousBreak = false;
  chars.forEach((ch, i) => {
    const c = ch.codePointAt(0)!;
    const followedByWhitespace = isBlankOrEnd(chars[i + 1]);
    if (i === 0) {
      if (FIRST_INDICATORS.has(ch)) flowIndicators = blockIndicators = true;
      if (ch === '?' || ch === ':') {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      }
      if (ch === '-' && followedByWhitespace) flowIndicators = blockIndicators = true;
    } else {
      if (FLOW_INDICATORS.has(ch)) flowIndicators = true;
      if (ch === ':') {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      }
      if (ch === '#' && precededByWhitespace) flowIndicators = blockIndicators = true;
    }
    if (!isPrintable(c)) special = true;
    const last = i === chars.length - 1;
    if (ch === ' ') {
      if (i === 0) leadingSpace = true;
      if (last) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (last) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlankOrEnd(ch);
  });
  let plain = !(leadingSpace || leadingBreak || trailingSpace || trailingBreak || breakSpace || spaceBreak || special || lineBreaks);
  const single = !(breakSpace || spaceBreak || special);
  const flowPlain = plain && !flowIndicators;
  plain = plain && !blockIndicators;
  return { chars, length, multiline: lineBreaks, flowPlainAllowed: flowPlain, blockPlainAllowed: plain, singleQuotedAllowed: single };
};

/** yaml_emitter_select_scalar_style for a scalar ruamel marks implicit when its text resolves to its own type. */
export const selectStyle = (a: ScalarAnalysis, tag: Tag, context: Readonly<{ flowLevel: number; simpleKey: boolean }>): ScalarStyle => {
  const plainImplicit = resolvePlain(a.chars.join('')) === tag;
  let style: ScalarStyle = 'plain';
  if (context.simpleKey && a.multiline) style = 'double';
  if (style === 'plain') {
    if ((context.flowLevel > 0 && !a.flowPlainAllowed) || (context.flowLevel === 0 && !a.blockPlainAllowed)) style = 'single';
    if (a.length === 0 && (context.flowLevel > 0 || context.simpleKey)) style = 'single';
    if (!plainImplicit) style = 'single';
  }
  if (style === 'single' && !a.singleQuotedAllowed) style = 'double';
  return style;
};
