/** How `pickLocale` chose: the wanted locale, the fallback, or (neither present) the first available. */
export type LocaleChoice = 'wanted' | 'fallback' | 'first';

export interface LocalePick<L extends string = string> {
  locale: L;
  choice: LocaleChoice;
}

/**
 * Chooses the locale to render in: `wanted` if available, else `fallback`, else the first available one.
 * Returns undefined when nothing is available.
 */
export function pickLocale<L extends string>(
  available: Iterable<L>,
  wanted: string,
  fallback: string,
): LocalePick<L> | undefined {
  const list = [...available];
  const wantedHit = list.find((l) => l === wanted);
  if (wantedHit !== undefined) return { locale: wantedHit, choice: 'wanted' };
  const fallbackHit = list.find((l) => l === fallback);
  if (fallbackHit !== undefined) return { locale: fallbackHit, choice: 'fallback' };
  const first = list[0];
  return first === undefined ? undefined : { locale: first, choice: 'first' };
}
