import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { onExitOrHide, type ExitHookHost } from "../src/exit-hooks";

function fakeBrowser() {
  const listeners = new Map<string, Set<() => void>>();
  const on = (type: string, fn: () => void) =>
    void (listeners.get(type) ?? listeners.set(type, new Set()).get(type)!).add(fn);
  const off = (type: string, fn: () => void) => void listeners.get(type)?.delete(fn);
  const host = {
    document: { visibilityState: "visible", addEventListener: on, removeEventListener: off },
    addEventListener: on,
    removeEventListener: off,
  } satisfies ExitHookHost;
  const fire = (type: string) => listeners.get(type)?.forEach((fn) => fn());
  const count = () => [...listeners.values()].reduce((n, s) => n + s.size, 0);
  return { host, fire, count };
}

describe("sdk: flush on exit and page hide", () => {
  it("in a browser: flushes when the page becomes hidden and on pagehide, and the hooks come off", () => {
    const browser = fakeBrowser();
    let flushes = 0;
    const remove = onExitOrHide(() => flushes++, browser.host);
    browser.fire("visibilitychange");
    assert.equal(flushes, 0, "becoming visible is no reason to flush");
    browser.host.document.visibilityState = "hidden";
    browser.fire("visibilitychange");
    browser.fire("pagehide");
    assert.equal(flushes, 2);
    remove();
    assert.equal(browser.count(), 0);
  });

  it("in Node: flushes on beforeExit, and the hook comes off", () => {
    const added: Array<[string, () => void]> = [];
    const host: ExitHookHost = {
      process: {
        on: (event, fn) => added.push([event, fn]),
        off: (event, fn) =>
          added.splice(
            added.findIndex((a) => a[0] === event && a[1] === fn),
            1,
          ),
      },
    };
    let flushes = 0;
    const remove = onExitOrHide(() => flushes++, host);
    assert.deepEqual(
      added.map(([event]) => event),
      ["beforeExit"],
    );
    added[0]![1]();
    assert.equal(flushes, 1);
    remove();
    assert.equal(added.length, 0);
  });

  it("a Node script that ends without shutdown() still delivers every trace", async function () {
    this.timeout(20_000);
    const script = resolve(__dirname, "fixtures/exit-without-shutdown.ts");
    const stdout = await new Promise<string>((done, fail) => {
      execFile(process.execPath, ["--import", "tsx", script], { timeout: 15_000 }, (error, out, err) =>
        error ? fail(new Error(`${error.message}\n${err}`)) : done(out),
      );
    });
    assert.deepEqual(
      stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line)),
      [["first", "second"], ["third"]],
    );
  });
});
