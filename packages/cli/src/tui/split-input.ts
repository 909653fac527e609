// Ink hands a burst of keys that arrive in one read (fast typing, key repeat, tmux, a paste) to the input
// handler as one string. This splits such a burst back into key presses, so `jjj` moves three rows, while
// text typed into a prompt or the filter stays one paste that only a final Enter can submit.
import type { KeyFlags } from './interpret-key.js';

export type KeyPress = readonly [input: string, key: KeyFlags];

const NAMED: readonly (keyof KeyFlags)[] = ['upArrow', 'downArrow', 'leftArrow', 'rightArrow', 'pageUp', 'pageDown', 'home', 'end', 'return', 'escape', 'tab', 'backspace', 'delete', 'ctrl', 'meta'];

const single = (char: string): KeyPress => {
  if (char === '\r' || char === '\n') return ['', { return: true }];
  if (char === '\u007f' || char === '\b') return ['', { backspace: true }];
  if (char === '\t') return ['', { tab: true }];
  const code = char.codePointAt(0) ?? 0;
  // Ctrl+letter arrives as 0x01–0x1a; ink reports those as the letter with `ctrl`.
  if (code >= 1 && code <= 26) return [String.fromCharCode(code + 96), { ctrl: true }];
  return [char, {}];
};

/**
 * Yields the key presses in one input event. `typing` is asked before each one, because a press earlier in
 * the burst (`/`, `a`, `d`) can open the filter or a prompt that the rest of the burst is typed into.
 */
export function* splitInput(input: string, key: KeyFlags, typing: () => boolean): Generator<KeyPress> {
  const chars = Array.from(input);
  if (chars.length <= 1 || input.includes('\u001b') || NAMED.some((name) => key[name])) {
    yield [input, key];
    return;
  }
  for (let i = 0; i < chars.length; i++) {
    if (typing()) {
      const rest = chars.slice(i).join('');
      const body = rest.endsWith('\r') ? rest.slice(0, -1) : rest;
      if (body !== '') yield [body, {}];
      // A pasted reason that spans lines must not send itself half-way: only a lone final Enter submits.
      if (rest.endsWith('\r') && !/[\r\n]/.test(body)) yield ['', { return: true }];
      return;
    }
    yield single(chars[i]!);
  }
}
