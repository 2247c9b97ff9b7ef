/**
 * One line per event on stderr: `<ISO time> <level> <message>`. The key is scrubbed from every line
 * as a last guard; no message is built with it in the first place.
 */
export type Level = "info" | "warn" | "error";
export type Log = (level: Level, message: string) => void;

export const REDACTED = "[redacted]";

export function lineLog(
  write: (line: string) => void,
  secret: string | undefined,
  now: () => number = Date.now,
): Log {
  return (level, message) => {
    const line = secret ? message.split(secret).join(REDACTED) : message;
    write(`${new Date(now()).toISOString()} ${level.padEnd(5)} ${line.replace(/\n/g, " ")}\n`);
  };
}
