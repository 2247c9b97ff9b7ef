/**
 * Plain environment settings (not firebase-functions params: a param without a value in .env makes
 * `firebase deploy` prompt), read one way: a zod schema per module, a blank value counts as unset,
 * and an invalid one throws naming the variable.
 */
import * as z from "zod";
import { parseRequest } from "@aideon-perf/core";

/** A whole number from `min` to `max`; unset is `fallback`. */
export const wholeNumberSetting = (min: number, max: number, fallback: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .optional()
    .transform((n) => n ?? fallback);

/** The variables `schema` names, read from `env` and validated. */
export function readSettings<S extends z.ZodObject>(
  schema: S,
  env: Readonly<Record<string, string | undefined>>,
): z.output<S> {
  const values = Object.fromEntries(
    Object.keys(schema.shape).map((name) => [name, env[name]?.trim() ? env[name] : undefined]),
  );
  return parseRequest(schema, values);
}
