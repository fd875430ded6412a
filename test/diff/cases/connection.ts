// Differential cases for the connection family: PING, ECHO, SELECT, HELLO, AUTH, CLIENT, QUIT, RESET,
// and how unknown or malformed commands are rejected.
import { type DiffCase, cmd, script } from "../case.ts";
import { clientInfoVolatileFields as clientInfoVolatile, ignoreValue, replaceText } from "../normalise.ts";

const manyArgs = Array.from({ length: 40 }, (_, i) => `argument-${String(i).padStart(2, "0")}`);

export const cases: DiffCase[] = [
  script("connection: PING without and with an argument", ["PING", "ping", "PiNg", "PING hello"]),
  { name: "connection: PING with an empty argument", cmds: [["PING", ""]] },
  script("connection: PING with two arguments is an arity error", ["PING a b", "PING a b c"]),
  { name: "connection: PING echoes binary bytes", cmds: [["PING", new Uint8Array([0, 255, 13, 10, 32])]] },

  script("connection: ECHO", ["ECHO hello", "echo x"]),
  { name: "connection: ECHO of empty and binary values", cmds: [["ECHO", ""], ["ECHO", new Uint8Array([0, 1, 255])]] },
  script("connection: ECHO arity errors", ["ECHO", "ECHO a b"]),

  script("connection: unknown command without arguments", ["NOSUCHCOMMAND", "nosuchcommand"]),
  script("connection: unknown command with arguments", ["NOSUCHCOMMAND a b c", "FOO 1"]),
  { name: "connection: unknown command with many arguments truncates the preview", cmds: [["FOO", ...manyArgs]] },
  {
    name: "connection: unknown command with one long argument truncates it",
    cmds: [["FOO", "x".repeat(300)], ["FOO", "y".repeat(127), "z".repeat(10)]],
  },
  { name: "connection: unknown command with a long name truncates the name", cmds: [["Q".repeat(300), "a"]] },
  {
    name: "connection: unknown command preview replaces CR and LF",
    cmds: [
      ["FOO", "a\r\nb"],
      ["BAR\nBAZ", "x"],
    ],
  },
  { name: "connection: unknown command with binary arguments", cmds: [["FOO", new Uint8Array([0, 255, 128])]] },
  {
    name: "connection: empty command name",
    cmds: [[""], ["", "a"], ["", ""]],
  },
  script("connection: the connection stays usable after an unknown command", ["NOSUCH", "PING"]),

  script(
    "connection: SELECT every valid database",
    Array.from({ length: 16 }, (_, db) => `SELECT ${db}`),
  ),
  script("connection: SELECT out of range and malformed", [
    "SELECT 16",
    "SELECT -1",
    "SELECT abc",
    "SELECT 1.5",
    "SELECT 99999999999999999999",
    "SELECT 0x1",
  ]),
  { name: "connection: SELECT empty and padded indexes", cmds: [["SELECT", ""], ["SELECT", " 1"], ["SELECT", "+1"]] },
  script("connection: SELECT arity errors", ["SELECT", "SELECT 1 2"]),
  script("connection: SELECT keeps databases apart", [
    "SET k zero",
    "SELECT 1",
    "GET k",
    "SET k one",
    "SELECT 0",
    "GET k",
    "SELECT 1",
    "GET k",
  ]),

  script("connection: HELLO without arguments reports the current protocol", ["HELLO"]),
  script("connection: HELLO switches protocols back and forth", ["HELLO 3", "PING", "HELLO 2", "PING", "HELLO 3"]),
  script("connection: HELLO with unsupported versions", ["HELLO 4", "HELLO 1", "HELLO 0", "HELLO -1", "HELLO 3000"]),
  script("connection: HELLO with a malformed version", ["HELLO abc", "HELLO 2.0"]),
  script("connection: HELLO SETNAME sets the client name", ["HELLO 3 SETNAME myname", "CLIENT GETNAME"]),
  {
    name: "connection: HELLO SETNAME rejects names with spaces",
    cmds: [["HELLO", "3", "SETNAME", "my name"], cmd("CLIENT GETNAME")],
  },
  script("connection: HELLO with missing option values", ["HELLO 3 SETNAME", "HELLO 3 AUTH default", "HELLO 3 AUTH"]),
  script("connection: HELLO with an unknown option", ["HELLO 3 BOGUS", "HELLO 2 setname a bogus"]),
  script("connection: HELLO AUTH with wrong credentials and no password set", [
    "HELLO 3 AUTH someone secret",
    "HELLO 2 AUTH default",
  ]),
  script("connection: AUTH with no password configured", ["AUTH secret", "AUTH someone secret", "AUTH", "AUTH a b c"]),

  script("connection: CLIENT GETNAME before and after SETNAME", [
    "CLIENT GETNAME",
    "CLIENT SETNAME alpha",
    "CLIENT GETNAME",
    "CLIENT SETNAME beta-2",
    "CLIENT GETNAME",
  ]),
  {
    name: "connection: CLIENT SETNAME rejects spaces, newlines and special characters",
    cmds: [
      ["CLIENT", "SETNAME", "a b"],
      ["CLIENT", "SETNAME", "a\nb"],
      ["CLIENT", "SETNAME", "a\x01b"],
      ["CLIENT", "SETNAME", "caf\u00e9"],
      ["CLIENT", "SETNAME", "tab\there"],
      cmd("CLIENT GETNAME"),
    ],
  },
  {
    name: "connection: CLIENT SETNAME with an empty name clears it",
    cmds: [cmd("CLIENT SETNAME named"), ["CLIENT", "SETNAME", ""], cmd("CLIENT GETNAME")],
  },
  script("connection: CLIENT SETNAME and GETNAME arity errors", [
    "CLIENT SETNAME",
    "CLIENT SETNAME a b",
    "CLIENT GETNAME extra",
  ]),
  script("connection: CLIENT without or with an unknown subcommand", ["CLIENT", "CLIENT BOGUS", "CLIENT bogus x"]),
  script("connection: CLIENT ID is an integer", ["CLIENT ID", "CLIENT ID extra"], [ignoreValue("CLIENT ID")]),
  script("connection: CLIENT INFO describes this connection", ["CLIENT INFO"], [
    replaceText(clientInfoVolatile, "CLIENT INFO"),
  ]),
  script(
    "connection: CLIENT INFO shows name, database and protocol",
    ["CLIENT SETNAME inspector", "SELECT 5", "HELLO 3", "CLIENT INFO"],
    [replaceText(clientInfoVolatile, "CLIENT INFO")],
  ),

  script("connection: QUIT replies OK and closes the connection", ["PING", "QUIT", "PING"]),
  script("connection: QUIT ignores extra arguments", ["QUIT now please"]),
  script("connection: RESET restores connection defaults", [
    "CLIENT SETNAME before-reset",
    "SELECT 7",
    "SET k in-db-7",
    "HELLO 3",
    "RESET",
    "CLIENT GETNAME",
    "GET k",
    "PING",
    "HELLO",
  ]),
  script("connection: RESET arity error", ["RESET now"]),
  script("connection: CLIENT UNBLOCK of clients that are not blocked, argument errors, declaration", [
    "CLIENT UNBLOCK 99999", "CLIENT UNBLOCK 99999 TIMEOUT", "CLIENT UNBLOCK 99999 error", "CLIENT UNBLOCK -1",
    "CLIENT UNBLOCK x", "CLIENT UNBLOCK x foo", "CLIENT UNBLOCK 1 foo", "CLIENT UNBLOCK 1 2 3", "CLIENT UNBLOCK",
    "COMMAND INFO CLIENT|UNBLOCK", "COMMAND DOCS CLIENT|UNBLOCK",
  ]),
  script("connection: CLIENT KILL errors for unknown users, clients and options", [
    "CLIENT KILL USER nobody",
    "CLIENT KILL ID 99999",
    "CLIENT KILL 1.2.3.4:5",
    "CLIENT KILL ID 0",
    "CLIENT KILL SKIPME maybe",
    "CLIENT KILL TYPE nonsense",
    "CLIENT KILL ID 1 EXTRA",
  ]),
];
