import { describe, expect, it } from 'vitest';
import { PRESS_RELEASE } from '../../../test/fixtures.ts';
import { extractEntitiesOffline } from './extract-entities.ts';

describe('extract_entities offline', () => {
  it('finds emails, URLs, dates, numbers and typed names in order of appearance', () => {
    const { entities } = extractEntitiesOffline({ text: PRESS_RELEASE });
    expect(entities).toEqual([
      { type: 'organization', text: 'Acme Inc' },
      { type: 'date', text: '2026-03-14' },
      { type: 'person', text: 'Dr Ada Lovelace' },
      { type: 'location', text: 'Lisbon' },
      { type: 'date', text: 'March 20, 2026' },
      { type: 'number', text: '$2,500,000' },
      { type: 'number', text: '42' },
      { type: 'email', text: 'press@acme.example' },
      { type: 'url', text: 'https://acme.example/news/lab' },
      { type: 'organization', text: 'Bank of England' },
    ]);
  });

  it('drops capitalised sentence openers and lists each entity once', () => {
    const { entities } = extractEntitiesOffline({
      text: 'However the team met. Yesterday Grace Hopper called Grace Hopper again.',
    });
    expect(entities).toEqual([{ type: 'other', text: 'Grace Hopper' }]);
  });
});
