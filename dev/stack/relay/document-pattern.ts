/**
 * Firestore trigger document patterns, matched the way Eventarc matches them: `{name}` (or `{name=*}`,
 * or a bare `*`) is exactly one path segment, `{name=**}` (or `**`) zero or more; only named wildcards
 * become params, a multi-segment one joined with "/".
 */
type Segment =
  { kind: "literal"; value: string } | { kind: "one"; name?: string } | { kind: "many"; name?: string };

export type DocumentParams = Record<string, string>;

export interface DocumentPattern {
  readonly source: string;
  /** The params captured from a document path (relative to `documents/`), or null if it does not match. */
  match(documentPath: string): DocumentParams | null;
}

const CAPTURE = /^\{([^{}=/]+)(?:=(\*\*?))?\}$/;

function parseSegment(raw: string): Segment {
  if (raw === "*") return { kind: "one" };
  if (raw === "**") return { kind: "many" };
  const capture = CAPTURE.exec(raw);
  if (!capture) return { kind: "literal", value: raw };
  return { kind: capture[2] === "**" ? "many" : "one", name: capture[1]! };
}

const splitPath = (path: string) => path.split("/").filter((part) => part.length > 0);

export function compileDocumentPattern(source: string): DocumentPattern {
  const segments = splitPath(source).map(parseSegment);

  // Backtracking only matters with several `**`; patterns are short, so the plain recursion is fine.
  const matchFrom = (
    si: number,
    parts: string[],
    pi: number,
    params: DocumentParams,
  ): DocumentParams | null => {
    const segment = segments[si];
    if (!segment) return pi === parts.length ? params : null;
    if (segment.kind === "many") {
      for (let end = parts.length; end >= pi; end--) {
        const captured = segment.name
          ? { ...params, [segment.name]: parts.slice(pi, end).join("/") }
          : params;
        const result = matchFrom(si + 1, parts, end, captured);
        if (result) return result;
      }
      return null;
    }
    const part = parts[pi];
    if (part === undefined) return null;
    if (segment.kind === "literal")
      return segment.value === part ? matchFrom(si + 1, parts, pi + 1, params) : null;
    return matchFrom(si + 1, parts, pi + 1, segment.name ? { ...params, [segment.name]: part } : params);
  };

  return { source, match: (documentPath) => matchFrom(0, splitPath(documentPath), 0, {}) };
}
