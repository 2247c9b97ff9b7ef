/** Command line of `npm run preflight`. Pure. */
import { parseArgs as parseNodeArgs } from "node:util";

/** What the documented deploy command deploys (docs/deploy.md): everything the product needs. */
export const PRODUCT_TARGETS = "functions,firestore,hosting";

export const USAGE = `Usage: npm run preflight -- --project <alias-or-id> [--only <targets>] [--offline] [--skip-install]

Checks what \`firebase deploy --only ${PRODUCT_TARGETS} --project <alias-or-id>\` would deploy, with
firebase-tools' own deploy preparation run offline (build, function discovery, params, Hosting and
Firestore config), then, given application default credentials, what the project itself has.

Options:
  --project <alias-or-id>  a .firebaserc alias (staging, production) or a project id (default: the default alias)
  --only <targets>         the deploy targets to check (default: ${PRODUCT_TARGETS})
  --offline                skip the checks that call Google APIs, even with credentials
  --skip-install           skip installing the functions bundle alone in a temp dir (the slowest check)
  -h, --help               show this text

Exit code 0 when nothing failed, 1 otherwise.`;

export class UsageError extends Error {}

export type Invocation =
  { help: true } | { help: false; project?: string; only: string; offline: boolean; skipInstall: boolean };

export function parseArgs(argv: readonly string[]): Invocation {
  let parsed;
  try {
    parsed = parseNodeArgs({
      args: [...argv],
      options: {
        project: { type: "string", short: "P" },
        only: { type: "string" },
        offline: { type: "boolean" },
        "skip-install": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values } = parsed;
  if (values.help) return { help: true };
  if (values.project === "") throw new UsageError("--project needs an alias or a project id.");
  if (values.only === "") throw new UsageError("--only needs targets, e.g. functions,firestore,hosting.");
  return {
    help: false,
    project: values.project,
    only: values.only ?? PRODUCT_TARGETS,
    offline: values.offline ?? false,
    skipInstall: values["skip-install"] ?? false,
  };
}
