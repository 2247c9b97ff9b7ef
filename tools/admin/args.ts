/**
 * Pure parts of the admin CLI: command-line parsing, user lookup keys and project choice. No I/O, so
 * the rules are unit-tested without Firebase.
 */
import { parseArgs as parseNodeArgs } from "node:util";

export const COMMANDS = ["grant", "revoke", "show"] as const;
export type Command = (typeof COMMANDS)[number];

/** How a user is looked up: an argument containing `@` is an email, anything else a uid. */
export type UserRef = { email: string } | { uid: string };

export const INGEST_KEY_ACTIONS = ["create", "revoke", "list"] as const;
export type IngestKeyAction =
  | { action: "create"; name: string; trusted: boolean }
  | { action: "revoke"; keyId: string }
  | { action: "list" };

export type Invocation =
  | { help: true }
  | { help: false; command: Command; user: UserRef; project?: string }
  | { help: false; command: "ingest-key"; ingestKey: IngestKeyAction; project?: string };

export const USAGE = `Usage: npm run admin -- <command> <email-or-uid> [--project <id>]
       npm run admin -- ingest-key create --name <name> [--untrusted] | revoke <key_id> | list

Commands:
  grant <email-or-uid>   set the custom claim admin: true (other claims are kept)
  revoke <email-or-uid>  remove the admin claim (other claims are kept)
  show <email-or-uid>    print the user's uid, email and custom claims
  ingest-key create      make a backend's recording key (printed once; only its hash is stored);
                         --untrusted leaves its traces out of health unless HEALTH_SOURCES=all
  ingest-key revoke      revoke a key by its key_id, at once
  ingest-key list        every key's id, name, trust and dates (never the secret)

An argument containing "@" is an email, anything else a uid.

Options:
  --project <id>  Firebase project (default: $GCLOUD_PROJECT, else the default in .firebaserc)
  -h, --help      show this text

Talks to the Auth and Firestore emulators when FIREBASE_AUTH_EMULATOR_HOST / FIRESTORE_EMULATOR_HOST
are set, otherwise to the real project with application default credentials
(gcloud auth application-default login).`;

/** A mistake in how the CLI was called: reported with the usage text, exit code 1. */
export class UsageError extends Error {}

export function userRef(arg: string): UserRef {
  return arg.includes("@") ? { email: arg } : { uid: arg };
}

export function describeUser(user: UserRef): string {
  return "email" in user ? `email ${user.email}` : `uid ${user.uid}`;
}

export function parseArgs(argv: readonly string[]): Invocation {
  let parsed;
  try {
    parsed = parseNodeArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        project: { type: "string" },
        name: { type: "string" },
        untrusted: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    // node:util reports unknown options and a --project without a value; keep its wording.
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  const [command, arg, ...extra] = positionals;
  if (command === undefined) throw new UsageError("Missing command.");
  if (values.project === "") throw new UsageError("--project needs a project id.");
  if (command === "ingest-key")
    return { help: false, command, ingestKey: ingestKeyAction(arg, extra, values), project: values.project };
  if (values.name !== undefined || values.untrusted)
    throw new UsageError("--name and --untrusted belong to ingest-key create.");
  if (!isCommand(command)) throw new UsageError(`Unknown command "${command}".`);
  if (arg === undefined || arg === "") throw new UsageError(`Missing argument: ${command} <email-or-uid>.`);
  if (extra.length > 0) throw new UsageError(`Unexpected argument "${extra[0]}".`);
  return { help: false, command, user: userRef(arg), project: values.project };
}

function ingestKeyAction(
  action: string | undefined,
  rest: readonly string[],
  values: { name?: string; untrusted?: boolean },
): IngestKeyAction {
  const [keyId, ...extra] = rest;
  if (action === "create") {
    if (rest.length > 0) throw new UsageError(`Unexpected argument "${rest[0]}".`);
    if (!values.name) throw new UsageError("Missing option: ingest-key create --name <name>.");
    return { action, name: values.name, trusted: !values.untrusted };
  }
  if (values.name !== undefined || values.untrusted)
    throw new UsageError("--name and --untrusted belong to ingest-key create.");
  if (action === "revoke") {
    if (!keyId) throw new UsageError("Missing argument: ingest-key revoke <key_id>.");
    if (extra.length > 0) throw new UsageError(`Unexpected argument "${extra[0]}".`);
    return { action, keyId };
  }
  if (action === "list") {
    if (rest.length > 0) throw new UsageError(`Unexpected argument "${rest[0]}".`);
    return { action };
  }
  throw new UsageError(
    action === undefined
      ? `Missing action: ingest-key ${INGEST_KEY_ACTIONS.join("|")}.`
      : `Unknown ingest-key action "${action}".`,
  );
}

function isCommand(s: string): s is Command {
  return (COMMANDS as readonly string[]).includes(s);
}

/** `--project`, else GCLOUD_PROJECT, else the default alias of .firebaserc (its parsed JSON, if any). */
export function chooseProject(flag: string | undefined, env: NodeJS.ProcessEnv, firebaserc: unknown): string {
  const fromRc = (firebaserc as { projects?: { default?: unknown } } | undefined)?.projects?.default;
  const project = flag ?? env.GCLOUD_PROJECT ?? (typeof fromRc === "string" ? fromRc : undefined);
  if (!project) throw new UsageError("No project: pass --project <id> or set GCLOUD_PROJECT.");
  return project;
}
