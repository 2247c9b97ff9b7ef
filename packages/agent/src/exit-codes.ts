/** Process exit codes, listed in --help; a systemd unit should not restart on keyRejected or usage. */
export const EXIT = Object.freeze({
  ok: 0,
  /** --once: the sample was not stored; or an unexpected error. */
  failed: 1,
  /** HTTP 401/403: the key is wrong, revoked or not allowed; restarting will not help. */
  keyRejected: 2,
  /** Bad options or config file (sysexits EX_USAGE). */
  usage: 64,
});
