// Size limits of the wire protocol, shared by both ends so that neither sends what the other refuses.

/** A JSON (text) frame larger than this is refused with an error frame and a close. */
export const MAX_TEXT_FRAME_BYTES = 1024 * 1024;
/** Largest payload of one binary data frame (stdin/stdout/stderr chunk), excluding the 1-byte channel header. */
export const MAX_DATA_CHUNK_BYTES = 64 * 1024;
/** What the WebSocket layer itself accepts before closing with 1009; above both caps so the codec can answer. */
export const MAX_WS_PAYLOAD_BYTES = 4 * 1024 * 1024;
/** Bytes a sender may have in flight on one stream before it waits for the receiver's flow.ack. */
export const FLOW_WINDOW_BYTES = 1024 * 1024;
/** WebSocket close codes used by aws-guard (4000–4999 are for applications). */
export const CLOSE_CODES = Object.freeze({
  normal: 1000,
  protocolError: 1002,
  tooLarge: 1009,
  unsupportedVersion: 4001,
  gatewayError: 4002,
});
