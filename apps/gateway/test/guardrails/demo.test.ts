import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

// The README's guardrails examples, on the development registry the Worker serves (`npm run dev`):
// acme redacts emails and cards and blocks credentials; globex has no policy.
const chat = async (key: string, message: string) =>
  exports.default.fetch('http://127.0.0.1:8787/chat', {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ message, stream: false }),
  });

describe('the demo tenants’ guardrails', () => {
  it('acme: the echo model quotes the redacted input back', { timeout: 60_000 }, async () => {
    const email = await (await chat('gwk_demo_acme', 'Refund jane.doe@example.com')).json<{ text: string }>();
    expect(email.text).toMatch(/^You said: Refund \[EMAIL\] \(local\/echo-1/);
    const card = await (await chat('gwk_demo_acme', 'Charge 4111 1111 1111 1111')).json<{ text: string }>();
    expect(card.text).toMatch(/^You said: Charge \[CARD\] \(local\/echo-1/);
  });

  it('acme: a credential is refused with 400 guardrail_blocked, never echoed', async () => {
    const res = await chat('gwk_demo_acme', 'Deploy with AKIAIOSFODNN7EXAMPLE');
    expect(res.status).toBe(400);
    const body = await res.json<{ error: { code: string; message: string } }>();
    expect(body.error).toMatchObject({
      code: 'guardrail_blocked',
      message: 'Guardrail rule "block-credentials" (detector "credential") blocked the request.',
    });
    expect(JSON.stringify(body)).not.toContain('AKIA');
  });

  it("globex: acme's policy does not apply", async () => {
    const res = await chat('gwk_demo_globex', 'Refund jane.doe@example.com');
    expect((await res.json<{ text: string }>()).text).toContain('jane.doe@example.com');
  });
});
