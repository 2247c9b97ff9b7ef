/**
 * functions/.env documents every knob the configuration module (src/config/index.ts) declares, once and
 * with the same default: a set line (NAME=value), or for a variable left unset there so that the
 * environment can override it, a commented one (# NAME=value). No emulator needed.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { declaredParams } from "firebase-functions/params";
import { LOAD_TIME_DEFAULTS, SETTINGS } from "../src/config";
import { readSettings } from "../src/config/env-settings";

/** Every NAME=value in functions/.env, set or in a comment, in order. */
function documentedKnobs(): [string, string][] {
  const text = readFileSync(path.join(__dirname, "..", ".env"), "utf8");
  return text.split("\n").flatMap((line) => {
    const set = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (set) return [[set[1]!, set[2]!] as [string, string]];
    if (!line.startsWith("#")) return [];
    return [...line.matchAll(/(?:^#|\s)([A-Z][A-Z0-9_]*)=(\S*)/g)].map(
      (m) => [m[1]!, m[2]!] as [string, string],
    );
  });
}

/** Every knob the configuration module declares, with its default as .env writes it. */
function declaredKnobs(): Map<string, string> {
  const knobs = new Map<string, string>();
  // Params with a default (the secret has none: it never belongs in .env).
  for (const param of declaredParams) {
    const fallback = (param.options as { default?: unknown }).default;
    if (fallback !== undefined) knobs.set(param.name, String(fallback));
  }
  for (const [name, fallback] of Object.entries(LOAD_TIME_DEFAULTS)) knobs.set(name, fallback);
  for (const schema of Object.values(SETTINGS)) {
    for (const [name, value] of Object.entries(readSettings(schema, {}) as Record<string, unknown>))
      knobs.set(name, Array.isArray(value) ? value.join(",") : String(value));
  }
  return knobs;
}

describe("functions/.env and the configuration module", () => {
  it("lists every knob the module declares with the same default", () => {
    const documented = new Map(documentedKnobs());
    const declared = declaredKnobs();
    assert.ok(declared.size >= 20, `only ${declared.size} knobs found`);
    for (const [name, fallback] of declared) assert.equal(documented.get(name), fallback, name);
  });

  it("lists no knob the module does not declare (NODE_ENV aside: it is for the emulator's server)", () => {
    const declared = declaredKnobs();
    assert.deepEqual(
      documentedKnobs()
        .map(([name]) => name)
        .filter((name) => !declared.has(name) && name !== "NODE_ENV"),
      [],
    );
  });

  it("lists each knob once", () => {
    const names = documentedKnobs().map(([name]) => name);
    assert.deepEqual(
      names.filter((name, i) => names.indexOf(name) !== i),
      [],
    );
  });
});
