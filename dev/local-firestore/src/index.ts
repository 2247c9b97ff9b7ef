// Dev-only in-memory Firestore: the v1 gRPC API with Firestore's documented semantics, for
// firebase-admin via FIRESTORE_EMULATOR_HOST where the official emulator cannot run.
import * as grpc from "@grpc/grpc-js";
import { toDocumentProto } from "./document";
import { openFrontDoor } from "./front-door";
import { httpApi } from "./http-api";
import { ListenHub } from "./listen";
import type { Document, Timestamp } from "./proto";
import { firestoreService } from "./proto";
import { measuringRequestSizes } from "./request-size";
import { createService } from "./service";
import { Store } from "./store";
import { toTimestamp } from "./time";
import { Transactions } from "./transactions";
import { Usage, type UsageCounts } from "./usage";

export type { Document, Fields, Timestamp, Value } from "./proto";
export type { UsageCounts } from "./usage";
export { USAGE_PATH } from "./http-api";

/** One committed change to one document, emitted once per document per commit, in commit order. */
export interface DocumentChange {
  /** Full resource name: projects/P/databases/D/documents/... */
  name: string;
  before: Document | null;
  after: Document | null;
  commitTime: Timestamp;
}

export interface LocalFirestore {
  host: string;
  port: number;
  /** "host:port" for FIRESTORE_EMULATOR_HOST */
  address: string;
  onDocumentChange(listener: (change: DocumentChange) => void): () => void;
  /** Drops all data of one project (every database), or of all projects. */
  clear(projectId?: string): void;
  /** Billable document reads and writes so far (see usage.ts). */
  usage(): UsageCounts;
  close(): Promise<void>;
}

export interface LocalFirestoreOptions {
  host?: string;
  /** 0 = any free port */
  port?: number;
  /** How long a write waits for other transactions' locks before it fails with ABORTED (default 2 s). */
  lockWaitMs?: number;
}

/** The official emulator's lock wait ("Transaction lock timeout." after 2 s) and idle expiry (60 s). */
const LOCK_WAIT_MS = 2_000;
const IDLE_TRANSACTION_MS = 60_000;

export async function startLocalFirestore(options: LocalFirestoreOptions = {}): Promise<LocalFirestore> {
  const host = options.host ?? "127.0.0.1";
  const store = new Store();
  const usage = new Usage();
  const transactions = new Transactions(store, {
    lockWaitMs: options.lockWaitMs ?? LOCK_WAIT_MS,
    idleMs: IDLE_TRANSACTION_MS,
  });
  const grpcServer = new grpc.Server({
    "grpc.max_receive_message_length": -1,
    "grpc.max_send_message_length": -1,
  });
  grpcServer.addService(
    measuringRequestSizes(firestoreService),
    createService(store, transactions, new ListenHub(store), usage),
  );
  const grpcPort = await new Promise<number>((resolve, reject) =>
    grpcServer.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) =>
      err ? reject(err) : resolve(port),
    ),
  );
  const frontDoor = await openFrontDoor(
    host,
    options.port ?? 0,
    grpcPort,
    httpApi(
      (project, database) => store.clear(`projects/${project}/databases/${database}/`),
      () => usage.snapshot(),
    ),
  ).catch((err: unknown) => {
    grpcServer.forceShutdown();
    transactions.close();
    throw err;
  });
  const port = (frontDoor.server.address() as { port: number }).port;

  return {
    host,
    port,
    address: `${host}:${port}`,
    onDocumentChange(listener) {
      return store.onCommit((changes, commitTime) => {
        for (const { name, before, after } of changes) {
          listener({
            name,
            before: before ? toDocumentProto(before) : null,
            after: after ? toDocumentProto(after) : null,
            commitTime: toTimestamp(commitTime),
          });
        }
      });
    },
    clear(projectId) {
      store.clear(projectId === undefined ? "" : `projects/${projectId}/`);
    },
    usage: () => usage.snapshot(),
    async close() {
      transactions.close();
      await frontDoor.close();
      grpcServer.forceShutdown();
    },
  };
}
