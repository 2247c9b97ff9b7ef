/**
 * Host metrics storage. A push is stored in one transaction: the host's hour documents of the time
 * series (samples keyed by sample_id, so a sample re-sent after a timeout is found and counted as a
 * duplicate) and the host's document with its latest sample. An agent pushes once per interval, so
 * each of these documents takes one write per interval at most: no hot document.
 */
import { Timestamp, type Firestore } from "firebase-admin/firestore";
import {
  DAY_MS,
  bucketKey,
  DEFAULT_AGENT_INTERVAL_SECONDS,
  HOUR_MS,
  type HostMetricsPushRequest,
  type HostSample,
} from "@aideon-perf/core";
import { COLLECTIONS } from "../firestore";
import { storedHostSeriesConverter } from "../stored/host-series";
import { storedHostConverter, type StoredHost } from "../stored/hosts";
import {
  clampSampleTime,
  estimateIntervalSeconds,
  isReporting,
  seriesPoint,
  type SeriesPoint,
} from "./system-metrics";
import { expireAt } from "../stored/expire-at";

/** How long a host's series is kept after its last write (TTL on expire_at). */
export const HOST_SERIES_RETENTION_DAYS = 8;

/** As read: the latest sample back in its wire form. */
export type HostDoc = Omit<StoredHost, "latest"> & { latest: HostSample };

function fromStored(stored: StoredHost): HostDoc {
  return {
    ...stored,
    latest: { ...stored.latest, timestamp: stored.latest.timestamp.toDate().toISOString() },
  };
}

const seriesId = (hostId: string, ms: number) => `${hostId}_${bucketKey("hour", ms)}`;

export function hostStore(db: Firestore) {
  const hosts = db.collection(COLLECTIONS.hosts).withConverter(storedHostConverter);
  const series = db.collection(COLLECTIONS.hostSeries).withConverter(storedHostSeriesConverter);

  return {
    async record(
      agentId: string,
      push: HostMetricsPushRequest,
      nowMs: number,
    ): Promise<{ accepted: number; duplicates: number }> {
      // Stored and bucketed by server-clamped times: an agent's clock picks no hour outside the skew.
      const clamps = push.samples.map((s) => clampSampleTime(s, nowMs));
      const samples = clamps.map((c) => c.sample);
      const clampedIds = new Set(clamps.filter((c) => c.clampedByMs !== 0).map((c) => c.sample.sample_id));
      const clampedByMs = clamps.reduce(
        (worst, c) => (Math.abs(c.clampedByMs) > Math.abs(worst) ? c.clampedByMs : worst),
        0,
      );
      const byHour = new Map<string, HostSample[]>();
      for (const sample of samples) {
        const id = seriesId(push.host_id, Date.parse(sample.timestamp));
        byHour.set(id, [...(byHour.get(id) ?? []), sample]);
      }
      return db.runTransaction(async (tx) => {
        const hostRef = hosts.doc(push.host_id);
        const refs = [...byHour.keys()].map((id) => series.doc(id));
        // One getAll over both collections (plain refs), each snapshot validated by its collection's converter.
        const [hostSnap, ...bucketSnaps] = await tx.getAll(
          ...[hostRef, ...refs].map((ref) => ref.withConverter(null)),
        );
        const stored = storedHostConverter.parse(hostSnap!);
        const host = stored && fromStored(stored);
        let accepted = 0;
        const fresh: HostSample[] = [];
        bucketSnaps.forEach((snap, i) => {
          const known = storedHostSeriesConverter.parse(snap)?.samples ?? {};
          // Own keys only: `"constructor" in {}` is true, which would drop a sample of that id as a duplicate.
          const added = byHour.get(refs[i]!.id)!.filter((s) => !Object.hasOwn(known, s.sample_id));
          if (added.length === 0) return;
          accepted += added.length;
          fresh.push(...added);
          const hourMs = Math.floor(Date.parse(added[0]!.timestamp) / HOUR_MS) * HOUR_MS;
          tx.set(
            refs[i]!,
            {
              host_id: push.host_id,
              hour: bucketKey("hour", hourMs),
              samples: Object.fromEntries(added.map((s) => [s.sample_id, seriesPoint(s)])),
              expire_at: expireAt(nowMs, HOST_SERIES_RETENTION_DAYS * DAY_MS),
            },
            { merge: true },
          );
        });
        const newest = fresh.reduce<HostSample | undefined>(
          (a, s) => (!a || Date.parse(s.timestamp) > Date.parse(a.timestamp) ? s : a),
          undefined,
        );
        const latest =
          host && newest && Date.parse(host.latest.timestamp) >= Date.parse(newest.timestamp)
            ? host.latest
            : (newest ?? host?.latest);
        const timestamps = [
          ...samples.map((s) => Date.parse(s.timestamp)),
          ...(host ? [Date.parse(host.latest.timestamp)] : []),
        ];
        tx.set(hostRef, {
          host_id: push.host_id,
          agent_id: agentId,
          last_seen: Timestamp.fromMillis(nowMs),
          interval_seconds: estimateIntervalSeconds(
            timestamps,
            host?.interval_seconds ?? DEFAULT_AGENT_INTERVAL_SECONDS,
          ),
          latest: { ...latest!, timestamp: Timestamp.fromMillis(Date.parse(latest!.timestamp)) },
          agent: push.agent,
          clamped_samples:
            (host?.clamped_samples ?? 0) + fresh.filter((s) => clampedIds.has(s.sample_id)).length,
          clamped_by_ms: clampedByMs,
        });
        return { accepted, duplicates: push.samples.length - accepted };
      });
    },

    async get(hostId: string): Promise<HostDoc | undefined> {
      const stored = (await hosts.doc(hostId).get()).data();
      return stored && fromStored(stored);
    },

    /** Every host: a monitoring project has tens or hundreds, read in one query. */
    async all(): Promise<HostDoc[]> {
      return (await hosts.get()).docs.map((d) => fromStored(d.data()));
    },

    /** The latest samples of hosts still reporting. */
    async reporting(nowMs: number): Promise<HostSample[]> {
      return (await this.all())
        .filter((h) => isReporting(h.last_seen.toMillis(), h.interval_seconds, nowMs))
        .map((h) => h.latest);
    },

    /** A host's series points from `sinceMs` on, oldest first: one document read per hour. */
    async series(hostId: string, sinceMs: number, nowMs: number): Promise<SeriesPoint[]> {
      const ids: string[] = [];
      for (let h = Math.floor(sinceMs / HOUR_MS) * HOUR_MS; h <= nowMs; h += HOUR_MS)
        ids.push(seriesId(hostId, h));
      // getAll's snapshots are untyped whatever the refs: each is validated by the collection's converter.
      const snaps = await db.getAll(...ids.map((id) => series.doc(id)));
      return snaps
        .flatMap((s) => Object.values(storedHostSeriesConverter.parse(s)?.samples ?? {}))
        .filter((p) => Date.parse(p.timestamp) >= sinceMs)
        .sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
    },
  };
}

export type HostStore = ReturnType<typeof hostStore>;
