/** Files of the installed firebase-functions that its package exports map does not expose. */
import path from "node:path";

export function firebaseFunctionsFile(relative: string): string {
  const main = require.resolve("firebase-functions");
  const marker = `${path.sep}firebase-functions${path.sep}`;
  return path.join(main.slice(0, main.lastIndexOf(marker) + marker.length), relative);
}
