export { decodeMessages, type DecodedMessages } from './decode.ts';
export {
  encodeMessage,
  encodeMessageEvents,
  errorFrame,
  type MessageMeta,
  type SettledRun,
} from './encode.ts';
export { anthropicErrorSchema, messagesRequest, messagesResponse, type MessagesRequest } from './schema.ts';
