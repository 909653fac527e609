// Frames in and out of the agent channel: decoding returns values (never throws) so a bad frame from
// either side becomes an error frame and a close, not a crash.
import { fail, ok, type Result } from '../result.js';
import { clientMessageSchema, serverMessageSchema, type ClientMessage, type ServerMessage } from './messages.js';
import { streamOfChannel, type DataFrame } from './data-frame.js';
import { MAX_DATA_CHUNK_BYTES, MAX_TEXT_FRAME_BYTES } from './limits.js';
import { describeIssue, type SchemaIssue } from './describe-issue.js';

export type FrameCode = 'FRAME_TOO_LARGE' | 'FRAME_MALFORMED' | 'FRAME_UNKNOWN_CHANNEL';
export type Decoded<M> = Result<{ kind: 'message'; message: M } | { kind: 'data'; frame: DataFrame }, FrameCode>;

type Schema<M> = { safeParse: (v: unknown) => { success: true; data: M } | { success: false; error: { issues: readonly SchemaIssue[] } } };

export const decodeWith =
  <M>(schema: Schema<M>) =>
  (data: Buffer, isBinary: boolean): Decoded<M> => {
    if (isBinary) {
      if (data.length - 1 > MAX_DATA_CHUNK_BYTES) return fail('FRAME_TOO_LARGE', `data frame of ${data.length} bytes exceeds ${MAX_DATA_CHUNK_BYTES + 1}`);
      const stream = streamOfChannel(data[0]);
      if (stream === undefined) return fail('FRAME_UNKNOWN_CHANNEL', `data frame on unknown channel ${String(data[0])}`);
      return ok({ kind: 'data', frame: { stream, payload: data.subarray(1) } });
    }
    if (data.length > MAX_TEXT_FRAME_BYTES) return fail('FRAME_TOO_LARGE', `message of ${data.length} bytes exceeds ${MAX_TEXT_FRAME_BYTES}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(data.toString('utf8'));
    } catch {
      return fail('FRAME_MALFORMED', 'message is not valid JSON');
    }
    const checked = schema.safeParse(parsed);
    if (!checked.success) {
      return fail('FRAME_MALFORMED', `invalid message: ${checked.error.issues.slice(0, 3).map(describeIssue).join('; ')}`);
    }
    return ok({ kind: 'message', message: checked.data });
  };

export const decodeClientFrame = decodeWith<ClientMessage>(clientMessageSchema);
export const decodeServerFrame = decodeWith<ServerMessage>(serverMessageSchema);

export { encodeMessage } from './encode-message.js';
