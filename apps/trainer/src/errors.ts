/**
 * A mistake the user can fix (a missing path, a bad config field, an unknown preset).
 * The CLI prints its message on one line and exits with code 2; anything else is a bug
 * and keeps its stack trace.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(message: string) {
    super(message);
  }
}

/** Exit codes of `g2rl-train`. */
export const EXIT = { ok: 0, bug: 1, user: 2, interrupted: 130 } as const;

/**
 * Errors thrown by the g2rl packages for bad input (a malformed line in a label file, an
 * AU the data lacks) are user errors too: they name the file and line. They are
 * recognised by message shape so that the packages need not share an error class.
 */
export function isUserFacing(error: unknown): boolean {
  if (error instanceof UserError) return true;
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR' || code === 'ENOTDIR') return true;
  // @g2rl/datasets' DatasetError names the file and line of bad data: the user's to fix.
  if (error.name === 'DatasetError') return true;
  return (error as { userFacing?: boolean }).userFacing === true;
}
