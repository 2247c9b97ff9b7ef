/**
 * Finding the official Firestore emulator: on made-up machines (fake `java` scripts, jars and SDK
 * folders in a temp dir) for the order of the search and its explanations, and on this machine's real
 * Java and gcloud component where it has them.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { discoverOfficialFirestore, SYSTEM_JDK_DIRS, type Machine } from "../../dev/stack/official-firestore";

const VERSION = "cloud-firestore-emulator 1.19.9";
const MAIN_CLASS = "com.google.cloud.datastore.emulator.firestore.CloudFirestore";

describe("official Firestore emulator discovery", () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(path.join(os.tmpdir(), "firestore-discovery-"))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** A JDK folder whose bin/java reports `major` and answers `-jar ... --version` like the emulator (or not). */
  function jdk(dir: string, major: number, emulatorStarts = true): string {
    mkdirSync(path.join(dir, "bin"), { recursive: true });
    const java = path.join(dir, "bin", "java");
    const version = `echo 'openjdk version "${major}.0.1" 2025-01-01' >&2`;
    const emulator = emulatorStarts ? `echo '${VERSION}'` : "exit 1";
    writeFileSync(java, `#!/bin/sh\nif [ "$1" = "-version" ]; then ${version}; else ${emulator}; fi\n`);
    chmodSync(java, 0o755);
    return dir;
  }
  function file(p: string, content = ""): string {
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, content);
    return p;
  }
  /** A gcloud SDK whose bin/ is on PATH, with the Firestore emulator component. */
  function gcloudSdk(): { bin: string; jar: string } {
    const sdk = path.join(root, "google-cloud-sdk");
    file(path.join(sdk, "bin", "gcloud"), "#!/bin/sh\n");
    return {
      bin: path.join(sdk, "bin"),
      jar: file(
        path.join(sdk, "platform", "cloud-firestore-emulator", "cloud-firestore-emulator.jar"),
        "jar",
      ),
    };
  }
  function machine(env: NodeJS.ProcessEnv, jdkDirs = [path.join(root, "jvm")]): Machine {
    return {
      env: { XDG_CACHE_HOME: path.join(root, "cache"), ...env },
      jdkDirs,
      home: path.join(root, "home"),
    };
  }

  it("takes the newest system JDK of 21+ when JAVA_HOME and PATH hold Java 17, and says why it passed them over", () => {
    const old = jdk(path.join(root, "old"), 17);
    jdk(path.join(root, "jvm", "java-21"), 21);
    const newest = jdk(path.join(root, "jvm", "temurin-25"), 25);
    const { bin } = gcloudSdk();
    const { found, passedOver } = discoverOfficialFirestore(
      machine({ JAVA_HOME: old, PATH: `${path.join(old, "bin")}:${bin}` }),
    );
    assert.equal(found?.java.java, path.join(newest, "bin", "java"));
    assert.equal(found?.java.major, 25);
    assert.ok(
      passedOver.includes(`java from JAVA_HOME: Java 17, the emulator needs 21+`),
      passedOver.join("\n"),
    );
    assert.equal(
      passedOver.filter((p) => p.startsWith("java from PATH")).length,
      0,
      "PATH's java is JAVA_HOME's: asked once",
    );
  });

  it("prefers JAVA_HOME's Java 21 to a newer system JDK, and PATH's to the system's", () => {
    const home21 = jdk(path.join(root, "home21"), 21);
    const path22 = jdk(path.join(root, "path22"), 22);
    jdk(path.join(root, "jvm", "temurin-25"), 25);
    const { bin } = gcloudSdk();
    assert.equal(
      discoverOfficialFirestore(machine({ JAVA_HOME: home21, PATH: `${path.join(path22, "bin")}:${bin}` }))
        .found?.java.from,
      "JAVA_HOME",
    );
    assert.equal(
      discoverOfficialFirestore(machine({ PATH: `${path.join(path22, "bin")}:${bin}` })).found?.java.from,
      "PATH",
    );
  });

  it("finds nothing without a Java 21+, naming every runtime it tried", () => {
    jdk(path.join(root, "jvm", "java-17"), 17);
    const { bin } = gcloudSdk();
    const { found, passedOver } = discoverOfficialFirestore(machine({ PATH: bin }));
    assert.equal(found, undefined);
    assert.ok(
      passedOver.some((p) => p.includes("java-17: Java 17")),
      passedOver.join("\n"),
    );
    assert.ok(
      passedOver.some((p) => p.startsWith("no Java 21+ runtime")),
      passedOver.join("\n"),
    );
  });

  it("takes firebase-tools' newest cached jar as it is, before a gcloud component", () => {
    jdk(path.join(root, "jvm", "temurin-25"), 25);
    const { bin } = gcloudSdk();
    const cache = path.join(root, "emulators");
    for (const v of ["1.9.0", "1.22.0", "1.19.9"])
      file(path.join(cache, `cloud-firestore-emulator-v${v}.jar`));
    const { found } = discoverOfficialFirestore(machine({ PATH: bin, FIREBASE_EMULATORS_PATH: cache }));
    assert.equal(found?.jarFrom, "firebase-tools cache");
    assert.equal(found?.binary, path.join(cache, "cloud-firestore-emulator-v1.22.0.jar"));
    assert.equal(found?.version, VERSION);
  });

  it("wraps the gcloud component's jar in a manifest-only jar in the cache folder, made once", () => {
    jdk(path.join(root, "jvm", "temurin-25"), 25);
    const { bin, jar } = gcloudSdk();
    const first = discoverOfficialFirestore(machine({ PATH: bin })).found!;
    assert.equal(first.jarFrom, "gcloud component");
    assert.equal(first.jar, jar);
    assert.ok(
      first.binary.startsWith(path.join(root, "cache", "aideon-perf", "firestore-emulator")),
      first.binary,
    );
    const wrapper = readFileSync(first.binary, "latin1"); // stored, so the manifest is there verbatim
    assert.match(
      wrapper,
      new RegExp(`Main-Class: ${MAIN_CLASS.replaceAll(".", "\\.")}\r\nClass-Path: ${jar}\r\n`),
    );
    const madeAt = statSync(first.binary).mtimeMs;
    assert.equal(discoverOfficialFirestore(machine({ PATH: bin })).found!.binary, first.binary);
    assert.equal(statSync(first.binary).mtimeMs, madeAt);
  });

  it("without a jar says where it looked", () => {
    jdk(path.join(root, "jvm", "temurin-25"), 25);
    const { found, passedOver } = discoverOfficialFirestore(machine({ PATH: "" }));
    assert.equal(found, undefined);
    assert.deepEqual(passedOver, [
      "firebase-tools cache: no cloud-firestore-emulator jar (`npx firebase setup:emulators:firestore` puts one there)",
      "gcloud: not on PATH (its cloud-firestore-emulator component would do)",
    ]);
  });

  it("passes over a jar that prints no version", () => {
    jdk(path.join(root, "jvm", "temurin-25"), 25, false);
    const { bin } = gcloudSdk();
    const { found, passedOver } = discoverOfficialFirestore(machine({ PATH: bin }));
    assert.equal(found, undefined);
    assert.match(passedOver.at(-1)!, /^gcloud component jar .*: does not start with Java 25/);
  });

  it("on this machine: the real emulator starts from the wrapper with the real Java (where both are installed)", function () {
    const real = discoverOfficialFirestore({
      env: { ...process.env, XDG_CACHE_HOME: path.join(root, "cache") },
      jdkDirs: SYSTEM_JDK_DIRS,
      home: os.homedir(),
    });
    if (!real.found) {
      console.log(`    (skipped: no official emulator here: ${real.passedOver.join("; ")})`);
      this.skip();
    }
    assert.match(real.found.version, /^cloud-firestore-emulator \d+\.\d+\.\d+$/);
    const help = spawnSync(real.found.java.java, ["-jar", real.found.binary, "--help"], {
      encoding: "utf8",
      timeout: 30_000,
    });
    assert.match(`${help.stdout}${help.stderr}`, /--single_project_mode/);
  });
});
