// A bare gRPC client of the Firestore v1 API, for what firebase-admin cannot express or validates
// before sending (nested depth, transforms with array elements), and for calls the Admin SDK would
// retry (ABORTED commits).
import { randomBytes } from "crypto";
import * as grpc from "@grpc/grpc-js";
import { firestoreService } from "../src/proto";
import { PROJECT_ID } from "./harness";

export const DATABASE = `projects/${PROJECT_ID}/databases/(default)`;
export const ROOT = `${DATABASE}/documents`;

export type Raw = Record<string, unknown>;

/** A fresh collection's full name. */
export const rawCollection = (label: string) => `${ROOT}/${label}-${randomBytes(4).toString("hex")}`;

export interface RawClient {
  call(method: string, request: Raw): Promise<Raw>;
  batchGet(request: Raw): Promise<Raw[]>;
  commit(writes: Raw[], transaction?: Uint8Array): Promise<Raw>;
  beginTransaction(): Promise<Buffer>;
  close(): void;
}

export function rawClient(host: string): RawClient {
  const Client = grpc.makeGenericClientConstructor(firestoreService, "Firestore");
  const client = new Client(host, grpc.credentials.createInsecure()) as grpc.Client &
    Record<string, (...args: unknown[]) => unknown>;
  // The emulators treat "Bearer owner" as an admin credential (no security rules).
  const metadata = new grpc.Metadata();
  metadata.set("authorization", "Bearer owner");
  const call = (method: string, request: Raw): Promise<Raw> =>
    new Promise((resolve, reject) =>
      client[method]!(request, metadata, (err: Error | null, response: Raw) =>
        err ? reject(err) : resolve(response),
      ),
    );
  return {
    call,
    batchGet: (request) =>
      new Promise((resolve, reject) => {
        const out: Raw[] = [];
        const stream = client.BatchGetDocuments!(request, metadata) as grpc.ClientReadableStream<Raw>;
        stream.on("data", (d: Raw) => out.push(d));
        stream.on("error", reject);
        stream.on("end", () => resolve(out));
      }),
    commit: (writes, transaction) => call("Commit", { database: DATABASE, writes, transaction }),
    beginTransaction: async () =>
      (await call("BeginTransaction", { database: DATABASE, options: { readWrite: {} } }))
        .transaction as Buffer,
    close: () => client.close(),
  };
}
