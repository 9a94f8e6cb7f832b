// Classifies a debtor's reply (an SMS or the new text of an email) by the keyword rules of the
// corporation's `ClassificationRule`s with `spec.target: replies` (ADR 0007, "Replies and tasks"). Pure:
// the same text and rules give the same class everywhere. A keyword matches as whole words, ignoring
// case, accents and punctuation, in any language of the rule (a reply does not say which it is in).

/** The classes a reply rule may give (the CRD allows only these, so metric labels stay bounded). */
export const REPLY_CLASSES = ['already-paid', 'dispute', 'deceased', 'stop', 'other'] as const;
export type ReplyClass = (typeof REPLY_CLASSES)[number];

/** What follows a reply of a class. */
export type ReplyAction = 'pause-and-task' | 'opt-out' | 'record';

export interface ReplyRule {
  ruleSet: string;
  name: string;
  classification: ReplyClass;
  keywords: { nl?: string[]; en?: string[] };
  action: ReplyAction;
}

export interface ReplyRules {
  /** Rule sets by priority, rules in order: the first that matches decides. */
  rules: ReplyRule[];
  /** When nothing matched; `other`/`record` when no rule set declares one. */
  default?: { classification: ReplyClass; action: ReplyAction };
}

export interface ReplyClassification {
  classification: ReplyClass;
  action: ReplyAction;
  /** `ruleSet/rule`, or `default`. */
  decidedBy: string;
}

export const UNMATCHED_REPLY = { classification: 'other', action: 'record' } as const;

export const isReplyClass = (value: string): value is ReplyClass =>
  (REPLY_CLASSES as readonly string[]).includes(value);

/** Lower case, accents removed, every run of other characters than letters and digits one space. */
export function normalizeReplyText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export function classifyReply(rules: ReplyRules, text: string): ReplyClassification {
  const haystack = ` ${normalizeReplyText(text)} `;
  for (const rule of rules.rules) {
    const words = [...(rule.keywords.nl ?? []), ...(rule.keywords.en ?? [])];
    const hit = words.some((w) => {
      const needle = normalizeReplyText(w);
      return needle !== '' && haystack.includes(` ${needle} `);
    });
    if (hit) {
      return {
        classification: rule.classification,
        action: rule.action,
        decidedBy: `${rule.ruleSet}/${rule.name}`,
      };
    }
  }
  return { ...(rules.default ?? UNMATCHED_REPLY), decidedBy: 'default' };
}
