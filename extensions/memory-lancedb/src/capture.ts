/**
 * Which user messages are worth remembering without being asked (auto-capture, opt-in): short
 * first-person statements of facts and preferences, or an explicit "remember …". Questions, long
 * pastes, recalled text coming back, and anything that looks like a secret are skipped.
 */
import { findSecret } from './secrets.js';
import { RECALL_TAG } from './recall.js';

const TRIGGERS: readonly RegExp[] = [
  /\b(?:remember|don't forget|do not forget|note) (?:that )?\S/i,
  /\bi (?:prefer|like|love|hate|dislike|always|never|usually|want|need|am|work|live|park|drive|use|speak|own)\b/i,
  /\bi'm (?:a|an|allergic|vegetarian|vegan|based|from|in)\b/i,
  /\bmy (?:\w+ ){0,3}(?:is|are|was|lives?|works?)\b/i,
  /\bcall me\b/i,
  /\b(?:from now on|in future|going forward)\b/i,
];

export type CaptureDecision = { capture: true } | { capture: false; reason: string };

export function shouldCapture(text: string): CaptureDecision {
  const t = text.trim();
  if (t.length < 10) return { capture: false, reason: 'too short' };
  if (t.length > 500) return { capture: false, reason: 'too long' };
  if (t.includes(`<${RECALL_TAG}`)) return { capture: false, reason: 'recalled text' };
  if (t.startsWith('/')) return { capture: false, reason: 'a command' };
  const secret = findSecret(t);
  if (secret) return { capture: false, reason: `looks like a secret (${secret})` };
  if (/\?\s*$/.test(t) && !/\bremember\b/i.test(t)) return { capture: false, reason: 'a question' };
  if (!TRIGGERS.some((re) => re.test(t))) return { capture: false, reason: 'no fact or preference' };
  return { capture: true };
}
