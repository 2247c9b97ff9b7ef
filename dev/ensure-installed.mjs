// Runs before `npm start`, `npm test` and `npm run bench`: a fresh clone installs its dependencies and
// builds what runs as plain JavaScript (the functions bundle, the host agent, the Hosting dashboard), so the two commands are
// all a new user needs.
import { execSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";

const root = new URL("..", import.meta.url).pathname;
const run = (cmd) => execSync(cmd, { cwd: root, stdio: "inherit" });

const installed = `${root}node_modules/.package-lock.json`;
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(`${root}package-lock.json`).mtimeMs) {
  console.log("Installing dependencies (npm ci)...");
  run("npm ci");
}
run("npm run build --workspace functions --workspace packages/agent --workspace packages/dashboard --silent");
