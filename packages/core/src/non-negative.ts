/** Shared guard for durations and sketch values: NaN would otherwise slip through comparisons. */
export function assertNonNegativeFinite(value: number, what: string): void {
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new RangeError(`${what} must be a finite number >= 0, got ${value}`);
  }
}
