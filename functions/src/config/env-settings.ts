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

/** A comma-separated list, blanks dropped, each item checked by `item`; unset is `fallback`'s items. */
export const listSetting = (item: z.ZodString, fallback: string) =>
  z
    .string()
    .optional()
    .transform((list) =>
      (list ?? fallback)
        .split(",")
        .map((each) => each.trim())
        .filter((each) => each !== ""),
    )
    .pipe(z.array(item));

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
