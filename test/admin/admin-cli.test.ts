/**
 * The admin CLI as a user runs it (`npm run admin -- ...`, a real child process) against the Auth
 * emulator, checked from both sides: the Admin SDK's user record and a client's fresh ID token.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { resolve } from "node:path";
import {
  deleteApp as deleteAdminApp,
  initializeApp as initializeAdminApp,
  type App,
} from "firebase-admin/app";
import { getAuth as getAdminAuth, type Auth as AdminAuth } from "firebase-admin/auth";
import { deleteApp, initializeApp } from "firebase/app";
import { connectAuthEmulator, getAuth, signInWithEmailAndPassword } from "firebase/auth";

const REPO = resolve(__dirname, "../..");
const PROJECT = process.env.GCLOUD_PROJECT ?? "demo-aideon-perf";
const PASSWORD = "correct-horse-battery";

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function runCli(...args: string[]): Promise<CliResult> {
  return new Promise((done) => {
    execFile(
      "npm",
      ["run", "--silent", "admin", "--", ...args, "--project", PROJECT],
      { cwd: REPO },
      (error, stdout, stderr) => {
        done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

/** Claims as the client sees them: in a freshly fetched ID token after a password sign-in. */
async function idTokenClaims(email: string): Promise<Record<string, unknown>> {
  const app = initializeApp({ projectId: PROJECT, apiKey: "demo-api-key" }, `admin-cli-test-${randomUUID()}`);
  try {
    const auth = getAuth(app);
    connectAuthEmulator(auth, `http://${process.env.FIREBASE_AUTH_EMULATOR_HOST}`, { disableWarnings: true });
    const { user } = await signInWithEmailAndPassword(auth, email, PASSWORD);
    return (await user.getIdTokenResult(true)).claims;
  } finally {
    await deleteApp(app);
  }
}

describe("admin CLI against the Auth emulator", function () {
  this.timeout(60_000);
  let adminApp: App | undefined;
  let adminAuth: AdminAuth;
  let uid: string;
  const email = `admin-cli-${randomUUID()}@example.com`;

  before(async function () {
    if (!process.env.FIREBASE_AUTH_EMULATOR_HOST) {
      console.log(
        "    (skipped: FIREBASE_AUTH_EMULATOR_HOST is not set; run through `npm test` or emulators:exec --only auth)",
      );
      this.skip();
    }
    // A named app, so this suite neither takes nor disturbs the default app other suites share.
    adminApp = initializeAdminApp({ projectId: PROJECT }, `admin-cli-test-${randomUUID()}`);
    adminAuth = getAdminAuth(adminApp);
    ({ uid } = await adminAuth.createUser({ email, password: PASSWORD }));
    await adminAuth.setCustomUserClaims(uid, { tier: "gold" });
  });

  after(async () => {
    if (!adminApp) return;
    await adminAuth.deleteUser(uid).catch(() => undefined);
    await deleteAdminApp(adminApp);
  });

  it("grant by email sets admin: true, keeps other claims, and reaches the client's ID token", async () => {
    const result = await runCli("grant", email);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`Target: emulator ${process.env.FIREBASE_AUTH_EMULATOR_HOST}`));
    assert.match(result.stdout, /getIdToken\(true\)/);

    assert.deepEqual((await adminAuth.getUser(uid)).customClaims, { tier: "gold", admin: true });
    const claims = await idTokenClaims(email);
    assert.equal(claims.admin, true);
    assert.equal(claims.tier, "gold");
  });

  it("show prints the uid, email and claims", async () => {
    const result = await runCli("show", uid);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`uid:\\s+${uid}`));
    assert.match(result.stdout, new RegExp(`email:\\s+${email}`));
    assert.match(result.stdout, /claims: \{"tier":"gold","admin":true\}/);
  });

  it("revoke by uid removes admin, keeps other claims and revokes the user's refresh tokens", async () => {
    const result = await runCli("revoke", uid);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Revoked their refresh tokens/);

    assert.deepEqual((await adminAuth.getUser(uid)).customClaims, { tier: "gold" });
    const claims = await idTokenClaims(email);
    assert.equal(claims.admin, undefined);
    assert.equal(claims.tier, "gold");
  });

  it("exits 1 with a clear message for an unknown email", async () => {
    const missing = `nobody-${randomUUID()}@example.com`;
    const result = await runCli("grant", missing);
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`No user with email ${missing}`));
  });

  it("exits 1 with the reason for an unknown command", async () => {
    const result = await runCli("promote", email);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /Unknown command "promote"/);
  });
});
