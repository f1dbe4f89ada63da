import { z } from 'zod';
import { defineTool } from '../../definition/index.ts';
import { completeStructured } from '../../model/index.ts';
import { STOPWORDS } from '../../text/index.ts';

export const ENTITY_TYPES = [
  'person',
  'organization',
  'location',
  'email',
  'url',
  'date',
  'number',
  'other',
] as const;
export const entityTypeSchema = z.enum(ENTITY_TYPES);
export type EntityType = z.infer<typeof entityTypeSchema>;

export const extractEntitiesArgsSchema = z
  .object({
    text: z.string().trim().min(1).max(200_000).describe('The text to extract entities from.'),
    types: z
      .array(entityTypeSchema)
      .min(1)
      .optional()
      .describe('Only these entity types; all types when left out.'),
  })
  .strict();

const entitySchema = z
  .object({
    type: entityTypeSchema,
    text: z.string().min(1).describe('The entity as written in the text.'),
  })
  .strict();

export const extractEntitiesResultSchema = z
  .object({
    entities: z.array(entitySchema).describe('Each distinct entity once, in order of first appearance.'),
  })
  .strict();

export type ExtractEntitiesArgs = z.infer<typeof extractEntitiesArgsSchema>;
export type ExtractEntitiesResult = z.infer<typeof extractEntitiesResultSchema>;
export type Entity = z.infer<typeof entitySchema>;

export const extractEntitiesTool = defineTool({
  name: 'extract_entities',
  description:
    'Finds the named entities in a text (people, organisations, locations, emails, URLs, dates, numbers).',
  args: extractEntitiesArgsSchema,
  result: extractEntitiesResultSchema,
  sideEffects: false,
  timeoutMs: 30_000,
  async run(args, ctx) {
    const found = ctx.offline
      ? extractEntitiesOffline(args)
      : await completeStructured(ctx, {
          instructions: `List the entities in the text. Types: ${(args.types ?? ENTITY_TYPES).join(', ')}. Quote each entity exactly as written; list each once.`,
          input: args.text,
          schema: extractEntitiesResultSchema,
        });
    // A model may ignore the type filter; the filter is the caller's contract, so apply it here.
    const wanted = new Set<EntityType>(args.types ?? ENTITY_TYPES);
    return { entities: found.entities.filter((entity) => wanted.has(entity.type)) };
  },
});

const MONTHS =
  'January|February|March|April|May|June|July|August|September|October|November|December|' +
  'Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec';

/** Ordered: an earlier pattern claims its characters, so a date's digits are not also a number. */
const PATTERNS: readonly { type: EntityType; pattern: RegExp }[] = [
  { type: 'email', pattern: /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g },
  { type: 'url', pattern: /\bhttps?:\/\/[^\s<>"')\]]+[^\s<>"')\].,;:!?]/g },
  {
    type: 'date',
    pattern: new RegExp(
      [
        String.raw`\b\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:\d{2})?)?\b`,
        String.raw`\b\d{1,2}/\d{1,2}/\d{2,4}\b`,
        String.raw`\b\d{1,2}(?:st|nd|rd|th)? (?:${MONTHS})\.?,? \d{4}\b`,
        String.raw`\b(?:${MONTHS})\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}\b`,
        String.raw`\b(?:${MONTHS}) \d{4}\b`,
      ].join('|'),
      'g',
    ),
  },
  {
    type: 'number',
    pattern:
      /(?:[$€£¥]\s?)?(?<![\w.])-?\d{1,3}(?:,\d{3})+(?:\.\d+)?%?(?![\w])|(?:[$€£¥]\s?)?(?<![\w.])-?\d+(?:\.\d+)?%?(?![\w])/g,
  },
];

/** A suffix ("Acme Inc") or an institution word anywhere in the phrase ("Bank of England"). */
const ORGANIZATION_SUFFIX = /\b(?:Inc|Ltd|LLC|GmbH|AG|SA|PLC|Corp|Co)\.?$/;
const ORGANIZATION_WORD =
  /\b(?:Corporation|Company|Group|Bank|University|Institute|Foundation|Agency|Ministry|Association|Council)\b/;
/** Words that open sentences without being part of a name ("Yesterday Grace Hopper said"). */
const SENTENCE_OPENERS = new Set(
  'yesterday today tomorrow however meanwhile later finally recently next last since although though thanks dear hello hi'.split(
    ' ',
  ),
);
const PERSON_TITLE = /^(?:Mr|Mrs|Ms|Dr|Prof|Sir|Dame)\.?\s/;
const LOCATION_CUE = /\b(?:in|at|from|to|near|across)\s+$/i;
/** Capitalised words, possibly joined by "of", "and", "&", "de" or "van" ("Bank of England"). */
const CAPITALISED =
  /\b(?:(?:Mr|Mrs|Ms|Dr|Prof|Sir|Dame)\.?\s)?\p{Lu}[\p{L}'’-]*(?:\s+(?:(?:of|and|&|de|van|von|der|la|du)\s+)?\p{Lu}[\p{L}'’-]*)*\.?/gu;

/**
 * Regexes for emails, URLs, dates and numbers; capitalised phrases for names. A phrase is typed
 * by cues: an organisation suffix ("Acme Inc"), a personal title ("Dr Lee"), or a preposition of
 * place before it ("in Lisbon"); otherwise `other`. A single capitalised word that is only a
 * sentence opener ("The", "However") is dropped.
 */
export function extractEntitiesOffline(args: ExtractEntitiesArgs): ExtractEntitiesResult {
  const text = args.text;
  const claimed = new Array<boolean>(text.length).fill(false);
  const found: { type: EntityType; text: string; at: number }[] = [];

  const take = (type: EntityType, value: string, at: number): void => {
    for (let i = at; i < at + value.length; i++) claimed[i] = true;
    found.push({ type, text: value, at });
  };
  const free = (at: number, length: number): boolean => !claimed.slice(at, at + length).some(Boolean);

  for (const { type, pattern } of PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      if (free(match.index, match[0].length)) take(type, match[0].trim(), match.index);
    }
  }
  for (const match of text.matchAll(CAPITALISED)) {
    let value = match[0].replace(/\.$/, (dot) => (ORGANIZATION_SUFFIX.test(match[0]) ? dot : ''));
    let at = match.index;
    // "The Bank of England", "Yesterday Grace Hopper": a capitalised function word or sentence
    // opener in front of the phrase is not part of the name.
    for (let lead = /^(\S+)\s+/.exec(value); lead?.[1] !== undefined; lead = /^(\S+)\s+/.exec(value)) {
      const word = lead[1].toLowerCase();
      if (!STOPWORDS.has(word) && !(SENTENCE_OPENERS.has(word) && isSentenceStart(text, at))) break;
      at += lead[0].length;
      value = value.slice(lead[0].length);
    }
    if (!free(at, value.length)) continue;
    const single = !/\s/.test(value);
    if (single && STOPWORDS.has(value.toLowerCase())) continue;
    if (single && isSentenceStart(text, at)) continue;
    take(classify(value, text.slice(Math.max(0, at - 12), at)), value, at);
  }

  const seen = new Set<string>();
  const entities: Entity[] = [];
  for (const entity of found.sort((a, b) => a.at - b.at)) {
    const key = `${entity.type}\u0000${entity.text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    entities.push({ type: entity.type, text: entity.text });
  }
  return { entities };
}

function classify(phrase: string, before: string): EntityType {
  if (ORGANIZATION_SUFFIX.test(phrase) || ORGANIZATION_WORD.test(phrase)) return 'organization';
  if (PERSON_TITLE.test(phrase)) return 'person';
  if (LOCATION_CUE.test(before)) return 'location';
  return 'other';
}

function isSentenceStart(text: string, at: number): boolean {
  const before = text.slice(0, at).trimEnd();
  return before.length === 0 || /[.!?:\n"“]$/.test(before);
}
