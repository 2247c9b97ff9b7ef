/**
 * Finds the official Cloud Firestore emulator on this machine without downloading anything: a Java 21+
 * runtime (JAVA_HOME, PATH, then the system's installed JDKs) and an emulator jar (a jar named by
 * FIRESTORE_EMULATOR_BINARY_PATH, firebase-tools' own cache, then the Google Cloud CLI component). The
 * gcloud component's jar has no Main-Class, which firebase-tools' `java -jar` needs, so a wrapper jar
 * is generated into a cache folder outside the repo. Every candidate passed over is explained, for the
 * start banner and the test output.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, realpathSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { manifestOnlyJar } from "./manifest-jar";

/** The emulator needs Java 21 or later (it refuses to start on 17). */
const MIN_JAVA_MAJOR = 21;
const EMULATOR_MAIN_CLASS = "com.google.cloud.datastore.emulator.firestore.CloudFirestore";
const GCLOUD_JAR = path.join("platform", "cloud-firestore-emulator", "cloud-firestore-emulator.jar");
/** Where JDKs are installed by Debian/Ubuntu packages, RPM distributions and macOS. */
export const SYSTEM_JDK_DIRS = ["/usr/lib/jvm", "/usr/java", "/Library/Java/JavaVirtualMachines"];

/** What discovery looks at; tests hand it a made-up machine. */
export interface Machine {
  env: NodeJS.ProcessEnv;
  jdkDirs: string[];
  home: string;
}

const thisMachine = (): Machine => ({ env: process.env, jdkDirs: SYSTEM_JDK_DIRS, home: os.homedir() });

export interface JavaRuntime {
  /** the `java` executable */
  java: string;
  major: number;
  /** where it was found: "JAVA_HOME", "PATH" or the JDK folder */
  from: string;
}

export interface OfficialEmulator {
  java: JavaRuntime;
  /** the jar to hand firebase-tools (FIRESTORE_EMULATOR_BINARY_PATH): the wrapper for a gcloud jar */
  binary: string;
  /** the emulator's own jar */
  jar: string;
  /** "FIRESTORE_EMULATOR_BINARY_PATH", "firebase-tools cache" or "gcloud component" */
  jarFrom: string;
  /** as the emulator prints it, e.g. "cloud-firestore-emulator 1.19.9" */
  version: string;
}

export interface Discovery {
  found: OfficialEmulator | undefined;
  /** one sentence per candidate not taken, and why */
  passedOver: string[];
}

const run = (command: string, args: string[], env: NodeJS.ProcessEnv) => {
  const r = spawnSync(command, args, { encoding: "utf8", timeout: 30_000, env });
  return `${r.stdout ?? ""}${r.stderr ?? ""}`;
};

function javaMajor(java: string, env: NodeJS.ProcessEnv): number {
  // `java -version` prints to stderr: openjdk version "25.0.3" ..., or "1.8.0_382" for Java 8
  const [, first, second] = /version "(\d+)(?:\.(\d+))?/.exec(run(java, ["-version"], env)) ?? [];
  const major = Number(first ?? 0);
  return major === 1 ? Number(second ?? 0) : major;
}

/** The executable `command` resolves to on the machine's PATH, links followed. */
function onPath(command: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, command);
    if (existsSync(candidate) && statSync(candidate).isFile()) return realpathSync(candidate);
  }
  return undefined;
}

function javaCandidates(machine: Machine): { java: string; from: string }[] {
  const candidates: { java: string; from: string }[] = [];
  if (machine.env.JAVA_HOME)
    candidates.push({ java: path.join(machine.env.JAVA_HOME, "bin", "java"), from: "JAVA_HOME" });
  const fromPath = onPath("java", machine.env);
  if (fromPath) candidates.push({ java: fromPath, from: "PATH" });
  for (const dir of machine.jdkDirs.filter((d) => existsSync(d))) {
    for (const name of readdirSync(dir).sort()) {
      const macHome = path.join(dir, name, "Contents", "Home");
      const java = path.join(existsSync(macHome) ? macHome : path.join(dir, name), "bin", "java");
      if (existsSync(java)) candidates.push({ java, from: path.join(dir, name) });
    }
  }
  return candidates;
}

/**
 * JAVA_HOME's or PATH's java when it is 21+; else the newest 21+ among the system's JDKs. Each
 * runtime is asked once, however many links lead to it.
 */
function findJava(machine: Machine, passedOver: string[]): JavaRuntime | undefined {
  const seen = new Set<string>();
  const system: JavaRuntime[] = [];
  for (const { java, from } of javaCandidates(machine)) {
    const resolved = existsSync(java) ? realpathSync(java) : java;
    if (seen.has(resolved)) continue;
    seen.add(resolved);
    const runtime = { java, major: javaMajor(java, machine.env), from };
    if (runtime.major < MIN_JAVA_MAJOR) {
      passedOver.push(
        runtime.major === 0
          ? `java from ${from}: does not run`
          : `java from ${from}: Java ${runtime.major}, the emulator needs ${MIN_JAVA_MAJOR}+`,
      );
    } else if (from === "JAVA_HOME" || from === "PATH") {
      return runtime;
    } else {
      system.push(runtime);
    }
  }
  const newest = system.sort((a, b) => b.major - a.major)[0];
  if (!newest)
    passedOver.push(
      `no Java ${MIN_JAVA_MAJOR}+ runtime in JAVA_HOME, on PATH or in ${machine.jdkDirs.join(", ")}`,
    );
  return newest;
}

function firebaseToolsCacheJars(machine: Machine): string[] {
  // firebase-tools' own rule for its cache folder
  const dir =
    machine.env.FIREBASE_EMULATORS_PATH ?? path.join(machine.home, ".cache", "firebase", "emulators");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^cloud-firestore-emulator-v[\d.]+\.jar$/.test(f))
    .sort((a, b) => b.localeCompare(a, "en", { numeric: true }))
    .map((f) => path.join(dir, f));
}

function gcloudSdkRoot(machine: Machine): string | undefined {
  if (machine.env.CLOUDSDK_ROOT_DIR) return machine.env.CLOUDSDK_ROOT_DIR;
  const gcloud = onPath("gcloud", machine.env);
  // <sdk root>/bin/gcloud, usually behind a link such as /usr/bin/gcloud
  return gcloud && path.dirname(path.dirname(gcloud));
}

/** The emulator jar and whether `java -jar` can start it as it is. */
function findJar(
  machine: Machine,
  passedOver: string[],
): { jar: string; from: string; runnable: boolean } | undefined {
  const preset = machine.env.FIRESTORE_EMULATOR_BINARY_PATH;
  if (preset) return { jar: preset, from: "FIRESTORE_EMULATOR_BINARY_PATH", runnable: true };
  const cached = firebaseToolsCacheJars(machine)[0];
  if (cached) return { jar: cached, from: "firebase-tools cache", runnable: true };
  passedOver.push(
    "firebase-tools cache: no cloud-firestore-emulator jar (`npx firebase setup:emulators:firestore` puts one there)",
  );
  const root = gcloudSdkRoot(machine);
  if (root && existsSync(path.join(root, GCLOUD_JAR)))
    return { jar: path.join(root, GCLOUD_JAR), from: "gcloud component", runnable: false };
  passedOver.push(
    root
      ? `gcloud SDK at ${root}: no cloud-firestore-emulator component`
      : "gcloud: not on PATH (its cloud-firestore-emulator component would do)",
  );
  return undefined;
}

/**
 * A jar holding only a manifest whose Main-Class is the emulator's and whose Class-Path is the real
 * jar, in a folder named after the real jar's path and mtime, so an upgraded component gets a new one.
 */
function wrapperJar(machine: Machine, jar: string): string {
  const cacheHome = machine.env.XDG_CACHE_HOME ?? path.join(machine.home, ".cache");
  const stamp = createHash("sha256")
    .update(`${jar}\n${statSync(jar).mtimeMs}`)
    .digest("hex")
    .slice(0, 16);
  const wrapper = path.join(cacheHome, "aideon-perf", "firestore-emulator", stamp, "firestore-emulator.jar");
  if (!existsSync(wrapper)) {
    mkdirSync(path.dirname(wrapper), { recursive: true });
    // Class-Path entries are URLs: an absolute path works once its spaces and the like are escaped.
    writeFileSync(
      wrapper,
      manifestOnlyJar(
        `Manifest-Version: 1.0\r\nMain-Class: ${EMULATOR_MAIN_CLASS}\r\nClass-Path: ${encodeURI(jar)}\r\n`,
      ),
    );
  }
  return wrapper;
}

/** Looks for the official emulator; never downloads. */
export function discoverOfficialFirestore(machine: Machine = thisMachine()): Discovery {
  const passedOver: string[] = [];
  const java = findJava(machine, passedOver);
  const jar = findJar(machine, passedOver);
  if (!java || !jar) return { found: undefined, passedOver };
  const binary = jar.runnable ? jar.jar : wrapperJar(machine, jar.jar);
  const version = /cloud-firestore-emulator [\w.-]+/.exec(
    run(java.java, ["-jar", binary, "--version"], machine.env),
  )?.[0];
  if (!version) {
    passedOver.push(
      `${jar.from} jar ${jar.jar}: does not start with Java ${java.major} from ${java.from} (\`--version\` printed no version)`,
    );
    return { found: undefined, passedOver };
  }
  return { found: { java, binary, jar: jar.jar, jarFrom: jar.from, version }, passedOver };
}
