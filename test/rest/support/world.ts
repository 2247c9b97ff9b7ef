/**
 * The in-process REST API: the real handler (createApiHandler with the production services) behind
 * onRequest on a real Node server, against the Firestore of test/support/firestore.ts, with stand-in
 * ID tokens for the callables' test users.
 */
import type { DocumentSnapshot } from "firebase-admin/firestore";
import { adminDb } from "../../support/firestore";
import { admin, alice, bob, fft, type Caller } from "../../../functions/test/helpers";
import * as fns from "../../../functions/src/index";
import { COLLECTIONS } from "../../../functions/src/firestore";
import { defaultApiDeps } from "../../../functions/src/rest";
import { services } from "../../../functions/src/services";
import { apiConfigFromEnv, type ApiConfig } from "../../../functions/src/rest/config";
import { createApiHandler, type ApiDeps } from "../../../functions/src/rest/handler";
import { RATE_LIMITS_COLLECTION } from "../../../functions/src/rest/rate-limit";
import { BENCHMARK_SCRATCH_COLLECTION } from "../../../functions/src/rest/benchmark/firestore";
import { serve, type Served } from "./serve";
import { fakeToken, fakeVerifier } from "./tokens";

export const tokens = {
  alice: fakeToken(alice.uid),
  bob: fakeToken(bob.uid),
  admin: fakeToken(admin.uid, { admin: true }),
};
export { admin, alice, bob };

export function testConfig(env: Record<string, string> = {}): ApiConfig {
  // A high default limit: only the rate-limit tests should ever meet it.
  return apiConfigFromEnv({ API_RATE_LIMIT: "100000", ...env });
}

export function testDeps(overrides: Partial<ApiDeps> = {}, env: Record<string, string> = {}): ApiDeps {
  return {
    ...defaultApiDeps(services),
    verifyIdToken: fakeVerifier,
    config: () => testConfig(env),
    ...overrides,
  };
}

export function serveApi(
  overrides: Partial<ApiDeps> = {},
  env: Record<string, string> = {},
): Promise<Served> {
  return serve(createApiHandler(testDeps(overrides, env)));
}

/** Every collection the REST API writes to itself (the triggers write aggregates elsewhere, later). */
export const REST_WRITTEN_COLLECTIONS = [
  COLLECTIONS.traces,
  COLLECTIONS.traceBatches,
  COLLECTIONS.config,
  COLLECTIONS.quotas,
  RATE_LIMITS_COLLECTION,
  BENCHMARK_SCRATCH_COLLECTION,
];

export async function restWrittenDocuments(): Promise<Record<string, number>> {
  const counts = await Promise.all(
    REST_WRITTEN_COLLECTIONS.map(
      async (c) => [c, (await adminDb().collection(c).count().get()).data().count] as const,
    ),
  );
  return Object.fromEntries(counts);
}

/** Delivers the created-trigger for each chunk of a stored batch, as the platform would. */
export async function aggregateBatch(batchId: string, caller: Caller): Promise<void> {
  const snap = await adminDb()
    .collection(COLLECTIONS.traceBatches)
    .where("batch_id", "==", batchId)
    .where("owner_uid", "==", caller.uid)
    .get();
  const deliver = fft.wrap(fns.aggregateTraceBatch) as unknown as (e: {
    data: DocumentSnapshot;
    params: Record<string, string>;
  }) => Promise<void>;
  for (const chunk of snap.docs) await deliver({ data: chunk, params: { chunkId: chunk.id } });
}
