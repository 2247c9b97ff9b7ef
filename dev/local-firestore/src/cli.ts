// node --import tsx dev/local-firestore/src/cli.ts [--host 127.0.0.1] [--port 8080]
import { parseArgs } from "util";
import { startLocalFirestore } from "./index";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { host: { type: "string", default: "127.0.0.1" }, port: { type: "string", default: "8080" } },
  });
  const server = await startLocalFirestore({ host: values.host, port: Number(values.port) });
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  // Printed last: whoever waits for this line may signal right away.
  console.log(`local-firestore listening on ${server.address}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
