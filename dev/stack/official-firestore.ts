/**
 * Finds the official Cloud Firestore emulator on this machine without downloading anything: a Java 21+
 * runtime (JAVA_HOME, PATH, then the system's installed JDKs) and an emulator jar (firebase-tools' own
 * cache, then the Google Cloud CLI component). The gcloud component's jar has no Main-Class, which
 * firebase-tools' `java -jar` needs, so a two-line wrapper jar is generated into a cache folder outside
 * the repo. Every candidate that was passed over is explained, for the start banner and test output.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, realpathSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** The emulator needs Java 21 or later (it refuses to start on 17). */
export const MIN_JAVA_MAJOR = 21;
const EMULATOR_MAIN_CLASS = "com.google.cloud.datastore.emulator.firestore.CloudFirestore";
const GCLOUD_JAR = path.join("platform", "cloud-firestore-emulator", "cloud-firestore-emulator.jar");
/** Where JDKs are installed by Debian/Ubuntu packages, RPM distributions and macOS. */
const SYSTEM_JDK_DIRS = ["/usr/lib/jvm", "/usr/java", "/Library/Java/JavaVirtualMachines"];

export interface JavaRuntime {
  /** the `java` executable */
  java: string;
  major: number;
  /** where it was found: "JAVA_HOME", "PATH" or the JDK folder */
  from: string;
}

export interface OfficialEmulator {
  java: JavaRuntime;
  /** the jar to hand firebase-tools (FIRESTORE_EMULATOR_BINARY_PATH); the wrapper for a gcloud jar */
  binary: string;
  /** the emulator's own jar */
  jar: string;
  /** "firebase-tools cache", "gcloud component" or "FIRESTORE_EMULATOR_BINARY_PATH" */
  jarFrom: string;
  /** as the emulator prints it, e.g. "cloud-firestore-emulator 1.19.9" */
  version: string;
}

export type Discovery = { found: OfficialEmulator; passedOver: string[] } | { found: undefined; passedOver: string[] };

function javaMajor(java: string): number {
  const r = spawnSync(java, ["-version"], { encoding: "utf8", timeout: 10_000 });
  // `java -version` prints to stderr: openjdk version "25.0.3" ... or "1.8.0_382" for Java 8
  const [, first, second] = /version "(\d+)(?:\.(\d+))?/.exec(`${r.stderr ?? ""}${r.stdout ?? ""}`) ?? [];
  const major = Number(first ?? 0);
  return major === 1 ? Number(second ?? 0) : major;
}

/** The executable `command` resolves to on PATH, links followed. */
function onPath(command: string): string | undefined {
  const found = spawnSync("sh", ["-c", `command -v ${command}`], { encoding: "utf8" }).stdout.trim();
  return found ? realpathSync(found) : undefined;
}

function javaCandidates(): { java: string; from: string }[] {
  const candidates: { java: string; from: string }[] = [];
  if (process.env.JAVA_HOME) candidates.push({ java: path.join(process.env.JAVA_HOME, "bin", "java"), from: "JAVA_HOME" });
  const fromPath = onPath("java");
  if (fromPath) candidates.push({ java: fromPath, from: "PATH" });
  for (const dir of SYSTEM_JDK_DIRS) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort().reverse()) {
      const home = existsSync(path.join(dir, name, "Contents", "Home")) ? path.join(dir, name, "Contents", "Home") : path.join(dir, name);
      const java = path.join(home, "bin", "java");
      if (existsSync(java)) candidates.push({ java, from: path.join(dir, name) });
    }
  }
  return candidates;
}

/** The first Java 21+ in the order JAVA_HOME, PATH, system JDKs (newest first), with why earlier ones were not taken. */
export function findJava(passedOver: string[]): JavaRuntime | undefined {
  const seen = new Set<string>();
  const system: JavaRuntime[] = [];
  for (const { java, from } of javaCandidates()) {
    const resolved = existsSync(java) ? realpathSync(java) : java;
    if (seen.has(resolved)) continue;
    seen.add(resolved);
    const major = javaMajor(java);
    const runtime = { java, major, from };
    if (major >= MIN_JAVA_MAJOR) {
      if (from === "JAVA_HOME" || from === "PATH") return runtime;
      system.push(runtime);
    } else {
      passedOver.push(major === 0 ? `java from ${from}: does not run` : `java from ${from}: Java ${major}, the emulator needs ${MIN_JAVA_MAJOR}+`);
    }
  }
  return system.sort((a, b) => b.major - a.major)[0];
}

function firebaseToolsCacheJars(): string[] {
  const dir = process.env.FIREBASE_EMULATORS_PATH ?? path.join(os.homedir(), ".cache", "firebase", "emulators");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^cloud-firestore-emulator-v[\d.]+\.jar$/.test(f))
    .sort((a, b) => b.localeCompare(a, "en", { numeric: true }))
    .map((f) => path.join(dir, f));
}

function gcloudSdkRoot(): string | undefined {
  if (process.env.CLOUDSDK_ROOT_DIR) return process.env.CLOUDSDK_ROOT_DIR;
  const gcloud = onPath("gcloud");
  // <sdk root>/bin/gcloud, usually behind a symlink such as /usr/bin/gcloud
  return gcloud && path.dirname(path.dirname(gcloud));
}

/** The emulator jar and whether it can be started with `java -jar` as it is. */
function findJar(passedOver: string[]): { jar: string; from: string; runnable: boolean } | undefined {
  const preset = process.env.FIRESTORE_EMULATOR_BINARY_PATH;
  if (preset) return { jar: preset, from: "FIRESTORE_EMULATOR_BINARY_PATH", runnable: true };
  const cached = firebaseToolsCacheJars()[0];
  if (cached) return { jar: cached, from: "firebase-tools cache", runnable: true };
  passedOver.push("firebase-tools cache: no cloud-firestore-emulator jar (`firebase setup:emulators:firestore` puts one there)");
  const root = gcloudSdkRoot();
  if (root && existsSync(path.join(root, GCLOUD_JAR))) return { jar: path.join(root, GCLOUD_JAR), from: "gcloud component", runnable: false };
  passedOver.push(
    root ? `gcloud SDK at ${root}: no cloud-firestore-emulator component` : "gcloud: not installed (its cloud-firestore-emulator component would do)",
  );
  return undefined;
}

function cacheFolder(): string {
  return path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "aideon-perf", "firestore-emulator");
}

/**
 * A jar holding only a manifest whose Main-Class is the emulator's and whose Class-Path is the real jar.
 * Named after the real jar's path and mtime, so an upgraded component gets a new wrapper.
 */
function wrapperJar(java: JavaRuntime, jar: string): string {
  const stamp = createHash("sha256").update(`${jar}\n${statSync(jar).mtimeMs}`).digest("hex").slice(0, 16);
  const dir = path.join(cacheFolder(), stamp);
  const wrapper = path.join(dir, "firestore-emulator.jar");
  if (existsSync(wrapper)) return wrapper;
  mkdirSync(dir, { recursive: true });
  const manifest = path.join(dir, "manifest.txt");
  writeFileSync(manifest, `Main-Class: ${EMULATOR_MAIN_CLASS}\nClass-Path: ${encodeURI(jar)}\n`);
  const jarTool = path.join(path.dirname(java.java), "jar");
  const r = spawnSync(jarTool, ["cfm", wrapper, manifest], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`could not build the emulator wrapper jar with ${jarTool}: ${r.error?.message ?? r.stderr}`);
  return wrapper;
}

function emulatorVersion(java: JavaRuntime, binary: string): string {
  const r = spawnSync(java.java, ["-jar", binary, "--version"], { encoding: "utf8", timeout: 30_000 });
  return /cloud-firestore-emulator [\w.-]+/.exec(`${r.stdout ?? ""}${r.stderr ?? ""}`)?.[0] ?? "";
}

/** Looks for the official emulator; never downloads. */
export function discoverOfficialFirestore(): Discovery {
  const passedOver: string[] = [];
  const java = findJava(passedOver);
  const jar = findJar(passedOver);
  if (!java) {
    passedOver.push(`no Java ${MIN_JAVA_MAJOR}+ runtime in JAVA_HOME, on PATH or in ${SYSTEM_JDK_DIRS.join(", ")}`);
    return { found: undefined, passedOver };
  }
  if (!jar) return { found: undefined, passedOver };
  let binary = jar.jar;
  if (!jar.runnable) {
    try {
      binary = wrapperJar(java, jar.jar);
    } catch (err) {
      passedOver.push(`${jar.from} jar ${jar.jar}: ${(err as Error).message}`);
      return { found: undefined, passedOver };
    }
  }
  const version = emulatorVersion(java, binary);
  if (!version) {
    passedOver.push(`${jar.from} jar ${jar.jar}: does not start with Java ${java.major} (\`--version\` printed nothing)`);
    return { found: undefined, passedOver };
  }
  return { found: { java, binary, jar: jar.jar, jarFrom: jar.from, version }, passedOver };
}
