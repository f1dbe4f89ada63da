import { describe, expect, it } from 'vitest';
import { buildContext, type HistoryCandidate } from './context.ts';

const turn = (n: number, tokens = 10): HistoryCandidate[] => [
  { role: 'user', content: `question ${n}`, tokens, status: 'complete' },
  { role: 'assistant', content: `answer ${n}`, tokens, status: 'complete' },
];

// Each history message costs its tokens + 4 overhead; the prompt costs 2 + the new message.
const history = [...turn(1), ...turn(2), ...turn(3)];

describe('buildContext', () => {
  it('sends system, all history and the new message when everything fits', () => {
    const built = buildContext({
      system: 'Be brief.',
      contextTokens: 1000,
      newUserMessage: 'next?',
      history,
    });
    expect(built.messages.map((m) => m.content)).toEqual([
      'Be brief.',
      'question 1',
      'answer 1',
      'question 2',
      'answer 2',
      'question 3',
      'answer 3',
      'next?',
    ]);
    expect(built.messages[0]?.role).toBe('system');
    expect(built.historyIncluded).toBe(6);
    expect(built.historyDropped).toBe(0);
    expect(built.tokens).toBeLessThanOrEqual(1000);
  });

  it('drops the oldest whole turns first', () => {
    // New message "next?" = 2 tokens + 4, prompt 2 → 8; each turn 28. Budget 8 + 2 turns = 64.
    const built = buildContext({ contextTokens: 64, newUserMessage: 'next?', history });
    expect(built.messages.map((m) => m.content)).toEqual([
      'question 2',
      'answer 2',
      'question 3',
      'answer 3',
      'next?',
    ]);
    expect(built.tokens).toBe(64);
    expect(built.historyDropped).toBe(2);
  });

  it('never sends an answer without its question', () => {
    // One token short of two turns: the user half of turn 2 would fit alone, but it is not sent.
    const built = buildContext({ contextTokens: 63, newUserMessage: 'next?', history });
    expect(built.messages.map((m) => m.content)).toEqual(['question 3', 'answer 3', 'next?']);
  });

  it('leaves no gap: once a turn does not fit, smaller older turns are not used', () => {
    const uneven = [...turn(1, 1), ...turn(2, 100), ...turn(3, 1)];
    const built = buildContext({ contextTokens: 40, newUserMessage: 'next?', history: uneven });
    expect(built.messages.map((m) => m.content)).toEqual(['question 3', 'answer 3', 'next?']);
  });

  it('always sends the system prompt and the new message, even over budget', () => {
    const built = buildContext({
      system: 'x '.repeat(500),
      contextTokens: 10,
      newUserMessage: 'hi',
      history,
    });
    expect(built.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(built.historyIncluded).toBe(0);
  });

  it('keeps cut answers but never sends failed ones back to the model', () => {
    const built = buildContext({
      contextTokens: 1000,
      newUserMessage: 'next?',
      history: [
        { role: 'user', content: 'q1', tokens: 1, status: 'complete' },
        { role: 'assistant', content: 'partial', tokens: 1, status: 'incomplete' },
        { role: 'user', content: 'q2', tokens: 1, status: 'complete' },
        { role: 'assistant', content: 'failed', tokens: 1, status: 'error' },
      ],
    });
    expect(built.messages.map((m) => m.content)).toEqual(['q1', 'partial', 'q2', 'next?']);
  });

  it('estimates messages stored without a token count', () => {
    const unknown: HistoryCandidate[] = [
      { role: 'user', content: 'word '.repeat(40), tokens: 0, status: 'complete' },
      { role: 'assistant', content: 'ok', tokens: 0, status: 'complete' },
    ];
    // 40 words = 40 tokens + 4, "ok" = 1 + 4: 49 history tokens, so 8 + 49 = 57 fits and 56 does not.
    expect(
      buildContext({ contextTokens: 57, newUserMessage: 'next?', history: unknown }).historyIncluded,
    ).toBe(2);
    expect(
      buildContext({ contextTokens: 56, newUserMessage: 'next?', history: unknown }).historyIncluded,
    ).toBe(0);
  });
});
