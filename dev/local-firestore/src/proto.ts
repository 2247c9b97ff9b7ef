// Loads the Firestore v1 service from the .proto files shipped with @google-cloud/firestore and
// describes, as TypeScript types, the plain objects proto-loader produces with the options below.
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";

const PROTO_ROOT = path.join(
  path.dirname(require.resolve("@google-cloud/firestore/package.json")),
  "build/protos",
);

// defaults:false keeps "field absent" distinguishable from "field = zero value" (oneofs, masks);
// arrays/objects:true still give empty repeated/map fields as [] / {}.
const definition = protoLoader.loadSync("google/firestore/v1/firestore.proto", {
  includeDirs: [PROTO_ROOT],
  longs: String,
  enums: String,
  defaults: false,
  arrays: true,
  objects: true,
  oneofs: false,
});

export const firestoreService = (
  grpc.loadPackageDefinition(definition) as unknown as {
    google: { firestore: { v1: { Firestore: grpc.ServiceClientConstructor } } };
  }
).google.firestore.v1.Firestore.service;

export interface Timestamp {
  seconds?: string | number;
  nanos?: number;
}

export interface Value {
  nullValue?: string | number;
  booleanValue?: boolean;
  integerValue?: string | number;
  doubleValue?: number;
  timestampValue?: Timestamp;
  stringValue?: string;
  bytesValue?: Uint8Array;
  referenceValue?: string;
  geoPointValue?: { latitude?: number; longitude?: number };
  arrayValue?: { values?: Value[] };
  mapValue?: { fields?: Fields };
}

export type Fields = Record<string, Value>;

export interface Document {
  name: string;
  fields: Fields;
  createTime?: Timestamp;
  updateTime?: Timestamp;
}

export interface DocumentMask {
  fieldPaths?: string[];
}

export interface Precondition {
  exists?: boolean;
  updateTime?: Timestamp;
}

export interface FieldTransform {
  fieldPath: string;
  setToServerValue?: string;
  increment?: Value;
  maximum?: Value;
  minimum?: Value;
  appendMissingElements?: { values?: Value[] };
  removeAllFromArray?: { values?: Value[] };
}

export interface Write {
  update?: Document;
  delete?: string;
  transform?: { document: string; fieldTransforms?: FieldTransform[] };
  updateMask?: DocumentMask;
  updateTransforms?: FieldTransform[];
  currentDocument?: Precondition;
}

export interface TransactionOptions {
  readOnly?: { readTime?: Timestamp };
  readWrite?: { retryTransaction?: Uint8Array };
}

export interface FieldReference {
  fieldPath: string;
}

export interface Filter {
  compositeFilter?: { op: string; filters?: Filter[] };
  fieldFilter?: { field: FieldReference; op: string; value: Value };
  unaryFilter?: { op: string; field: FieldReference };
}

export interface Order {
  field: FieldReference;
  direction?: string;
}

export interface Cursor {
  values?: Value[];
  before?: boolean;
}

export interface StructuredQuery {
  select?: { fields?: FieldReference[] };
  from?: { collectionId?: string; allDescendants?: boolean }[];
  where?: Filter;
  orderBy?: Order[];
  startAt?: Cursor;
  endAt?: Cursor;
  offset?: number;
  limit?: { value?: number };
  findNearest?: unknown;
}

export interface Aggregation {
  count?: { upTo?: { value?: string | number } };
  sum?: { field: FieldReference };
  avg?: { field: FieldReference };
  alias?: string;
}

/** The read-consistency fields shared by BatchGetDocuments, RunQuery and RunAggregationQuery. */
export interface ConsistencySelector {
  transaction?: Uint8Array;
  newTransaction?: TransactionOptions;
  readTime?: Timestamp;
}
