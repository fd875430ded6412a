// Redis 7.0's error texts, in one place (the reply writer adds the leading '-').

export const errWrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";
export const errSyntax = "ERR syntax error";
export const errNotInteger = "ERR value is not an integer or out of range";
export const errNotFloat = "ERR value is not a valid float";
export const errOverflow = "ERR increment or decrement would overflow";
export const errNoSuchKey = "ERR no such key";
export const errOutOfRange = "ERR index out of range";
export const errPositive = "ERR value is out of range, must be positive";
export const errNoAuth = "NOAUTH Authentication required.";

export function errArity(name: string): string {
  return `ERR wrong number of arguments for '${name}' command`;
}

/** Redis 7.0: the first arguments, each quoted, the whole preview cut at 128 bytes. */
export function errUnknownCommand(name: string, args: readonly string[]): string {
  let preview = "";
  for (const a of args) {
    if (preview.length >= 128) break;
    preview += `'${a.length > 128 - preview.length ? a.slice(0, 128 - preview.length) : a}' `;
  }
  return `ERR unknown command '${name.slice(0, 128)}', with args beginning with: ${preview}`;
}

export function errUnknownSubcommand(sub: string, container: string): string {
  return `ERR unknown subcommand '${sub.slice(0, 128)}'. Try ${container} HELP.`;
}
