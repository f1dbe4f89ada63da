import { describe, expect, it } from 'vitest';
import { chatApp } from './support/chat-app.ts';

const speechTenant = { features: { rag: false, tools: false, tts: true } };

describe('POST /tts', () => {
  it('refuses tenants without the feature with 403 feature_disabled', async () => {
    const app = await chatApp({ tenant: { id: 'tts-off' } });
    const res = await app.post('/tts', { text: 'hello' });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'feature_disabled' } });
  });

  it('says how to enable it where there is no AI binding (local development)', async () => {
    const app = await chatApp({ tenant: { id: 'tts-local', ...speechTenant } });
    const res = await app.post('/tts', { text: 'hello' }, { env: { ...app.env, AI: undefined } });
    expect(res.status).toBe(503);
    const body = await res.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe('provider_unavailable');
    expect(body.error.message).toMatch(/staging and production/);
  });

  it('returns the MP3 Workers AI produced, asking MeloTTS for the chosen voice', async () => {
    const app = await chatApp({ tenant: { id: 'tts-on', ...speechTenant } });
    const mp3 = new Uint8Array([0x49, 0x44, 0x33, 4, 0, 0, 1, 2, 3]);
    const runs: { model: string; inputs: unknown }[] = [];
    const ai = {
      run: (model: string, inputs: unknown) => {
        runs.push({ model, inputs });
        return Promise.resolve({ audio: btoa(String.fromCharCode(...mp3)) });
      },
    };
    const res = await app.post('/tts', { text: 'Bonjour', voice: 'fr' }, { env: { ...app.env, AI: ai } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/mpeg');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(mp3);
    expect(runs).toEqual([{ model: '@cf/myshell-ai/melotts', inputs: { prompt: 'Bonjour', lang: 'fr' } }]);
  });

  it('enforces the text length limit and the known voices, naming the field', async () => {
    const app = await chatApp({ tenant: { id: 'tts-limits', ...speechTenant } });
    const long = await app.post('/tts', { text: 'x'.repeat(1001) });
    expect(long.status).toBe(400);
    expect(await long.json()).toMatchObject({
      error: { code: 'invalid_request', details: { issues: [{ path: ['text'] }] } },
    });
    const voice = await app.post('/tts', { text: 'hi', voice: 'klingon' });
    expect(await voice.json()).toMatchObject({ error: { details: { issues: [{ path: ['voice'] }] } } });
  });
});
