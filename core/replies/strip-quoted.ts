// The new text of an email reply: what the debtor wrote above the quoted message. Mail programs quote in
// a few well-known ways; everything from the first of them on is dropped, so "al betaald" in our own
// reminder quoted below a dispute does not classify the reply as paid.

/** A line that starts the quoted original (nl and en mail programs). */
const QUOTE_START = [
  /^>/, // "> text"
  /^-{2,}\s*(original message|oorspronkelijk bericht|origineel bericht|forwarded message|doorgestuurd bericht)\s*-{2,}/i,
  /^(on|op)\s.{1,300}\s(wrote|schreef)\b.{0,300}:$/i, // "On Mon, 1 Dec … wrote:", "Op 1 dec. … schreef …:"
  /^(from|van)\s*:\s.+/i, // Outlook: "Van: Woonstad Noord <…>"
  /^_{10,}\s*$/, // Outlook's separator line
];

/** At most this much of a reply is kept and classified. */
export const REPLY_TEXT_MAX = 4_000;

export function stripQuoted(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (const line of lines) {
    const trimmed = line.trim();
    if (QUOTE_START.some((re) => re.test(trimmed))) break;
    kept.push(line);
  }
  return kept.join('\n').trim().slice(0, REPLY_TEXT_MAX);
}
