import assert from "node:assert/strict";
import { SampleBuffer } from "../src/sample-buffer";

const sample = (n: number) => ({ sampleId: `s${n}`, json: `{"sample_id":"s${n}"}` });
const ids = (buffer: SampleBuffer) => buffer.oldest(buffer.capacity).map((s) => s.sampleId);

describe("agent sample buffer", () => {
  it("keeps samples oldest first and hands out the oldest without removing them", () => {
    const buffer = new SampleBuffer(5);
    for (let n = 1; n <= 3; n++) assert.equal(buffer.add(sample(n)), 0);
    assert.deepEqual(
      buffer.oldest(2).map((s) => s.sampleId),
      ["s1", "s2"],
    );
    assert.equal(buffer.size, 3);
  });

  it("drops the oldest when full, and counts every drop", () => {
    const buffer = new SampleBuffer(3);
    const dropped = [1, 2, 3, 4, 5].map((n) => buffer.add(sample(n)));
    assert.deepEqual(dropped, [0, 0, 0, 1, 1]);
    assert.deepEqual(ids(buffer), ["s3", "s4", "s5"]);
    assert.equal(buffer.dropped, 2);
  });

  it("removes a stored batch by id, even when overflow took part of it meanwhile", () => {
    const buffer = new SampleBuffer(3);
    [1, 2, 3].forEach((n) => buffer.add(sample(n)));
    const batch = buffer.oldest(2);
    buffer.add(sample(4)); // s1 overflows while the batch is in flight
    buffer.remove(batch);
    assert.deepEqual(ids(buffer), ["s3", "s4"]);
    assert.equal(buffer.dropped, 1);
  });

  it("counts a refused batch as dropped", () => {
    const buffer = new SampleBuffer(10);
    [1, 2, 3].forEach((n) => buffer.add(sample(n)));
    assert.equal(buffer.drop(buffer.oldest(2)), 2);
    assert.deepEqual(ids(buffer), ["s3"]);
    assert.equal(buffer.dropped, 2);
    buffer.countDropped(1);
    assert.equal(buffer.dropped, 3);
  });

  it("holds samples as their JSON text, so a re-send is byte for byte the same", () => {
    const buffer = new SampleBuffer(2);
    buffer.add(sample(1));
    assert.equal(buffer.oldest(1)[0]?.json, buffer.oldest(1)[0]?.json);
    assert.equal(buffer.oldest(1)[0]?.json, '{"sample_id":"s1"}');
  });

  it("rejects a capacity below 1", () => {
    assert.throws(() => new SampleBuffer(0), RangeError);
    assert.throws(() => new SampleBuffer(1.5), RangeError);
  });
});
