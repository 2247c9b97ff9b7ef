/**
 * The SDK in browsers: the browser example bundles with esbuild for the browser platform, which fails
 * on any Node built-in, and the SDK's own code stays small.
 */
import assert from "node:assert/strict";
import { build } from "esbuild";
import { bundleOptions } from "../../examples/browser/build";

describe("sdk: browser bundle (examples/browser)", function () {
  this.timeout(60_000);

  it("bundles for the browser with no Node built-in, the SDK's own code under 20 KB minified", async () => {
    const result = await build({
      ...bundleOptions,
      write: false,
      metafile: true,
      minify: true,
      sourcemap: false,
      logLevel: "silent",
    });
    assert.deepEqual(result.errors, []);
    const output = Object.values(result.metafile.outputs)[0]!;
    const inputs = Object.keys(output.inputs);
    assert.ok(
      !inputs.some((file) => file.startsWith("node:") || /^(fs|path|http|crypto|async_hooks)$/.test(file)),
      inputs.join("\n"),
    );
    const sdkBytes = Object.entries(output.inputs)
      .filter(([file]) => file.includes("packages/sdk/src/"))
      .reduce((n, [, info]) => n + info.bytesInOutput, 0);
    assert.ok(sdkBytes > 0 && sdkBytes < 20_000, `SDK code: ${sdkBytes} bytes`);
  });
});
