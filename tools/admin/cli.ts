/**
 * `npm run admin -- grant|revoke|show <email-or-uid> [--project <id>]`: manages the `admin: true` custom
 * claim that Firestore rules require for reading monitoring data; `ingest-key create|revoke|list`
 * manages backends' recording keys through the functions' own ingest-key service. Thin I/O shell over
 * args.ts/claims.ts.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { deleteApp, initializeApp } from "firebase-admin/app";
import { getAuth, type Auth, type UserRecord } from "firebase-admin/auth";
import { getFirestore } from "firebase-admin/firestore";
import { createIngestKeyRequestSchema, parseRequest, ValidationError } from "@aideon-perf/core";
import { ingestKeyService, type IngestKeyService } from "../../functions/src/keys/ingest-key-service";
import {
  chooseProject,
  describeUser,
  parseArgs,
  USAGE,
  UsageError,
  type IngestKeyAction,
  type UserRef,
} from "./args";
import { isAdmin, setAdmin } from "./claims";

const FIREBASERC = resolve(__dirname, "../../.firebaserc");

/** A failure the user can act on: printed without a stack trace, exit code 1. */
class CliError extends Error {}

function readFirebaserc(): unknown {
  try {
    return JSON.parse(readFileSync(FIREBASERC, "utf8"));
  } catch {
    return undefined; // no .firebaserc: the project must come from --project or GCLOUD_PROJECT
  }
}

function targetDescription(project: string): string {
  // firebase-admin routes Auth calls to the emulator by this variable alone; say so, since a grant on
  // the wrong target is silent otherwise.
  const emulator = process.env.FIREBASE_AUTH_EMULATOR_HOST;
  return emulator ? `emulator ${emulator}` : `project ${project} (application default credentials)`;
}

async function findUser(auth: Auth, user: UserRef): Promise<UserRecord> {
  try {
    return "email" in user ? await auth.getUserByEmail(user.email) : await auth.getUser(user.uid);
  } catch (e) {
    if ((e as { code?: string }).code === "auth/user-not-found")
      throw new CliError(`No user with ${describeUser(user)}`);
    throw e;
  }
}

function printUser(user: UserRecord): void {
  console.log(`uid:    ${user.uid}`);
  console.log(`email:  ${user.email ?? "(none)"}`);
  console.log(`admin:  ${isAdmin(user.customClaims) ? "yes" : "no"}`);
  console.log(`claims: ${JSON.stringify(user.customClaims ?? {})}`);
}

/** Who created a key, in its record, when the CLI made it. */
const CLI_CREATOR = "admin-cli";

async function runIngestKey(keys: IngestKeyService, action: IngestKeyAction): Promise<void> {
  if (action.action === "create") {
    let request;
    try {
      request = parseRequest(createIngestKeyRequestSchema, { name: action.name, trusted: action.trusted });
    } catch (e) {
      if (e instanceof ValidationError) throw new CliError(e.message);
      throw e;
    }
    const created = await keys.create(CLI_CREATOR, request);
    console.log(`key_id: ${created.key_id}`);
    console.log(`name:   ${created.name}`);
    console.log(`key:    ${created.key}`);
    console.log("The key is shown this once; only a hash of it is stored.");
  } else if (action.action === "revoke") {
    try {
      await keys.revoke({ key_id: action.keyId });
    } catch (e) {
      if ((e as { code?: string }).code === "not-found") throw new CliError(`No ingest key ${action.keyId}`);
      throw e;
    }
    console.log(`revoked: ${action.keyId}`);
  } else {
    const { keys: all } = await keys.list();
    if (all.length === 0) console.log("No ingest keys.");
    for (const k of all) {
      console.log(
        `${k.key_id}  ${k.name}  ${k.trusted ? "trusted" : "untrusted"}  created ${k.created_at} by ${k.created_by}${k.revoked_at ? `  REVOKED ${k.revoked_at}` : ""}`,
      );
    }
  }
}

async function main(argv: readonly string[]): Promise<void> {
  const invocation = parseArgs(argv);
  if (invocation.help) {
    console.log(USAGE);
    return;
  }
  const project = chooseProject(invocation.project, process.env, readFirebaserc());
  const app = initializeApp({ projectId: project }, "aideon-perf-admin-cli");
  if (invocation.command === "ingest-key") {
    const emulator = process.env.FIRESTORE_EMULATOR_HOST;
    console.log(
      `Target: ${emulator ? `Firestore emulator ${emulator}` : `project ${project} (application default credentials)`}`,
    );
    try {
      await runIngestKey(ingestKeyService({ db: getFirestore(app), now: Date.now }), invocation.ingestKey);
    } finally {
      await deleteApp(app);
    }
    return;
  }
  console.log(`Target: ${targetDescription(project)}`);
  try {
    const auth = getAuth(app);
    const user = await findUser(auth, invocation.user);
    if (invocation.command !== "show") {
      for (const line of await setAdmin(auth, user, invocation.command === "grant")) console.log(line);
    }
    printUser(await auth.getUser(user.uid));
  } finally {
    await deleteApp(app);
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (e: unknown) => {
    if (e instanceof UsageError) console.error(`${e.message}\nRun "npm run admin -- --help" for usage.`);
    else if (e instanceof CliError) console.error(e.message);
    else console.error(e);
    process.exit(1);
  },
);
