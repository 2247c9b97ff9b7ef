/**
 * What the Functions emulator says about the functions it loaded: the definitions in `GET /backends`,
 * and the keys it routes background triggers by. Pure parsing; the I/O is in functions-emulator.ts.
 */

/** One entry of `backends[].functionTriggers` (only the fields we read). */
export interface FunctionDefinition {
  id: string;
  name: string;
  region: string;
  entryPoint: string;
  timeoutSeconds?: number;
  eventTrigger?: {
    eventType: string;
    eventFilters?: Record<string, string>;
    eventFilterPathPatterns?: Record<string, string>;
    channel?: string;
  };
  /** Present on scheduled functions (the emulator's copy of the manifest's scheduleTrigger). */
  schedule?: { schedule: string; timeZone?: string | null };
}

/**
 * One definition per function id: after the emulator re-registers its triggers, `/backends` lists the
 * records of earlier generations too (same id, same definition).
 */
export function definitionsFromBackends(body: unknown): FunctionDefinition[] {
  const backends = (body as { backends?: Array<{ functionTriggers?: FunctionDefinition[] }> }).backends ?? [];
  const byId = new Map<string, FunctionDefinition>();
  for (const def of backends.flatMap((backend) => backend.functionTriggers ?? [])) byId.set(def.id, def);
  return [...byId.values()];
}

/**
 * A POST to an unknown trigger answers 404 "Function X does not exist, valid functions are: k1, k2".
 * Event-triggered functions are keyed `{id}-{generation}`; the generation grows whenever the emulator
 * re-registers triggers (re-enabling background triggers through the hub), and keys of earlier
 * generations stay listed but disabled. So each definition's key is its highest listed generation.
 */
export function triggerKeysFromListing(
  listing: string,
  definitions: FunctionDefinition[],
): Map<string, string> {
  const listed = (/valid functions are: (.*)$/s.exec(listing)?.[1] ?? "")
    .split(",")
    .map((key) => key.trim())
    .filter(Boolean);
  // An HTTPS function is keyed by its bare id, which could look like `{other id}-{n}`.
  const ids = new Set(definitions.map((def) => def.id));
  const keys = new Map<string, string>();
  for (const def of definitions) {
    if (!def.eventTrigger) continue;
    let best = -1;
    for (const key of listed) {
      if (!key.startsWith(`${def.id}-`) || ids.has(key)) continue;
      const generation = key.slice(def.id.length + 1);
      if (/^\d+$/.test(generation) && Number(generation) > best) best = Number(generation);
    }
    if (best >= 0) keys.set(def.id, `${def.id}-${best}`);
  }
  return keys;
}
