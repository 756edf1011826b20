/**
 * A `text` format's pattern as the raw tables read it. The format's pattern is a JavaScript regular
 * expression with one named group per field (the config compiles it with `new RegExp`), and its
 * meaning is what `RegExp.exec` does with a line: the first match anywhere in it. The raw tables read the same lines with Hive's RegexSerDe
 * (Athena, Redshift Spectrum), which takes a `java.util.regex` pattern (`input.regex`), compiles it
 * with DOTALL, requires it to match the whole line (`Matcher.matches()`) and fills the table's
 * columns from its capturing groups by position (Hive's RegexSerDe; Trino's Hive connector
 * reproduces it, lib/trino-hive-formats RegexDeserializer, "bug for bug compatible with Hive
 * RegexSerde"). {@link javaRegexOf} writes the Java pattern that accepts exactly the lines the
 * JavaScript pattern matches and captures the same text into the columns, in field order:
 *
 * - named groups become plain groups (Java group names cannot hold `_`, and the SerDe ignores
 *   names anyway); a pattern that does not touch both ends of the line is wrapped in `[any]*?(?:…)[any]*`,
 *   which turns `matches()` into JavaScript's leftmost search with the same captures;
 * - constructs both engines write alike but read differently are rewritten: `.` (Java's DOTALL
 *   takes line separators JavaScript's dot refuses), `\s` and `\S` (JavaScript's include U+00A0,
 *   U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000 and U+FEFF, Java's only ASCII),
 *   `$` (Java's also matches before a final U+0085, U+2028 or U+2029), `\b` and `\B` (Java's word
 *   boundary follows Unicode letters in older JDKs), `\v` (a class of vertical space in Java),
 *   `\cX` (Java's lowercase control letters differ), `[\b]`, `\0`, `[^]` and `[]`, and the
 *   characters JavaScript takes literally where Java would not (`{` `}` `]` outside a class, `[`
 *   `&` and a dash that makes no range inside one);
 * - what cannot be rewritten exactly is refused with one sentence ({@link JavaRegexError}):
 *   unnamed capturing groups (each would be a column), groups out of field order, backreferences
 *   and octal escapes, lookbehinds, inline flags, escaped letters JavaScript reads as the letter
 *   itself, a group inside a repeated group (JavaScript clears its capture on every repetition,
 *   Java keeps it), and a group of varying width repeated without a small bound (Java recurses
 *   once per repetition: on Trino 476 `(?:a|b)*` failed the whole query with a StackOverflowError
 *   on a line of 3,001 characters, where 2,001 still passed).
 *
 * One difference remains and is documented (docs/sources.md): JavaScript counts a character beyond
 * U+FFFF (an emoji) as two, Java as one, so a pattern that counts characters (`.{3}`) can split
 * such a line differently.
 *
 * Pure and dependency-free; the config check (schemaCheck.ts), the BatchLayer's argument check
 * (components/batch/settings.ts) and the Glue table definition (components/batch/catalog.ts) call it.
 */

/** What JavaScript's `\s` matches (ECMAScript WhiteSpace and LineTerminator), as code point ranges. */
export const JS_WHITESPACE: readonly (readonly [number, number])[] = [
  [0x09, 0x0d],
  [0x20, 0x20],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff],
];

/** The characters JavaScript's `.` does not match. */
export const JS_LINE_TERMINATORS: readonly number[] = [0x0a, 0x0d, 0x2028, 0x2029];

/** How many times a group of varying width may repeat (Java matches each repetition one call deeper). */
export const MAX_GROUP_REPETITIONS = 100;

const MAX_CODE_POINT = 0x10ffff;

/**
 * A code point as a regex escape, safe inside and outside a class: `\xhh`, or `\x{h…}` beyond
 * U+00FF (Java reads both; unlike `\uhhhh`, so do RE2 and PCRE, in case an engine other than
 * Java's ever reads the table).
 */
function javaChar(cp: number): string {
  if (cp < 0x100) return `\\x${cp.toString(16).padStart(2, "0")}`;
  return `\\x{${cp.toString(16)}}`;
}

function rangesText(ranges: readonly (readonly [number, number])[]): string {
  return ranges.map(([a, b]) => (a === b ? javaChar(a) : `${javaChar(a)}-${javaChar(b)}`)).join("");
}

/** The code points outside `ranges` (sorted, disjoint), up to U+10FFFF. */
function complement(ranges: readonly (readonly [number, number])[]): [number, number][] {
  const out: [number, number][] = [];
  let next = 0;
  for (const [a, b] of ranges) {
    if (a > next) out.push([next, a - 1]);
    next = b + 1;
  }
  if (next <= MAX_CODE_POINT) out.push([next, MAX_CODE_POINT]);
  return out;
}

/** Class contents (without brackets) of JavaScript's `\s` and `\S`, and of "any character". */
const WHITESPACE = rangesText(JS_WHITESPACE);
const NOT_WHITESPACE = rangesText(complement(JS_WHITESPACE));
const ANY = rangesText([[0, MAX_CODE_POINT]]);
/** JavaScript's `.`. */
const DOT = `[^${JS_LINE_TERMINATORS.map(javaChar).join("")}]`;
const WORD_BOUNDARY = "(?:(?<=\\w)(?!\\w)|(?<!\\w)(?=\\w))";
const NOT_WORD_BOUNDARY = "(?:(?<=\\w)(?=\\w)|(?<!\\w)(?!\\w))";

/** A pattern the raw tables cannot read as JavaScript does; the message completes "pattern is …: ". */
export class JavaRegexError extends Error {}

type Alternation = Sequence[];
type Sequence = Term[];

interface Quantifier {
  readonly min: number;
  readonly max: number;
  /** As written (`*`, `{2,5}?`...): Java writes quantifiers as JavaScript does. */
  readonly text: string;
}

type Atom =
  /** One character, or a class of single characters. */
  | { readonly kind: "char"; readonly java: string }
  /** `^` or `$`. */
  | { readonly kind: "anchor"; readonly java: string; readonly js: "^" | "$" }
  /** `\b` or `\B`, rewritten with lookarounds (an alternation in Java). */
  | { readonly kind: "boundary"; readonly java: string }
  | {
      readonly kind: "group";
      readonly open: "(" | "(?:" | "(?=" | "(?!";
      readonly name?: string;
      readonly at: number;
      readonly body: Alternation;
    };

interface Term {
  readonly atom: Atom;
  readonly quantifier?: Quantifier;
  readonly at: number;
}

const ASCII_LETTER = /^[A-Za-z]$/;
const HEX2 = /^[0-9A-Fa-f]{2}$/;
const HEX4 = /^[0-9A-Fa-f]{4}$/;
const QUANTIFIER_BRACES = /^\{(\d+)(?:(,)(\d*))?\}/;

function identityEscape(pattern: string, at: number): JavaRegexError {
  const c = pattern[at + 1];
  return new JavaRegexError(
    `uses ${JSON.stringify(`\\${c}`)} at character ${at + 1}, which JavaScript reads as the letter ${c} and Java (the raw table's RegexSerDe) as something else or an error; write ${c} without the backslash`,
  );
}

function backreference(at: number, text: string): JavaRegexError {
  return new JavaRegexError(
    `uses ${JSON.stringify(text)} at character ${at + 1}, a backreference or an octal escape, which Java (the raw table's RegexSerDe) reads differently from JavaScript; match the text again explicitly, and write a character by its code as \\xhh`,
  );
}

/** Parses a JavaScript pattern (no flags, Annex B syntax, already accepted by `new RegExp`). */
class Parser {
  private i = 0;
  constructor(private readonly p: string) {}

  parse(): Alternation {
    const alt = this.alternation();
    if (this.i < this.p.length)
      throw new JavaRegexError(
        `has an unmatched ) at character ${this.i + 1}; remove it or escape it as \\)`,
      );
    return alt;
  }

  private alternation(): Alternation {
    const alts: Alternation = [this.sequence()];
    while (this.p[this.i] === "|") {
      this.i++;
      alts.push(this.sequence());
    }
    return alts;
  }

  private sequence(): Sequence {
    const seq: Sequence = [];
    while (this.i < this.p.length && this.p[this.i] !== "|" && this.p[this.i] !== ")") {
      const at = this.i;
      const atom = this.atom();
      const quantifier = this.quantifier();
      seq.push(quantifier ? { atom, quantifier, at } : { atom, at });
    }
    return seq;
  }

  private quantifier(): Quantifier | undefined {
    const start = this.i;
    const c = this.p[this.i];
    let min: number;
    let max: number;
    if (c === "*" || c === "+" || c === "?") {
      this.i++;
      [min, max] = c === "*" ? [0, Infinity] : c === "+" ? [1, Infinity] : [0, 1];
    } else {
      const m = c === "{" ? QUANTIFIER_BRACES.exec(this.p.slice(this.i)) : null;
      if (!m) return undefined;
      this.i += m[0].length;
      min = Number(m[1]);
      max = m[2] ? (m[3] ? Number(m[3]) : Infinity) : min;
    }
    if (this.p[this.i] === "?") this.i++;
    return { min, max, text: this.p.slice(start, this.i) };
  }

  private atom(): Atom {
    const p = this.p;
    const at = this.i;
    const c = p[this.i];
    if (c === "(") return this.group();
    if (c === "[") return this.charClass();
    this.i++;
    switch (c) {
      case ".":
        return { kind: "char", java: DOT };
      case "^":
        return { kind: "anchor", java: "^", js: "^" };
      case "$":
        return { kind: "anchor", java: "\\z", js: "$" };
      case "\\":
        return this.escape(at);
      case "{":
        if (QUANTIFIER_BRACES.test(p.slice(at))) {
          throw new JavaRegexError(
            `has a quantifier with nothing to repeat at character ${at + 1}; put what it repeats before it, or escape it`,
          );
        }
        return { kind: "char", java: "\\{" };
      case "}":
      case "]":
        return { kind: "char", java: `\\${c}` };
      case "*":
      case "+":
      case "?":
        throw new JavaRegexError(
          `has a quantifier with nothing to repeat at character ${at + 1}; put what it repeats before it, or escape it`,
        );
      default:
        return { kind: "char", java: c };
    }
  }

  private group(): Atom {
    const p = this.p;
    const at = this.i;
    let open: "(" | "(?:" | "(?=" | "(?!";
    let name: string | undefined;
    if (p.startsWith("(?:", at) || p.startsWith("(?=", at) || p.startsWith("(?!", at)) {
      open = p.slice(at, at + 3) as "(?:" | "(?=" | "(?!";
      this.i += 3;
    } else if (p.startsWith("(?<=", at) || p.startsWith("(?<!", at)) {
      throw new JavaRegexError(
        `has a lookbehind ${p.slice(at, at + 4)}...) at character ${at + 1}, which Java (the raw table's RegexSerDe) allows only with a bounded length and reads differently; rewrite the pattern without it`,
      );
    } else if (p.startsWith("(?<", at)) {
      const m = /^\(\?<([A-Za-z_$][\w$]*)>/.exec(p.slice(at, at + 140));
      if (!m)
        throw new JavaRegexError(
          `has a group name Java cannot read at character ${at + 1}; name groups after the fields (a-z, 0-9, _)`,
        );
      open = "(";
      name = m[1];
      this.i += m[0].length;
    } else if (p.startsWith("(?", at)) {
      throw new JavaRegexError(
        `has inline flags ${p.slice(at, at + 4)}... at character ${at + 1}, which JavaScript and Java (the raw table's RegexSerDe) apply differently; write the cases out instead, e.g. [Aa]`,
      );
    } else {
      throw new JavaRegexError(
        `has an unnamed capturing group ( at character ${at + 1}; the raw table's RegexSerDe makes every capturing group a column, so write it as a non-capturing group (?:...)`,
      );
    }
    const body = this.alternation();
    if (p[this.i] !== ")")
      throw new JavaRegexError(`has an unclosed group at character ${at + 1}; close it with )`);
    this.i++;
    return { kind: "group", open, name, at, body };
  }

  /** `\` outside a class (the backslash at `at`, this.i just past it). */
  private escape(at: number): Atom {
    const p = this.p;
    const c = p[this.i];
    if (c === undefined)
      throw new JavaRegexError("ends with a lone backslash; escape it as \\\\ or remove it");
    this.i++;
    switch (c) {
      case "d":
      case "D":
      case "w":
      case "W":
      case "t":
      case "n":
      case "r":
      case "f":
        return { kind: "char", java: `\\${c}` };
      case "s":
        return { kind: "char", java: `[${WHITESPACE}]` };
      case "S":
        return { kind: "char", java: `[^${WHITESPACE}]` };
      case "b":
        return { kind: "boundary", java: WORD_BOUNDARY };
      case "B":
        return { kind: "boundary", java: NOT_WORD_BOUNDARY };
    }
    return { kind: "char", java: this.charEscape(at, c, false) };
  }

  /**
   * The Java text of a one-character escape `\c…` (outside or inside a class), past `c` already;
   * throws for escapes that are not one character or that Java reads differently.
   */
  private charEscape(at: number, c: string, inClass: boolean): string {
    const p = this.p;
    if (c === "v") return javaChar(0x0b);
    if (c === "0" && !/[0-9]/.test(p[this.i] ?? "")) return javaChar(0);
    if (/[0-9]/.test(c)) {
      const digits = /^\d*/.exec(p.slice(this.i))?.[0] ?? "";
      throw backreference(at, `\\${c}${digits}`);
    }
    if (c === "c") {
      const l = p[this.i] ?? "";
      if (ASCII_LETTER.test(l) || (inClass && /[0-9_]/.test(l))) {
        this.i++;
        return javaChar(l.charCodeAt(0) % 32);
      }
      throw identityEscape(p, at);
    }
    if (c === "x" && HEX2.test(p.slice(this.i, this.i + 2))) {
      this.i += 2;
      return javaChar(parseInt(p.slice(this.i - 2, this.i), 16));
    }
    if (c === "u" && HEX4.test(p.slice(this.i, this.i + 4))) {
      let cp = parseInt(p.slice(this.i, this.i + 4), 16);
      this.i += 4;
      // \uD83D\uDE00 in JavaScript is the two halves of one character beyond U+FFFF, which Java matches as one.
      const low = /^\\u([0-9A-Fa-f]{4})/.exec(p.slice(this.i));
      if (cp >= 0xd800 && cp <= 0xdbff && low && /^[dD][c-fC-F]/.test(low[1])) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (parseInt(low[1], 16) - 0xdc00);
        this.i += 6;
      }
      return javaChar(cp);
    }
    if (c === "k" && !inClass && p[this.i] === "<") {
      const end = p.indexOf(">", this.i);
      throw backreference(at, p.slice(at, end < 0 ? p.length : end + 1));
    }
    if (/[A-Za-z]/.test(c)) throw identityEscape(p, at);
    // Any other escaped character is that character in both engines; Java takes a backslash before
    // any ASCII character that is not a letter or digit, and needs none before the rest.
    return c.charCodeAt(0) < 0x80 ? `\\${c}` : c;
  }

  /** `[...]`: the Java class of the same characters. */
  private charClass(): Atom {
    const p = this.p;
    const at = this.i;
    this.i++;
    const negated = p[this.i] === "^";
    if (negated) this.i++;
    if (p[this.i] === "]") {
      this.i++;
      // JavaScript's [] matches nothing and [^] anything; Java has no empty class.
      return { kind: "char", java: negated ? `[${ANY}]` : `[^${ANY}]` };
    }
    let body = "";
    for (;;) {
      if (this.i >= p.length)
        throw new JavaRegexError(
          `has an unclosed [ at character ${at + 1}; close the class with ] or escape it as \\[`,
        );
      if (p[this.i] === "]") break;
      const first = this.classAtom();
      if (p[this.i] === "-" && p[this.i + 1] !== "]" && this.i + 1 < p.length) {
        this.i++;
        const last = this.classAtom();
        // A range needs one character at each end; JavaScript reads [\d-z] as \d, - and z.
        body += first.single && last.single ? `${first.java}-${last.java}` : `${first.java}\\-${last.java}`;
      } else {
        body += first.java;
      }
    }
    this.i++;
    return { kind: "char", java: `[${negated ? "^" : ""}${body}]` };
  }

  private classAtom(): { java: string; single: boolean } {
    const p = this.p;
    const at = this.i;
    const c = p[this.i++];
    if (c !== "\\") {
      // Java reads [ (a nested class), && (an intersection) and ^ anywhere in a class specially.
      return { java: c === "[" || c === "&" || c === "^" || c === "-" ? `\\${c}` : c, single: true };
    }
    const e = p[this.i];
    if (e === undefined)
      throw new JavaRegexError("ends with a lone backslash; escape it as \\\\ or remove it");
    this.i++;
    switch (e) {
      case "d":
      case "D":
      case "w":
      case "W":
        return { java: `\\${e}`, single: false };
      case "s":
        return { java: WHITESPACE, single: false };
      case "S":
        return { java: NOT_WHITESPACE, single: false };
      case "b":
        return { java: javaChar(0x08), single: true };
      case "t":
      case "n":
      case "r":
      case "f":
        return { java: `\\${e}`, single: true };
      case "-":
        return { java: "\\-", single: true };
    }
    return { java: this.charEscape(at, e, true), single: true };
  }
}

/** The width of what matches (characters), or undefined when it varies or Java treats it as varying. */
function width(alt: Alternation): number | undefined {
  // Java's Pattern treats any alternation as of varying width (Branch.study).
  if (alt.length !== 1) return undefined;
  let sum = 0;
  for (const term of alt[0]) {
    const a = term.atom;
    const w =
      a.kind === "char"
        ? 1
        : a.kind === "anchor"
          ? 0
          : a.kind === "boundary"
            ? undefined
            : a.open === "(?=" || a.open === "(?!"
              ? 0
              : width(a.body);
    if (w === undefined) return undefined;
    const q = term.quantifier;
    if (q && q.min !== q.max) return undefined;
    sum += w * (q ? q.min : 1);
  }
  return sum;
}

/** Throws for what Java reads differently; collects the named groups in order into `names`. */
function check(alt: Alternation, insideRepeat: boolean, names: string[]): void {
  for (const seq of alt) {
    for (const term of seq) {
      const a = term.atom;
      if (a.kind !== "group") continue;
      if (a.name !== undefined) {
        if (insideRepeat) {
          throw new JavaRegexError(
            `puts the group ${a.name} inside a repeated group (at character ${a.at + 1}), whose captures JavaScript clears on every repetition and Java (the raw table's RegexSerDe) keeps; capture the whole repetition instead, e.g. (?<${a.name}>(?:...)*)`,
          );
        }
        names.push(a.name);
      }
      const q = term.quantifier;
      const repeats = q !== undefined && q.max > 1;
      if (repeats && q.max > MAX_GROUP_REPETITIONS && width(a.body) === undefined) {
        throw new JavaRegexError(
          `repeats the group at character ${a.at + 1} with ${q.text}, which Java (the raw table's RegexSerDe) matches one call deeper per repetition, so a long line fails every query that reads it; repeat a character class instead (e.g. [^ ]* rather than (?:[^ ] ?)*), or bound the repetition to at most ${MAX_GROUP_REPETITIONS}`,
        );
      }
      check(a.body, insideRepeat || repeats, names);
    }
  }
}

function emit(alt: Alternation): string {
  return alt
    .map((seq) =>
      seq
        .map((t) => {
          const a = t.atom;
          const body = a.kind === "group" ? `${a.open}${emit(a.body)})` : a.java;
          return body + (t.quantifier?.text ?? "");
        })
        .join(""),
    )
    .join("|");
}

/** True when the pattern is one alternative from ^ to $: matching it anywhere is matching the whole line. */
function anchoredAtBothEnds(alt: Alternation): boolean {
  if (alt.length !== 1 || alt[0].length === 0) return false;
  const [first, last] = [alt[0][0], alt[0][alt[0].length - 1]];
  const is = (t: Term, js: "^" | "$") => t.atom.kind === "anchor" && t.atom.js === js && !t.quantifier;
  return is(first, "^") && is(last, "$");
}

/**
 * The Java pattern (`input.regex` of Hive's RegexSerDe) of a `text` format's JavaScript pattern
 * whose named groups are `fieldNames`, in that order; throws {@link JavaRegexError} when the two
 * engines cannot be made to read it alike.
 */
export function javaRegexOf(pattern: string, fieldNames: readonly string[]): string {
  const tree = new Parser(pattern).parse();
  const names: string[] = [];
  check(tree, false, names);
  const twice = names.filter((n, i) => names.indexOf(n) !== i);
  if (twice.length) {
    throw new JavaRegexError(
      `names the group(s) ${[...new Set(twice)].join(", ")} more than once; give each declared field exactly one (?<name>...) group`,
    );
  }
  if (names.join("\n") !== fieldNames.join("\n")) {
    const sameSet = names.length === fieldNames.length && names.every((n) => fieldNames.includes(n));
    throw new JavaRegexError(
      sameSet
        ? `has its groups in the order ${names.join(", ")} but format.fields declares ${fieldNames.join(", ")}; declare the fields in the pattern's order, since the raw table's RegexSerDe fills its columns from the groups by position`
        : `has the named groups ${names.join(", ")} for the fields ${fieldNames.join(", ")}; give each declared field exactly one (?<name>...) group`,
    );
  }
  const java = emit(tree);
  return anchoredAtBothEnds(tree) ? java : `[${ANY}]*?(?:${java})[${ANY}]*`;
}

/** Why the raw tables cannot read the pattern as JavaScript does (one sentence), or undefined. */
export function javaRegexProblem(pattern: string, fieldNames: readonly string[]): string | undefined {
  try {
    javaRegexOf(pattern, fieldNames);
    return undefined;
  } catch (err) {
    if (err instanceof JavaRegexError) return err.message;
    throw err;
  }
}
