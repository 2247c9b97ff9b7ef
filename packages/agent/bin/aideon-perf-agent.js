#!/usr/bin/env node
// The agent is built into dist/ (the packed tarball ships it). In the repository, build it first:
// npm run build --workspace @aideon-perf/agent
"use strict";
try {
  require.resolve("../dist/cli.js");
} catch {
  process.stderr.write(
    "aideon-perf-agent is not built: run `npm run build --workspace @aideon-perf/agent`\n",
  );
  process.exit(1);
}
require("../dist/cli.js");
