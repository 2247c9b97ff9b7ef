// gRPC handlers for google.firestore.v1.Firestore. Handlers translate requests into store,
// query and transaction calls; every thrown RpcError becomes the call's status.
import { randomBytes } from "crypto";
import { Metadata } from "@grpc/grpc-js";
import type * as grpc from "@grpc/grpc-js";
import type {
  Aggregation,
  ConsistencySelector,
  DocumentMask,
  StructuredQuery,
  TransactionOptions,
  Write,
} from "./proto";
import { aggregate, aggregatedFields } from "./aggregation";
import { toDocumentProto } from "./document";
import type { StoredDocument } from "./document";
import { invalidArgument, toServiceError, unimplemented } from "./errors";
import { parseFieldPath, projectFields } from "./field-paths";
import type { ListenHub, ListenRequest } from "./listen";
import { assertDocumentName, assertParentName, compareNames, compareUtf8, databaseOf } from "./names";
import { inScope, parseQuery, project, runQuery } from "./query";
import type { CommitOutcome, Store } from "./store";
import { toTimestamp } from "./time";
import type { Transaction, Transactions } from "./transactions";
import { assertRequestSize } from "./request-size";
import type { Usage } from "./usage";
import { writeTarget } from "./writes";

type Unary<Req> = (call: grpc.ServerUnaryCall<Req, object>, callback: grpc.sendUnaryData<object>) => void;
type ServerStream<Req> = (call: grpc.ServerWritableStream<Req, object>) => void;

function unary<Req extends object>(handler: (request: Req) => object | Promise<object>): Unary<Req> {
  return (call, callback) => {
    (async () => {
      assertRequestSize(call.request);
      return handler(call.request);
    })().then(
      (response) => callback(null, response),
      (err: unknown) => callback(toServiceError(err)),
    );
  };
}

/**
 * Response headers go out first, as from Firestore: the client library treats an error that
 * arrives before any headers as "no response" and silently retries it with backoff (seconds).
 */
function serverStream<Req extends object>(
  handler: (request: Req, write: (response: object) => void) => Promise<void>,
): ServerStream<Req> {
  return (call) => {
    call.sendMetadata(new Metadata());
    (async () => {
      assertRequestSize(call.request);
      await handler(call.request, (response) => call.write(response));
    })().then(
      () => call.end(),
      (err: unknown) => call.emit("error", toServiceError(err)),
    );
  };
}

interface ReadRequest extends ConsistencySelector {
  mask?: DocumentMask;
}

/**
 * Resolves a read's consistency selector. A transaction begun by this read (new_transaction) is
 * returned as `begun` so its id goes into the first response, and is ended if the read fails.
 */
class ReadContext {
  readonly txn: Transaction | undefined;
  readonly begun: Buffer | undefined;

  constructor(transactions: Transactions, database: string, selector: ConsistencySelector) {
    rejectReadTime(selector);
    if (selector.newTransaction) {
      this.txn = transactions.begin(database, selector.newTransaction);
      this.begun = this.txn.id;
    } else if (selector.transaction?.length) {
      this.txn = transactions.find(database, selector.transaction);
    }
  }
}

export function createService(
  store: Store,
  transactions: Transactions,
  listen: ListenHub,
  usage: Usage,
): grpc.UntypedServiceImplementation {
  const commitResponse = (outcome: CommitOutcome) => ({
    writeResults: outcome.results.map((r) => ({
      updateTime: r.updateTime === undefined ? undefined : toTimestamp(r.updateTime),
      transformResults: r.transformResults,
    })),
    commitTime: toTimestamp(outcome.commitTime),
  });

  const checkWrites = (database: string, writes: Write[]) => {
    for (const write of writes) {
      if (databaseOf(writeTarget(write)) !== database)
        throw invalidArgument(`${writeTarget(write)} is not in ${database}`);
    }
  };

  /** Runs `read` in the request's consistency context; a transaction begun here is rolled back on failure. */
  async function withReadContext<T>(
    database: string,
    request: ConsistencySelector,
    read: (ctx: ReadContext) => Promise<T>,
  ): Promise<T> {
    const ctx = new ReadContext(transactions, database, request);
    try {
      return await read(ctx);
    } catch (err) {
      if (ctx.begun) transactions.rollback(database, ctx.begun);
      throw err;
    }
  }

  function queryDocuments(
    ctx: ReadContext,
    parent: string,
    structuredQuery: StructuredQuery | undefined,
    aggregations: Aggregation[] = [],
  ) {
    if (!structuredQuery) throw invalidArgument("structured_query is required");
    const query = parseQuery(parent, structuredQuery, aggregatedFields(aggregations));
    const run = () => runQuery(store, query);
    return {
      query,
      docs: ctx.txn ? transactions.readQuery(ctx.txn, (name) => inScope(query, name), run) : run(),
    };
  }

  return {
    BatchGetDocuments: serverStream<ReadRequest & { database: string; documents?: string[] }>(
      async (request, write) => {
        const names = (request.documents ?? []).map(assertDocumentName);
        for (const name of names)
          if (databaseOf(name) !== request.database)
            throw invalidArgument(`${name} is not in ${request.database}`);
        const mask = request.mask ? (request.mask.fieldPaths ?? []).map(parseFieldPath) : undefined;
        await withReadContext(request.database, request, async (ctx) => {
          const docs = ctx.txn ? transactions.readDocuments(ctx.txn, names) : names.map((n) => store.get(n));
          usage.lookup(names.length);
          const readTime = toTimestamp(store.clock.now());
          let transaction = ctx.begun;
          docs.forEach((doc, i) => {
            const result = doc
              ? { found: toDocumentProto(doc, mask ? projectFields(doc.fields, mask) : doc.fields) }
              : { missing: names[i] };
            write({ ...result, readTime, transaction });
            transaction = undefined;
          });
          if (transaction) write({ readTime, transaction });
        });
      },
    ),

    RunQuery: serverStream<ConsistencySelector & { parent: string; structuredQuery?: StructuredQuery }>(
      async (request, write) => {
        const parent = assertParentName(request.parent);
        await withReadContext(databaseOf(parent), request, async (ctx) => {
          const { query, docs } = queryDocuments(ctx, parent, request.structuredQuery);
          usage.query(docs.length);
          const readTime = toTimestamp(store.clock.now());
          let transaction = ctx.begun;
          for (const doc of docs) {
            write({ document: toDocumentProto(doc, project(query, doc.fields)), readTime, transaction });
            transaction = undefined;
          }
          if (docs.length === 0) write({ readTime, transaction });
        });
      },
    ),

    RunAggregationQuery: serverStream<
      ConsistencySelector & {
        parent: string;
        structuredAggregationQuery?: { structuredQuery?: StructuredQuery; aggregations?: Aggregation[] };
      }
    >(async (request, write) => {
      const parent = assertParentName(request.parent);
      const aggregationQuery = request.structuredAggregationQuery;
      await withReadContext(databaseOf(parent), request, async (ctx) => {
        const aggregations = aggregationQuery?.aggregations ?? [];
        const { docs } = queryDocuments(ctx, parent, aggregationQuery?.structuredQuery, aggregations);
        usage.aggregation(docs.length);
        write({
          result: { aggregateFields: aggregate(aggregations, docs) },
          readTime: toTimestamp(store.clock.now()),
          transaction: ctx.begun,
        });
      });
    }),

    BeginTransaction: unary<{ database: string; options?: TransactionOptions }>((request) => ({
      transaction: transactions.begin(request.database, request.options).id,
    })),

    Commit: unary<{ database: string; writes?: Write[]; transaction?: Uint8Array }>(async (request) => {
      const writes = request.writes ?? [];
      checkWrites(request.database, writes);
      const outcome = request.transaction?.length
        ? await transactions.commit(transactions.find(request.database, request.transaction), writes)
        : await transactions.write(writes);
      usage.writes(writes.length);
      return commitResponse(outcome);
    }),

    Rollback: unary<{ database: string; transaction?: Uint8Array }>((request) => {
      transactions.rollback(request.database, request.transaction ?? Buffer.alloc(0));
      return {};
    }),

    // Non-atomic: each write is its own commit with its own status (BulkWriter), one after another.
    BatchWrite: unary<{ database: string; writes?: Write[] }>(async (request) => {
      const writes = request.writes ?? [];
      checkWrites(request.database, writes);
      const writeResults: object[] = [];
      const status: object[] = [];
      for (const write of writes) {
        try {
          writeResults.push(commitResponse(await transactions.write([write])).writeResults[0]!);
          usage.writes(1);
          status.push({ code: 0 });
        } catch (err) {
          const error = toServiceError(err);
          writeResults.push({});
          status.push({ code: error.code, message: error.details });
        }
      }
      return { writeResults, status };
    }),

    ListDocuments: unary<
      ConsistencySelector & {
        parent: string;
        collectionId?: string;
        pageSize?: number;
        pageToken?: string;
        mask?: DocumentMask;
        showMissing?: boolean;
      }
    >((request) => {
      const parent = assertParentName(request.parent);
      rejectReadTime(request);
      const collection = `${parent}/${request.collectionId ?? ""}`;
      const docs = new Map<string, StoredDocument | undefined>();
      for (const doc of store.collection(collection)) docs.set(doc.name, doc);
      // show_missing: also documents that do not exist but have subcollections.
      if (request.showMissing) {
        for (const path of store.collectionsBelow(collection)) {
          const name = `${collection}/${path.slice(collection.length + 1).split("/")[0]}`;
          if (!docs.has(name)) docs.set(name, undefined);
        }
      }
      const mask = request.mask ? (request.mask.fieldPaths ?? []).map(parseFieldPath) : undefined;
      const names = [...docs.keys()].sort(compareNames);
      const page = paginate(names, request.pageToken, request.pageSize, compareNames);
      usage.query(page.items.length);
      return {
        documents: page.items.map((name) => {
          const doc = docs.get(name);
          return doc ? toDocumentProto(doc, mask ? projectFields(doc.fields, mask) : doc.fields) : { name };
        }),
        nextPageToken: page.nextPageToken,
      };
    }),

    ListCollectionIds: unary<ConsistencySelector & { parent: string; pageSize?: number; pageToken?: string }>(
      (request) => {
        const parent = assertParentName(request.parent);
        rejectReadTime(request);
        const ids = new Set<string>();
        for (const path of store.collectionsBelow(parent))
          ids.add(path.slice(parent.length + 1).split("/")[0]!);
        const page = paginate([...ids].sort(compareUtf8), request.pageToken, request.pageSize, compareUtf8);
        return { collectionIds: page.items, nextPageToken: page.nextPageToken };
      },
    ),

    Listen: ((call) => listen.handle(call)) satisfies grpc.handleBidiStreamingCall<ListenRequest, object>,

    // The Write stream (used by the web / mobile SDKs): a handshake request without writes opens it,
    // then every request is one atomic commit answered in order. A failed commit ends the stream.
    Write: ((call) => {
      call.sendMetadata(new Metadata());
      let database: string | undefined;
      let token = 0;
      const streamToken = () => Buffer.from(String(++token));
      const handle = async (request: { database?: string; writes?: Write[] }) => {
        assertRequestSize(request);
        if (database === undefined) {
          database = request.database ?? "";
          call.write({ streamId: randomBytes(8).toString("hex"), streamToken: streamToken() });
          return;
        }
        const writes = request.writes ?? [];
        checkWrites(database, writes);
        call.write({ streamToken: streamToken(), ...commitResponse(await transactions.write(writes)) });
        usage.writes(writes.length);
      };
      // Commits may wait for locks: requests are handled one after another, in order.
      let failed = false;
      let queue = Promise.resolve();
      call.on("data", (request: { database?: string; writes?: Write[] }) => {
        queue = queue.then(() =>
          failed
            ? undefined
            : handle(request).catch((err: unknown) => {
                failed = true;
                call.emit("error", toServiceError(err));
              }),
        );
      });
      call.on("end", () => {
        queue = queue.then(() => {
          call.end();
        });
      });
    }) satisfies grpc.handleBidiStreamingCall<{ database?: string; writes?: Write[] }, object>,
  };
}

function rejectReadTime(selector: ConsistencySelector): void {
  if (selector.readTime) {
    throw unimplemented(
      "local-firestore keeps no history: point-in-time reads (read_time) are not supported.",
    );
  }
}

/** Page tokens are the last item of the previous page. */
function paginate(
  sorted: string[],
  token: string | undefined,
  size: number | undefined,
  compare: (a: string, b: string) => number,
) {
  const rest = token ? sorted.filter((item) => compare(item, token) > 0) : sorted;
  if (!size || rest.length <= size) return { items: rest, nextPageToken: "" };
  const items = rest.slice(0, size);
  return { items, nextPageToken: items[items.length - 1]! };
}
