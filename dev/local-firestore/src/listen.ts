// The Listen stream behind onSnapshot. A target's initial state is ADD, its documents, CURRENT,
// then a global NO_CHANGE with a read time (the client emits a snapshot on that). After each commit
// only the changed documents are tested against each target; only a query with limit or offset
// (whose window depends on other documents) is re-run, and only when a change touches it.
import type * as grpc from "@grpc/grpc-js";
import type { StructuredQuery, Timestamp } from "./proto";
import type { CommittedChange, Store } from "./store";
import { type StoredDocument, toDocumentProto } from "./document";
import { RpcError, toServiceError, invalidArgument } from "./errors";
import { type Query, matches, parseQuery, project, runQuery } from "./query";
import { assertDocumentName, assertParentName, databaseOf } from "./names";
import { type Micros, toTimestamp } from "./time";

export interface ListenRequest {
  database: string;
  addTarget?: {
    targetId?: number;
    documents?: { documents?: string[] };
    query?: { parent: string; structuredQuery?: StructuredQuery };
    resumeToken?: Uint8Array;
    readTime?: Timestamp;
  };
  removeTarget?: number;
}

type Send = (response: object) => void;

interface Target {
  /** Sends what `changes` did to this target; true if anything was sent. */
  apply(changes: CommittedChange[], readTime: Micros): boolean;
}

/** One Listen call: its targets and how to write to it. */
interface Stream {
  targets: Map<number, Target>;
  send: Send;
}

export class ListenHub {
  private readonly streams = new Set<Stream>();

  constructor(private readonly store: Store) {
    store.onCommit((changes, commitTime) => this.publish(changes, commitTime));
  }

  handle(call: grpc.ServerDuplexStream<ListenRequest, object>): void {
    const stream: Stream = {
      targets: new Map(),
      send: (response) => {
        if (!call.cancelled && call.writable) call.write(response);
      },
    };
    this.streams.add(stream);
    const close = () => this.streams.delete(stream);
    call.on("data", (request: ListenRequest) => {
      try {
        this.onRequest(request, stream);
      } catch (err) {
        close();
        call.emit("error", toServiceError(err));
      }
    });
    call.on("end", () => {
      close();
      call.end();
    });
    call.on("cancelled", close);
    call.on("error", close);
  }

  private onRequest(request: ListenRequest, { targets, send }: Stream): void {
    if (request.removeTarget !== undefined) {
      targets.delete(request.removeTarget);
      send({ targetChange: { targetChangeType: "REMOVE", targetIds: [request.removeTarget] } });
      return;
    }
    const add = request.addTarget;
    if (!add) return;
    const id = add.targetId ?? 0;
    const readTime = this.store.clock.now();
    send({ targetChange: { targetChangeType: "ADD", targetIds: [id] } });
    // Resuming: we keep no history, so replace the client's state with the full current one.
    if (add.resumeToken?.length || add.readTime)
      send({ targetChange: { targetChangeType: "RESET", targetIds: [id] } });
    let target: Target;
    if (add.documents) {
      const names = (add.documents.documents ?? []).map(assertDocumentName);
      for (const name of names)
        if (databaseOf(name) !== request.database)
          throw invalidArgument(`${name} is not in ${request.database}`);
      target = documentsTarget(this.store, id, new Set(names), send);
    } else if (add.query?.structuredQuery) {
      const parent = assertParentName(add.query.parent);
      if (databaseOf(parent) !== request.database)
        throw invalidArgument(`${parent} is not in ${request.database}`);
      let query: Query;
      try {
        query = parseQuery(parent, add.query.structuredQuery);
      } catch (err) {
        // Like the official emulator: a query it cannot run removes that target, with the reason;
        // the stream and its other targets go on.
        if (!(err instanceof RpcError)) throw err;
        send({
          targetChange: {
            targetChangeType: "REMOVE",
            targetIds: [id],
            cause: { code: err.code, message: err.message },
          },
        });
        return;
      }
      target = queryTarget(this.store, id, query, send);
    } else {
      throw invalidArgument("A target needs documents or a query");
    }
    targets.set(id, target);
    send({ targetChange: { targetChangeType: "CURRENT", targetIds: [id], readTime: toTimestamp(readTime) } });
    send(consistentAt(readTime));
  }

  private publish(changes: CommittedChange[], commitTime: Micros): void {
    for (const { targets, send } of this.streams) {
      let sent = false;
      for (const target of targets.values()) sent = target.apply(changes, commitTime) || sent;
      if (sent) send(consistentAt(commitTime));
    }
  }
}

/** "All targets are consistent as of readTime": the client emits its snapshot on this. */
function consistentAt(readTime: Micros): object {
  const resumeToken = Buffer.alloc(8);
  resumeToken.writeBigUInt64BE(BigInt(readTime));
  return {
    targetChange: {
      targetChangeType: "NO_CHANGE",
      targetIds: [],
      readTime: toTimestamp(readTime),
      resumeToken,
    },
  };
}

function documentsTarget(store: Store, id: number, names: Set<string>, send: Send): Target {
  for (const name of names) {
    const doc = store.get(name);
    if (doc) send({ documentChange: { document: toDocumentProto(doc), targetIds: [id] } });
  }
  return {
    apply(changes, readTime) {
      let sent = false;
      for (const { name, after } of changes) {
        if (!names.has(name)) continue;
        sent = true;
        if (after) send({ documentChange: { document: toDocumentProto(after), targetIds: [id] } });
        else
          send({
            documentDelete: { document: name, removedTargetIds: [id], readTime: toTimestamp(readTime) },
          });
      }
      return sent;
    },
  };
}

function queryTarget(store: Store, id: number, query: Query, send: Send): Target {
  /** Documents the client holds for this target, with the update time it has. */
  const members = new Map<string, Micros>();
  const added = (doc: StoredDocument) => {
    members.set(doc.name, doc.updateTime);
    send({ documentChange: { document: toDocumentProto(doc, project(query, doc.fields)), targetIds: [id] } });
  };
  const removed = (name: string, readTime: Micros) => {
    members.delete(name);
    const kind = store.get(name) ? "documentRemove" : "documentDelete";
    send({ [kind]: { document: name, removedTargetIds: [id], readTime: toTimestamp(readTime) } });
  };
  for (const doc of runQuery(store, query)) added(doc);

  const windowed = query.limit !== undefined || query.offset > 0;
  return {
    apply(changes, readTime) {
      if (windowed) {
        const touched = changes.some(
          (c) => members.has(c.name) || (c.after !== undefined && matches(query, c.after)),
        );
        if (!touched) return false;
        const result = runQuery(store, query);
        const inResult = new Set(result.map((d) => d.name));
        let sent = false;
        for (const name of [...members.keys()]) {
          if (!inResult.has(name)) {
            removed(name, readTime);
            sent = true;
          }
        }
        for (const doc of result) {
          if (members.get(doc.name) !== doc.updateTime) {
            added(doc);
            sent = true;
          }
        }
        return sent;
      }
      let sent = false;
      for (const { name, after } of changes) {
        if (after && matches(query, after)) {
          added(after);
          sent = true;
        } else if (members.has(name)) {
          removed(name, readTime);
          sent = true;
        }
      }
      return sent;
    },
  };
}
