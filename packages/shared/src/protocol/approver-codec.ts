// Decoders of the approver channel, apart from codec.ts so that the shim does not load these schemas.
import { decodeWith } from './codec.js';
import { approverClientMessageSchema, approverServerMessageSchema, type ApproverClientMessage, type ApproverServerMessage } from './approver-messages.js';

export const decodeApproverClientFrame = decodeWith<ApproverClientMessage>(approverClientMessageSchema);
export const decodeApproverServerFrame = decodeWith<ApproverServerMessage>(approverServerMessageSchema);
