// Encoding a message for the wire, apart from the schemas that decode it (codec.ts): a sender loads no zod.
// The types say what may be sent; the receiving end validates it against the schemas.
import type { ApproverClientMessage, ApproverServerMessage } from './approver-messages.js';
import type { ClientMessage, ServerMessage } from './messages.js';

export const encodeMessage = (message: ClientMessage | ServerMessage | ApproverClientMessage | ApproverServerMessage): string => JSON.stringify(message);
