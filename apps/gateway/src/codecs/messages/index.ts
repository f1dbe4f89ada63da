export { decodeMessages } from './decode.ts';
export { encodeMessage, encodeMessageEvents, errorFrame, type MessageMeta } from './encode.ts';
export { anthropicErrorSchema, messagesRequest, messagesResponse, type MessagesRequest } from './schema.ts';
