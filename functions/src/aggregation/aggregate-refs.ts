/** The aggregate collections of one Firestore, each with its converter. */
import type { Firestore } from "firebase-admin/firestore";
import { COLLECTIONS } from "../firestore";
import {
  storedFoldConverter,
  storedNameRegistryConverter,
  storedNameRollupConverter,
  storedRollupConverter,
  storedShardConverter,
} from "../stored/aggregates";
import { storedSlowOperationConverter } from "../stored/slow-operations";

export function aggregateRefs(db: Firestore) {
  return {
    shards: db.collection(COLLECTIONS.aggregateShards).withConverter(storedShardConverter),
    rollups: db.collection(COLLECTIONS.aggregateRollups).withConverter(storedRollupConverter),
    nameRollups: db.collection(COLLECTIONS.nameRollups).withConverter(storedNameRollupConverter),
    folds: db.collection(COLLECTIONS.aggregateFolds).withConverter(storedFoldConverter),
    registry: db.collection(COLLECTIONS.nameRegistry).withConverter(storedNameRegistryConverter),
    slowOps: db.collection(COLLECTIONS.slowOperations).withConverter(storedSlowOperationConverter),
  };
}

export type AggregateRefs = ReturnType<typeof aggregateRefs>;
