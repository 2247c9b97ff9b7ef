// Resource names: projects/{p}/databases/{d}/documents[/{collection}/{doc}...]. Everything in the
// store is keyed by full names so several projects and databases coexist.
import { invalidArgument } from "./errors";

const ROOT_PATTERN = /^projects\/[^/]+\/databases\/[^/]+\/documents/;

/** "projects/p/databases/d/documents" for any name inside that database. */
export function documentsRoot(name: string): string {
  const match = ROOT_PATTERN.exec(name);
  if (!match) throw invalidArgument(`Invalid resource name: "${name}"`);
  return match[0];
}

/** Segments after ".../documents": even count for a document, odd for a collection. */
function relativeSegments(name: string): string[] {
  const rest = name.slice(documentsRoot(name).length);
  if (rest === "") return [];
  if (!rest.startsWith("/")) throw invalidArgument(`Invalid resource name: "${name}"`);
  const segments = rest.slice(1).split("/");
  if (segments.some((s) => s === "")) throw invalidArgument(`Invalid resource name: "${name}"`);
  return segments;
}

export function assertDocumentName(name: string): string {
  const segments = relativeSegments(name);
  if (segments.length === 0 || segments.length % 2 !== 0) {
    throw invalidArgument(`Invalid document name: "${name}"`);
  }
  return name;
}

/** A query/list parent is the documents root or a document. */
export function assertParentName(name: string): string {
  if (relativeSegments(name).length % 2 !== 0) throw invalidArgument(`Invalid parent: "${name}"`);
  return name;
}

export function parentCollection(documentName: string): string {
  return documentName.slice(0, documentName.lastIndexOf("/"));
}

export function lastSegment(name: string): string {
  return name.slice(name.lastIndexOf("/") + 1);
}

/** Is `name` strictly below `ancestor` (a document or documents root)? */
export function isDescendant(name: string, ancestor: string): boolean {
  return name.length > ancestor.length + 1 && name.startsWith(ancestor) && name[ancestor.length] === "/";
}

/**
 * Firestore compares strings by UTF-8 bytes, which is code point order. UTF-16 code unit order
 * agrees except where a surrogate (code point >= 0x10000) meets a unit in U+E000..U+FFFF.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return compareUnits(x, y);
  }
  return a.length - b.length;
}

function compareUnits(x: number, y: number): number {
  const xs = x >= 0xd800 && x <= 0xdfff;
  const ys = y >= 0xd800 && y <= 0xdfff;
  if (xs !== ys) return xs ? 1 : -1;
  return x - y;
}

/**
 * Orders resource names segment by segment (a shorter segment that is a prefix sorts first), without
 * splitting: at the first differing unit, a '/' means that name's segment ended earlier.
 */
export function compareNames(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x === 0x2f) return -1;
    if (y === 0x2f) return 1;
    return compareUnits(x, y);
  }
  return a.length - b.length;
}

/** "projects/p/databases/d" for a database, documents root or document name. */
export function databaseOf(name: string): string {
  const match = /^projects\/[^/]+\/databases\/[^/]+/.exec(name);
  if (!match) throw invalidArgument(`Invalid resource name: "${name}"`);
  return match[0];
}
