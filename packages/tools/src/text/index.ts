export {
  STOPWORDS,
  contentWords,
  splitParagraphs,
  splitSentences,
  stem,
  termFrequencies,
  topKeywords,
  words,
} from './text.ts';
