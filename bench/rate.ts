/** How many things were done in how long. */
export interface Rate {
  count: number;
  seconds: number;
  perSecond: number;
}

export const rate = (count: number, ms: number): Rate => ({
  count,
  seconds: ms / 1000,
  perSecond: count / (ms / 1000),
});
