// Number parsing and formatting agree with redis-server 7.0.15 (expected texts captured from ZADD/ZSCORE,
// INCRBYFLOAT and INCR replies).
import { describe, expect, test } from "bun:test";
import {
  addLongDouble,
  formatDouble17g,
  formatLongDouble,
  longDoubleFromInteger,
  longDoubleIsFinite,
  longDoubleToNumber,
  parseDouble,
  parseInteger,
  parseIntegerStrict,
  parseLongDouble,
  strtod,
} from "./numbers.ts";

function bytes(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

describe("parseInteger (string2ll)", () => {
  const cases: [string, number | bigint | null][] = [
    ["0", 0],
    ["1", 1],
    ["-1", -1],
    ["123", 123],
    ["999999999999999", 999999999999999],
    ["9007199254740991", 9007199254740991],
    ["9007199254740993", 9007199254740993n],
    ["-9007199254740991", -9007199254740991],
    ["9223372036854775807", 9223372036854775807n],
    ["-9223372036854775808", -9223372036854775808n],
    ["9223372036854775808", null],
    ["-9223372036854775809", null],
    ["99999999999999999999", null],
    ["-0", null],
    ["01", null],
    ["00", null],
    ["+1", null],
    [" 1", null],
    ["1 ", null],
    ["-", null],
    ["", null],
    ["1.0", null],
    ["1e3", null],
    ["0x10", null],
    ["1\u0000", null],
  ];
  for (const [input, want] of cases) {
    test(JSON.stringify(input), () => {
      expect(parseInteger(bytes(input))).toBe(want);
      expect(parseIntegerStrict(bytes(input))).toBe(want === null ? null : BigInt(want));
    });
  }
});

describe("parseDouble (string2d) and formatDouble17g (%.17g)", () => {
  // [ZADD score argument, ZSCORE reply] from redis-server 7.0.15 (skiplist encoding).
  const zscore: [string, string][] = [
    ["0.1", "0.10000000000000001"],
    ["1e20", "1e+20"],
    ["3.0", "3"],
    ["1.5e-7", "1.4999999999999999e-07"],
    ["-0.0", "-0"],
    ["0.3333333333333333", "0.33333333333333331"],
    ["1.00000762939453125", "1.0000076293945312"],
    ["123.456", "123.456"],
    ["1e16", "10000000000000000"],
    ["1e17", "1e+17"],
    ["4.9406564584124654e-324", "4.9406564584124654e-324"],
    ["1.7976931348623157e308", "1.7976931348623157e+308"],
    ["0.0001", "0.0001"],
    ["0.00001", "1.0000000000000001e-05"],
    ["2.5", "2.5"],
    ["-2.5e-5", "-2.5000000000000001e-05"],
    ["44167489297573432856.51718e-3", "44167489297573432"],
    ["9007199254740993", "9007199254740992"],
    ["0x1.8p1", "3"],
    ["inf", "inf"],
    ["-inf", "-inf"],
    ["+inf", "inf"],
    ["1e-310", "9.9999999999999694e-311"],
    ["100", "100"],
    ["-123456789.125", "-123456789.125"],
    ["5e-5", "5.0000000000000002e-05"],
    ["123456789012345678", "1.2345678901234568e+17"],
    ["0.000123456789012345678", "0.00012345678901234567"],
  ];
  for (const [input, reply] of zscore) {
    test(`${input} -> ${reply}`, () => {
      const d = parseDouble(bytes(input));
      expect(d).not.toBeNull();
      expect(formatDouble17g(d!)).toBe(reply);
    });
  }

  test("ties at the 17th digit round half to even like glibc, not away from zero like toPrecision", () => {
    // 1 + 2^-17 = 1.00000762939453125 exactly.
    expect((1 + 2 ** -17).toPrecision(17)).toBe("1.0000076293945313");
    expect(formatDouble17g(1 + 2 ** -17)).toBe("1.0000076293945312");
    expect(formatDouble17g(-(1 + 2 ** -17))).toBe("-1.0000076293945312");
    expect(formatDouble17g(1 + 3 * 2 ** -17)).toBe("1.0000228881835938");
  });

  test("NaN prints as nan", () => {
    expect(formatDouble17g(NaN)).toBe("nan");
  });

  // Each rejected by ZADD with "ERR value is not a valid float".
  const rejected = ["abc", " 1", "1 ", "nan", "", "1e", "0x", "1e5000", "1e-5000", "1\u0000", ".", "e5", "0x.p1", "2e-324", "1e309", "1_0"];
  for (const input of rejected) {
    test(`rejects ${JSON.stringify(input)}`, () => expect(parseDouble(bytes(input))).toBeNull());
  }

  const accepted: [string, number][] = [
    [".5", 0.5],
    ["5.", 5],
    ["+.5e+1", 5],
    ["-Infinity", -Infinity],
    ["INF", Infinity],
    ["0e-400", 0],
    ["00.5", 0.5],
    ["1.5E3", 1500],
    ["0X.8P-1", 0.25],
    ["0x1p-1074", 5e-324],
    ["3e-324", 5e-324],
  ];
  for (const [input, value] of accepted) {
    test(`accepts ${JSON.stringify(input)}`, () => expect(parseDouble(bytes(input))).toBe(value));
  }

  test("strtod converts a prefix and reports where it stopped", () => {
    expect(strtod(bytes("(1.5"), 1, 4)).toEqual({ value: 1.5, end: 4, outOfRange: false });
    expect(strtod(bytes("  2xyz"), 0, 6)).toEqual({ value: 2, end: 3, outOfRange: false });
    expect(strtod(bytes("1e400"), 0, 5)).toEqual({ value: Infinity, end: 5, outOfRange: true });
    expect(strtod(bytes("abc"), 0, 3).end).toBe(0);
  });
});

describe("long double (INCRBYFLOAT)", () => {
  // [stored value, increment, reply] from redis-server 7.0.15: SET k <a>; INCRBYFLOAT k <b>.
  const incrbyfloat: [string, string, string][] = [
    ["0", "0.1", "0.1"],
    ["0", "1e20", "100000000000000000000"],
    ["0", "3.0", "3"],
    ["0", "1.5e-7", "0.00000015"],
    ["0", "-0.0", "0"],
    ["1", "0.3333333333333333333333", "1.33333333333333333"],
    ["10.5", "0.1", "10.6"],
    ["0", "0.000003814697265625", "0.00000381469726562"],
    ["5.0e3", "2.0e2", "5200"],
    ["0", "-1e-30", "0"],
    ["3", "-3", "0"],
    ["0.1", "0.2", "0.3"],
    [
      "1e308",
      "1e308",
      "199999999999999999993371759311691291321120199694831134415594095989843469737676123744200253843777078640893494450108026446304269499187921167194841628860392837535918200039206381557326219209014213335878306791577877829121087126122536729803237260434173178506889763247582601711514636284849020905456510092687857156096",
    ],
    ["0", "0x1p-3", "0.125"],
    ["17179869184", "0.1", "17179869184.09999999962747097"],
    ["-1", "0.99999999999999999999", "0"],
    ["1.1", "-1.1", "0"],
    ["12345678901234567890", "1", "12345678901234567891"],
    ["0", "1e-17", "0.00000000000000001"],
    ["0", "5e-18", "0"],
    ["0", "15e-18", "0.00000000000000002"],
    ["0", "25e-18", "0.00000000000000002"],
  ];
  for (const [a, b, reply] of incrbyfloat) {
    test(`${a} + ${b} -> ${reply.length > 40 ? reply.slice(0, 40) + "..." : reply}`, () => {
      const x = parseLongDouble(bytes(a));
      const y = parseLongDouble(bytes(b));
      expect(x).not.toBeNull();
      expect(y).not.toBeNull();
      const sum = addLongDouble(x!, y!);
      expect(longDoubleIsFinite(sum)).toBe(true);
      expect(formatLongDouble(sum)).toBe(reply);
    });
  }

  // Each rejected by INCRBYFLOAT with "ERR value is not a valid float".
  for (const input of ["abc", " 1", "1 ", "nan", "", "1e", "0x", "1e5000", "1e-5000", "1\u0000", "\u0000"]) {
    test(`rejects ${JSON.stringify(input)}`, () => expect(parseLongDouble(bytes(input))).toBeNull());
  }

  test("infinity parses; sums that are not finite are flagged", () => {
    const inf = parseLongDouble(bytes("inf"))!;
    const negInf = parseLongDouble(bytes("-inf"))!;
    expect(longDoubleIsFinite(inf)).toBe(false);
    expect(formatLongDouble(addLongDouble(inf, negInf))).toBe("nan");
    const max = parseLongDouble(bytes("1e4932"))!;
    expect(longDoubleIsFinite(max)).toBe(true);
    expect(longDoubleIsFinite(addLongDouble(max, max))).toBe(false);
  });

  test("integers convert exactly and the nearest double is available", () => {
    expect(formatLongDouble(longDoubleFromInteger(-9223372036854775808n))).toBe("-9223372036854775808");
    expect(formatLongDouble(addLongDouble(longDoubleFromInteger(10), parseLongDouble(bytes("0.5"))!))).toBe("10.5");
    expect(longDoubleToNumber(parseLongDouble(bytes("0.1"))!)).toBe(0.1);
    expect(longDoubleToNumber(parseLongDouble(bytes("-1e4000"))!)).toBe(-Infinity);
  });
});
