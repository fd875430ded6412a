// The arguments Redis hides from the slow log and MONITOR (redactClientCommandArgument, which the
// handlers of AUTH, HELLO and CONFIG SET call before they can fail, so a rejected password is hidden too).
import type { Command } from "../commands/table.ts";

/** What a hidden argument shows instead. */
export const redactedArgument = new TextEncoder().encode("(redacted)");

/** Parameters Redis flags SENSITIVE_CONFIG (requirepass, masterauth), plus Bunker's cluster secret. */
const sensitiveParams = new Set(["requirepass", "masterauth", "cluster-secret"]);

const none: readonly number[] = [];

function asciiLower(a: Uint8Array | undefined): string {
  if (a === undefined) return "";
  let s = "";
  for (const c of a) s += String.fromCharCode(c >= 65 && c <= 90 ? c | 0x20 : c);
  return s;
}

/**
 * The indexes of `argv` Redis redacts: AUTH's one or two arguments (none when it has too many: that is
 * a syntax error, replied before redacting); the user and password of each AUTH option of HELLO,
 * scanned until an option HELLO rejects, once the protocol version is valid; CONFIG SET's values of
 * sensitive parameters. (MONITOR never shows CONFIG, an admin command.)
 */
export function redactedIndexes(cmd: Command, argv: readonly Uint8Array[]): readonly number[] {
  switch (cmd.fullName) {
    case "auth":
      return argv.length === 2 ? [1] : argv.length === 3 ? [1, 2] : none;
    case "hello": {
      if (argv.length < 2) return none;
      const version = asciiLower(argv[1]);
      if (version !== "2" && version !== "3") return none;
      const out: number[] = [];
      for (let j = 2; j < argv.length; j++) {
        const more = argv.length - 1 - j;
        const option = asciiLower(argv[j]);
        if (option === "auth" && more >= 2) {
          out.push(j + 1, j + 2);
          j += 2;
        } else if (option === "setname" && more >= 1) j++;
        else break;
      }
      return out;
    }
    case "config|set": {
      const out: number[] = [];
      for (let i = 2; i + 1 < argv.length; i += 2) if (sensitiveParams.has(asciiLower(argv[i]))) out.push(i + 1);
      return out;
    }
    default:
      return none;
  }
}
