/**
 * Headless Chromium for the browser tests: Debian's `chromium` package, installed with apt-get where it
 * is missing (the test machines have Debian package registries), driven by playwright-core through its
 * executable path. If it can be neither found nor installed the suite fails with the reason.
 */
import { execSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

function findChromium(): string | undefined {
  const onPath = spawnSync("sh", ["-c", "command -v chromium || command -v chromium-browser"], {
    encoding: "utf8",
  }).stdout.trim();
  return onPath || CANDIDATES.find(existsSync);
}

function installChromium(): void {
  const sudo = process.getuid?.() === 0 ? "" : "sudo -n ";
  console.log(
    "    (installing Debian's chromium for the browser tests: apt-get update && apt-get install -y chromium)",
  );
  execSync(`${sudo}apt-get update && ${sudo}apt-get install -y --no-install-recommends chromium`, {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
}

export async function launchChromium(): Promise<Browser> {
  let executablePath = process.env.AIDEON_CHROMIUM_PATH || findChromium();
  if (!executablePath) {
    try {
      installChromium();
    } catch (e) {
      throw new Error(
        `the dashboard tests need headless Chromium; it is not installed and apt-get could not install it (${(e as Error).message})`,
      );
    }
    executablePath = findChromium();
    if (!executablePath)
      throw new Error("apt-get install chromium finished but no chromium executable was found");
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: ["--no-sandbox", "--disable-dev-shm-usage"],
  });
}
