/** firebase-functions internals the relay must agree with, loaded by file path (not in its exports). */
import { firebaseFunctionsFile } from "../../../dev/stack/relay/firebase-functions-files";

/** The params firebase-functions extracts from a document path for the handler. */
export function firebaseFunctionsParams(pattern: string, documentPath: string): Record<string, string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PathPattern } = require(firebaseFunctionsFile("lib/common/utilities/path-pattern.js")) as {
    PathPattern: new (raw: string) => { extractMatches(path: string): Record<string, string> };
  };
  return { ...new PathPattern(pattern).extractMatches(documentPath) };
}
