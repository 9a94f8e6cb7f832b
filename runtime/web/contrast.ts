// WCAG 2.1 contrast: relative luminance of sRGB colours and the ratio between two of them. Pages put
// text on the corporation's brand colour only when the pair reaches 4.5:1; otherwise they pick dark or
// white text, and when the brand colour is too light to carry white text it is darkened for buttons.
export const AA_NORMAL_TEXT = 4.5;
export const DARK_TEXT = '#1a1a1a';
export const WHITE = '#ffffff';

function channels(hex: string): [number, number, number] {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex);
  if (!m) throw new TypeError(`not a #rrggbb colour: ${JSON.stringify(hex)}`);
  const n = Number.parseInt(m[1]!, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function linear(c: number): number {
  const s = c / 255;
  return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

export function luminance(hex: string): number {
  const [r, g, b] = channels(hex).map(linear) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** White or dark text, whichever contrasts more with the background. */
export function textOn(background: string): string {
  return contrastRatio(background, WHITE) >= contrastRatio(background, DARK_TEXT) ? WHITE : DARK_TEXT;
}

function toHex(rgb: readonly number[]): string {
  return `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}

/** The colour darkened in small steps until `against` reaches the ratio on it (or it is black). */
export function darkenUntil(colour: string, against: string, ratio = AA_NORMAL_TEXT): string {
  let rgb = channels(colour);
  for (let i = 0; i < 40 && contrastRatio(toHex(rgb), against) < ratio; i++) {
    rgb = rgb.map((c) => c * 0.92) as [number, number, number];
  }
  return toHex(rgb);
}

export interface BrandColours {
  /** Header and button background. */
  brand: string;
  /** Text on `brand`, at least 4.5:1. */
  onBrand: string;
  /** The brand colour as text or outline on a white page, at least 4.5:1. */
  brandOnWhite: string;
}

/**
 * Colours for a page from the corporation's primary colour. The brand colour is kept when some text
 * colour reaches 4.5:1 on it; a colour on which neither white nor dark text is readable is darkened.
 */
export function brandColours(primary: string | undefined, fallback = '#1f4e79'): BrandColours {
  const brand = primary && /^#[0-9a-f]{6}$/i.test(primary) ? primary.toLowerCase() : fallback;
  const onBrand = textOn(brand);
  const usable = contrastRatio(brand, onBrand) >= AA_NORMAL_TEXT;
  const background = usable ? brand : darkenUntil(brand, WHITE);
  return {
    brand: background,
    onBrand: usable ? onBrand : WHITE,
    brandOnWhite: darkenUntil(brand, WHITE),
  };
}
