// Generator templates for the connection family: PING, ECHO, SELECT, HELLO, CLIENT, unknown commands,
// RESET and QUIT, in valid forms and with wrong arity or malformed arguments.
import type { CommandTemplate } from "../generator.ts";
import { clientInfoVolatileFields, ignoreValue, replaceText } from "../normalise.ts";

export const templates: CommandTemplate[] = [
  { name: "PING", build: (g) => (g.rng.chance(0.5) ? ["PING"] : ["PING", g.value()]) },
  { name: "PING wrong arity", weight: 0.3, build: (g) => ["PING", g.value(), g.value()] },
  { name: "ECHO", build: (g) => ["ECHO", g.value()] },
  { name: "ECHO wrong arity", weight: 0.3, build: (g) => (g.rng.chance(0.5) ? ["ECHO"] : ["ECHO", "a", "b"]) },
  { name: "SELECT", weight: 2, build: (g) => ["SELECT", g.dbIndex()] },
  { name: "SELECT wrong arity", weight: 0.2, build: (g) => (g.rng.chance(0.5) ? ["SELECT"] : ["SELECT", "0", "1"]) },
  { name: "HELLO switching protocol", build: (g) => ["HELLO", g.rng.pick(["2", "3"])] },
  {
    name: "HELLO malformed",
    weight: 0.3,
    build: (g) =>
      g.rng.pick([
        ["HELLO", g.rng.pick(["1", "4", "0", "-1", "abc", ""])],
        ["HELLO", "3", "SETNAME"],
        ["HELLO", "3", "BOGUS"],
        ["HELLO", "2", "AUTH", "someone", "secret"],
      ]),
  },
  {
    name: "HELLO SETNAME",
    weight: 0.3,
    build: (g) => ["HELLO", g.rng.pick(["2", "3"]), "SETNAME", g.rng.pick(["gen", "with space", "x-1"])],
  },
  {
    name: "CLIENT SETNAME",
    weight: 0.5,
    build: (g) => ["CLIENT", "SETNAME", g.rng.pick(["alpha", "", "has space", "new\nline", "ok_name-1"])],
  },
  { name: "CLIENT GETNAME", weight: 0.5, build: () => ["CLIENT", "GETNAME"] },
  { name: "CLIENT ID", weight: 0.2, build: () => ["CLIENT", "ID"], normalise: (index) => [ignoreValue(index)] },
  {
    name: "CLIENT INFO",
    weight: 0.2,
    build: () => ["CLIENT", "INFO"],
    normalise: (index) => [replaceText(clientInfoVolatileFields, index)],
  },
  { name: "CLIENT unknown subcommand", weight: 0.2, build: (g) => ["CLIENT", g.rng.pick(["BOGUS", "getnamex"])] },
  {
    name: "unknown command",
    weight: 0.4,
    build: (g) => [g.rng.pick(["NOSUCH", "GETT", "", "set-x"]), ...Array.from({ length: g.rng.int(0, 3) }, () => g.value())],
  },
  { name: "RESET", weight: 0.2, build: () => ["RESET"] },
  { name: "QUIT", weight: 0.05, build: () => ["QUIT"] },
];
