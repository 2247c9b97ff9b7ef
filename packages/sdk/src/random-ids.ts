/**
 * Random hex ids from crypto.getRandomValues, which Node 20 and every browser have (randomUUID is
 * missing from browser pages served over plain http).
 */
function randomHex(bytes: number): string {
  const values = crypto.getRandomValues(new Uint8Array(bytes));
  let hex = "";
  for (const byte of values) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/** A recordTraces batch_id: the idempotency key the server stores once per user. */
export const newBatchId = (): string => randomHex(16);
/** W3C trace-id: 16 bytes. */
export const newTraceId = (): string => randomHex(16);
/** W3C span-id (parent-id): 8 bytes. */
export const newSpanId = (): string => randomHex(8);
