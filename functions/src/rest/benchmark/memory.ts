/**
 * Memory benchmark: bytes allocated and touched (every byte written) per second. Chunks go through a
 * small ring, so the garbage collector reclaims them as it would real short-lived buffers while no more
 * than RING_CHUNKS x chunk bytes are ever held.
 */
import { perSecond, runFor } from "./timed-loop";

export const MEMORY_CHUNK_BYTES = 1 << 20;
/** Chunks allocated per slice (between yields). */
export const CHUNKS_PER_SLICE = 8;
/** Chunks kept alive at once: 8 MiB at the default chunk size. */
export const RING_CHUNKS = 8;

/** Allocates `bytes` and writes every one of them. */
export function allocateAndTouch(bytes: number, stamp: number): Uint8Array {
  return new Uint8Array(bytes).fill(stamp & 0xff);
}

export async function memoryBenchmark(
  durationSeconds: number,
  now: () => number,
  chunkBytes = MEMORY_CHUNK_BYTES,
) {
  const ring: Uint8Array[] = new Array<Uint8Array>(RING_CHUNKS);
  let allocated = 0;
  const run = await runFor(durationSeconds * 1000, now, () => {
    for (let i = 0; i < CHUNKS_PER_SLICE; i++) {
      ring[allocated % RING_CHUNKS] = allocateAndTouch(chunkBytes, allocated);
      allocated += 1;
    }
    return CHUNKS_PER_SLICE * chunkBytes;
  });
  const bytesPerSecond = perSecond(run.units, run.elapsedMs);
  return {
    elapsedMs: run.elapsedMs,
    result: bytesPerSecond,
    details: { bytes_allocated: run.units, bytes_per_second: bytesPerSecond, chunk_bytes: chunkBytes },
  };
}
