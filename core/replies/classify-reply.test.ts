import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { classifyReply, normalizeReplyText, type ReplyRule, type ReplyRules } from './classify-reply.js';

/** The base street's rule set (flows/classification/replies.yaml), as the compiler puts it in a bundle. */
function baseRules(): ReplyRules {
  const doc = parse(readFileSync('flows/classification/replies.yaml', 'utf8')) as {
    metadata: { name: string };
    spec: { rules: Omit<ReplyRule, 'ruleSet'>[]; default: ReplyRules['default'] };
  };
  return {
    rules: doc.spec.rules.map((r) => ({ ...r, ruleSet: doc.metadata.name })),
    ...(doc.spec.default ? { default: doc.spec.default } : {}),
  };
}

describe('reply classification with the base street rules', () => {
  const rules = baseRules();
  const cases: [string, string, string][] = [
    ['Ik heb al betaald', 'already-paid', 'pause-and-task'],
    ['ik heb het bedrag gisteren AL BETAALD!!', 'already-paid', 'pause-and-task'],
    ['I already paid this last week', 'already-paid', 'pause-and-task'],
    ['STOP', 'stop', 'opt-out'],
    ['stop.', 'stop', 'opt-out'],
    ['Graag afmelden voor sms', 'stop', 'opt-out'],
    ['Mijn vader is overleden', 'deceased', 'pause-and-task'],
    ['Dit bedrag klopt niet', 'dispute', 'pause-and-task'],
    ['Ik ben het er niet eens mee', 'dispute', 'pause-and-task'],
    ['Bedankt voor het bericht', 'other', 'record'],
    ['', 'other', 'record'],
  ];
  it.each(cases)('"%s" is %s (%s)', (text, classification, action) => {
    expect(classifyReply(rules, text)).toMatchObject({ classification, action });
  });

  it('matches whole words only: "stoppen" is a keyword, "bushalte stopplaats" is not "stop"', () => {
    expect(classifyReply(rules, 'de stopplaats van de bus').classification).toBe('other');
  });

  it('says which rule decided', () => {
    expect(classifyReply(rules, 'overleden').decidedBy).toBe('replies/deceased');
    expect(classifyReply(rules, 'hallo').decidedBy).toBe('default');
  });
});

describe('reply classification rules', () => {
  const rule = (name: string, classification: ReplyRule['classification'], words: string[]): ReplyRule => ({
    ruleSet: 'set',
    name,
    classification,
    keywords: { nl: words },
    action: 'record',
  });

  it('the first matching rule wins, in order', () => {
    const rules = { rules: [rule('a', 'dispute', ['betaald']), rule('b', 'already-paid', ['al betaald'])] };
    expect(classifyReply(rules, 'al betaald').decidedBy).toBe('set/a');
  });

  it('ignores accents, case and punctuation in text and keywords', () => {
    const rules = { rules: [rule('a', 'dispute', ['Geën Idee'])] };
    expect(classifyReply(rules, '...GEEN-idee!').classification).toBe('dispute');
  });

  it('without rules or a default every reply is other, to record', () => {
    expect(classifyReply({ rules: [] }, 'STOP')).toEqual({
      classification: 'other',
      action: 'record',
      decidedBy: 'default',
    });
  });

  it('normalises to single spaces between words', () => {
    expect(normalizeReplyText('  Één\n\tTWEE—drie ')).toBe('een twee drie');
  });
});
