import assert from "node:assert/strict";
import { chooseProject, parseArgs, UsageError } from "../../tools/admin/args";

describe("admin CLI: argument parsing", () => {
  it("reads an email target by its @ and a uid otherwise", () => {
    assert.deepEqual(parseArgs(["grant", "ada@example.com"]), {
      help: false,
      command: "grant",
      user: { email: "ada@example.com" },
      project: undefined,
    });
    assert.deepEqual(parseArgs(["revoke", "uid-1", "--project", "p1"]), {
      help: false,
      command: "revoke",
      user: { uid: "uid-1" },
      project: "p1",
    });
  });

  it("accepts --project=<id> and --project before the command", () => {
    const expected = { help: false, command: "show", user: { uid: "u" }, project: "p2" };
    assert.deepEqual(parseArgs(["--project=p2", "show", "u"]), expected);
    assert.deepEqual(parseArgs(["--project", "p2", "show", "u"]), expected);
  });

  it("parses ingest-key create, revoke and list", () => {
    assert.deepEqual(parseArgs(["ingest-key", "create", "--name", "orders api"]), {
      help: false,
      command: "ingest-key",
      ingestKey: { action: "create", name: "orders api", trusted: true },
      project: undefined,
    });
    assert.deepEqual(parseArgs(["ingest-key", "create", "--name=x", "--untrusted", "--project", "p"]), {
      help: false,
      command: "ingest-key",
      ingestKey: { action: "create", name: "x", trusted: false },
      project: "p",
    });
    assert.deepEqual(parseArgs(["ingest-key", "revoke", "K1"]), {
      help: false,
      command: "ingest-key",
      ingestKey: { action: "revoke", keyId: "K1" },
      project: undefined,
    });
    assert.deepEqual(parseArgs(["ingest-key", "list"]), {
      help: false,
      command: "ingest-key",
      ingestKey: { action: "list" },
      project: undefined,
    });
  });

  it("returns help for --help and -h, even with other arguments", () => {
    assert.deepEqual(parseArgs(["--help"]), { help: true });
    assert.deepEqual(parseArgs(["grant", "-h"]), { help: true });
  });

  for (const [argv, message] of [
    [[], /Missing command/],
    [["promote", "x"], /Unknown command "promote"/],
    [["grant"], /Missing argument: grant <email-or-uid>/],
    [["show", "a", "b"], /Unexpected argument "b"/],
    [["show", "a", "--project"], /--project/],
    [["show", "a", "--force"], /--force/],
    [["grant", "a", "--name", "n"], /belong to ingest-key create/],
    [["ingest-key"], /Missing action: ingest-key create\|revoke\|list/],
    [["ingest-key", "rotate"], /Unknown ingest-key action "rotate"/],
    [["ingest-key", "create"], /--name <name>/],
    [["ingest-key", "revoke"], /revoke <key_id>/],
    [["ingest-key", "list", "--untrusted"], /belong to ingest-key create/],
    [["ingest-key", "list", "x"], /Unexpected argument "x"/],
  ] as const) {
    it(`rejects ${JSON.stringify(argv)}`, () => {
      assert.throws(
        () => parseArgs(argv),
        (e: unknown) => e instanceof UsageError && message.test(e.message),
      );
    });
  }
});

describe("admin CLI: project choice", () => {
  const rc = { projects: { default: "from-rc" } };

  it("prefers --project, then GCLOUD_PROJECT, then .firebaserc's default", () => {
    assert.equal(chooseProject("flag", { GCLOUD_PROJECT: "env" }, rc), "flag");
    assert.equal(chooseProject(undefined, { GCLOUD_PROJECT: "env" }, rc), "env");
    assert.equal(chooseProject(undefined, {}, rc), "from-rc");
  });

  it("fails clearly when no source names a project", () => {
    assert.throws(() => chooseProject(undefined, {}, undefined), /No project/);
    assert.throws(() => chooseProject(undefined, {}, { projects: {} }), /No project/);
  });
});
