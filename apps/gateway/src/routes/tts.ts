import { createRoute, z } from '@hono/zod-openapi';
import { GatewayError } from '@aigw/core';
import type { GatewayApp } from '../context.ts';
import { feature, scope } from '../middleware/tenant/index.ts';
import { jsonBody } from '../middleware/json-body/index.ts';
import { errorResponses } from './openapi.ts';

/** Workers AI's text-to-speech model (MeloTTS): text in, MP3 out. */
export const TTS_MODEL = '@cf/myshell-ai/melotts';
/** MeloTTS's languages; `voice` picks one. */
export const TTS_VOICES = ['en', 'es', 'fr', 'zh', 'ja', 'ko'] as const;
/** Longer text is refused rather than cut: a cut sentence would be read out wrong. */
export const TTS_MAX_CHARS = 1000;

const ttsRequest = z
  .object({
    text: z
      .string()
      .trim()
      .min(1)
      .max(TTS_MAX_CHARS)
      .describe(`Text to speak, 1 to ${TTS_MAX_CHARS} characters.`),
    voice: z.enum(TTS_VOICES).default('en').describe('Language voice.'),
    format: z.literal('mp3').default('mp3').describe('Audio format; MP3 is the one MeloTTS produces.'),
  })
  .strict()
  .openapi('SpeechRequest');

const route = createRoute({
  method: 'post',
  path: '/tts',
  tags: ['speech'],
  summary: 'Text to speech with Workers AI (MeloTTS). Tenants need the "tts" feature.',
  security: [{ bearer: [] }],
  middleware: [scope('chat'), feature('tts'), jsonBody()],
  request: { body: { required: true, content: { 'application/json': { schema: ttsRequest } } } },
  responses: {
    200: {
      description: 'The audio, streamed.',
      content: { 'audio/mpeg': { schema: z.string().openapi({ format: 'binary' }) } },
    },
    503: {
      description: 'provider_unavailable: no Workers AI binding here (local development)',
      content: errorResponses[500].content,
    },
    ...errorResponses,
  },
});

export function registerSpeechRoutes(app: GatewayApp): void {
  app.openapi(route, async (c) => {
    const { text, voice } = c.req.valid('json');
    const ai = c.env.AI;
    if (ai === undefined) {
      throw new GatewayError(
        'provider_unavailable',
        'Text to speech runs on Workers AI, whose AI binding exists only in the staging and production environments (wrangler.jsonc env.staging / env.production). Deploy there, or call this route on a deployed gateway.',
      );
    }
    let output: unknown;
    try {
      output = await (ai.run as (model: string, inputs: object) => Promise<unknown>)(TTS_MODEL, {
        prompt: text,
        lang: voice,
      });
    } catch (error) {
      throw new GatewayError(
        'upstream_error',
        `Workers AI text to speech failed: ${error instanceof Error ? error.message : String(error)}`,
        {
          cause: error,
        },
      );
    }
    return c.body(audioBody(output), 200, { 'content-type': 'audio/mpeg', 'cache-control': 'no-store' });
  });
}

/** MeloTTS answers with a byte stream, bytes, or `{ audio: <base64 MP3> }` depending on the call path. */
function audioBody(output: unknown): ReadableStream<Uint8Array> | Uint8Array<ArrayBuffer> {
  if (output instanceof ReadableStream) return output as ReadableStream<Uint8Array>;
  if (output instanceof Uint8Array) return new Uint8Array(output);
  if (output instanceof ArrayBuffer) return new Uint8Array(output);
  const audio = (output as { audio?: unknown } | null)?.audio;
  if (typeof audio !== 'string') throw new GatewayError('upstream_error', 'Workers AI returned no audio.');
  return Uint8Array.from(atob(audio), (char) => char.charCodeAt(0));
}
