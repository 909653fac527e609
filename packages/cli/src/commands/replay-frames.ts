// A recording (asciicast v2) as frames to play: what to write and how long to wait before it, after the speed
// factor and the idle limit. Pure, so that timing is tested without waiting.
import { fail, ok, type Result } from '@aws-guard/shared/result';

export type CastFrame = Readonly<{ delayMs: number; text: string }>;
export type CastEvent = Readonly<{ time: number; code: string; data: string }>;
export type ParsedCast = Readonly<{ width: number; height: number; title: string | undefined; events: readonly CastEvent[] }>;

/** Every line of the file is checked; the first bad one is named. */
export function parseCast(text: string): Result<ParsedCast, 'REPLAY_BAD_RECORDING'> {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const header = parseJson(lines[0] ?? '');
  if (!isObject(header) || header['version'] !== 2 || typeof header['width'] !== 'number' || typeof header['height'] !== 'number') {
    return fail('REPLAY_BAD_RECORDING', 'line 1 is not an asciicast v2 header');
  }
  const events: CastEvent[] = [];
  for (let i = 1; i < lines.length; i++) {
    const event = parseJson(lines[i]!);
    if (!Array.isArray(event) || event.length !== 3 || typeof event[0] !== 'number' || !(event[0] >= 0) || typeof event[1] !== 'string' || typeof event[2] !== 'string') {
      return fail('REPLAY_BAD_RECORDING', `line ${i + 1} is not an asciicast v2 event [time, code, data]`);
    }
    events.push({ time: event[0], code: event[1], data: event[2] });
  }
  const title = typeof header['title'] === 'string' ? header['title'] : undefined;
  return ok({ width: header['width'], height: header['height'], title, events });
}

export type PlayOptions = Readonly<{ speed: number; idleLimitSeconds: number }>;

/**
 * The output events as frames. A pause is measured between shown outputs (markers show nothing, so they do not
 * split a pause), capped at the idle limit, then divided by the speed.
 */
export function scheduleFrames(events: readonly CastEvent[], play: PlayOptions): CastFrame[] {
  const frames: CastFrame[] = [];
  let previous = 0;
  for (const event of events) {
    if (event.code !== 'o') continue;
    const pause = Math.min(Math.max(0, event.time - previous), play.idleLimitSeconds);
    frames.push({ delayMs: (pause * 1000) / play.speed, text: stripUnsafeSequences(event.data) });
    previous = Math.max(previous, event.time);
  }
  return frames;
}

// The output is what AWS returned (masked): it may hold escape sequences that act on the viewer's terminal
// rather than draw (OSC 52 clipboard writes, title changes, DCS/APC/PM strings, C1 controls). Colours and
// cursor moves (CSI) are kept so that the replay looks like what the agent saw.
const UNSAFE_SEQUENCES = /\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[PX^_][\s\S]*?(?:\u001b\\|$)|[\u0080-\u009f]/g;

export const stripUnsafeSequences = (text: string): string => text.replace(UNSAFE_SEQUENCES, '');

const parseJson = (line: string): unknown => {
  try {
    return JSON.parse(line);
  } catch {
    // Not JSON: the caller reports which line.
    return undefined;
  }
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
