/**
 * The checks of a user's event schema (`datalake:format`), each problem one sentence naming the
 * setting and the fix. A `text` schema's pattern must also be free of catastrophic backtracking:
 * it runs in the forwarder on every event and in the ETL job on every raw line, and one
 * vulnerable pattern would stall both on a hostile or unlucky line. The check is recheck's
 * (https://makenowjust-labs.github.io/recheck/, pinned in package.json), run in its pure
 * JavaScript build: it reports a pattern as `vulnerable` with the attack string and the hotspot
 * (the part of the pattern that backtracks), or `unknown` when it cannot decide, which is
 * rejected too. The raw tables read a text format's lines with Java's engine (javaRegex.ts), so a
 * pattern Java would read differently (an unnamed capturing group, among others) is refused as well.
 */
import { checkSync } from "recheck";
import { javaRegexProblem } from "./javaRegex";
import {
  EventSchema,
  FIELD_NAME_PATTERN,
  RESERVED_FIELD_NAMES,
  STRFTIME_TO_JAVA,
  TIME_FORMAT_KEYWORDS,
  strftimeToJava,
} from "./schema";

/** A problem: the path of the setting under `datalake:format`, and the sentence. */
export interface SchemaProblem {
  readonly path: (string | number)[];
  readonly message: string;
}

/**
 * The named groups of a pattern, in order: every `(?<name>` outside a character class whose `(`
 * is not escaped (lookbehinds `(?<=` and `(?<!` are not groups).
 */
export function namedGroups(pattern: string): string[] {
  const names: string[] = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") inClass = true;
    else if (c === "(" && pattern.startsWith("(?<", i)) {
      const m = /^\(\?<([A-Za-z_$][\w$]*)>/.exec(pattern.slice(i, i + 140));
      if (m) names.push(m[1]);
    }
  }
  return names;
}

/**
 * Parameters of recheck: its automaton checker, which decides exactly whether a pattern can
 * backtrack super-linearly (its fuzz checker, the fallback for lookarounds and backreferences,
 * samples and can be wrong both ways, so a pattern that needs it is rejected instead), bounded so
 * that a config check stays short.
 */
const RECHECK_PARAMS = { timeout: 10_000, checker: "automaton" } as const;

/** Why a pattern may backtrack catastrophically (one sentence), or undefined when recheck finds it safe. */
export function redosProblem(pattern: string): string | undefined {
  const d = checkSync(pattern, "", RECHECK_PARAMS);
  if (d.status === "safe") return undefined;
  if (d.status === "vulnerable") {
    const hot = [...new Set(d.hotspot.map((h) => pattern.slice(h.start, h.end)))].filter((s) => s.length > 0);
    const where = hot.length ? `the part ${hot.map((h) => JSON.stringify(h)).join(" and ")}` : "the pattern";
    return `can backtrack catastrophically (${d.complexity.type}${
      d.complexity.type === "polynomial" ? ` degree ${d.complexity.degree}` : ""
    } time, recheck): ${where} can match the same text in many ways, as on ${JSON.stringify(
      d.attack.string.slice(0, 40),
    )}…; make the pieces next to each other unable to match the same characters (e.g. [^ ]+ instead of .* before a space)`;
  }
  const reason =
    "message" in d.error && d.error.message ? `${d.error.kind}: ${d.error.message}` : d.error.kind;
  return `could not be proven free of catastrophic backtracking (recheck, ${reason}); write it without lookarounds and backreferences, which the check cannot decide`;
}

/** Every problem of a schema (empty when it is good). */
export function schemaProblems(s: EventSchema): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const add = (path: (string | number)[], message: string) => problems.push({ path, message });
  const names = s.fields.map((f) => f.name);
  s.fields.forEach((f, i) => {
    if (!FIELD_NAME_PATTERN.test(f.name)) {
      add(
        ["fields", i, "name"],
        "must start with a lowercase letter and use a-z, 0-9 and _ (at most 128), the names both OpenSearch fields and Glue columns take; rename the field",
      );
    } else if ((RESERVED_FIELD_NAMES as readonly string[]).includes(f.name)) {
      add(
        ["fields", i, "name"],
        `is reserved for the lake (${RESERVED_FIELD_NAMES.join(", ")}: partition keys, the curated event time and the map of undeclared keys); rename the field`,
      );
    }
    if (names.indexOf(f.name) !== i) {
      add(["fields", i, "name"], "is declared twice; declare each field once");
    }
  });
  const time = s.fields.find((f) => f.name === s.timeField);
  if (!time) {
    add(
      ["timeField"],
      `names no declared field; declare it in format.fields with type timestamp, or name one of ${names.join(", ")}`,
    );
  } else if (time.type !== "timestamp") {
    add(["timeField"], `names a field of type ${time.type}; declare that field with type timestamp`);
  }
  if (!(TIME_FORMAT_KEYWORDS as readonly string[]).includes(s.timeFormat)) {
    if (!s.timeFormat.includes("%")) {
      add(
        ["timeFormat"],
        `must be ${TIME_FORMAT_KEYWORDS.join(" or ")}, or a strftime pattern with its offset such as %Y-%m-%d %H:%M:%S%z`,
      );
    } else {
      try {
        strftimeToJava(s.timeFormat);
        const missing = ["%Y", "%m", "%d", "%H", "%M", "%S", "%z"].filter((d) => !s.timeFormat.includes(d));
        if (missing.length) {
          add(
            ["timeFormat"],
            `lacks ${missing.join(", ")}; a strftime time needs the date, the time to the second and the offset (%z), or the lake cannot place events in UTC`,
          );
        }
      } catch (err) {
        add(
          ["timeFormat"],
          `uses ${(err as Error).message.replace(/^unknown strftime directive /, "the unknown directive ")}; use only ${Object.keys(STRFTIME_TO_JAVA).join(" ")}`,
        );
      }
    }
  }
  if (s.keywordField !== undefined) {
    const k = s.fields.find((f) => f.name === s.keywordField);
    if (!k || k.type !== "string") {
      add(
        ["keywordField"],
        "must name a declared field of type string (the generic queries count its values)",
      );
    }
  }
  if (s.kind === "json" && s.pattern !== undefined) {
    add(["pattern"], 'is only for kind "text" (a JSON event is taken as is); remove it or set kind: text');
  }
  if (s.kind === "text") {
    if (s.pattern === undefined) {
      add(
        ["pattern"],
        'is required for kind "text": a regular expression with one named group (?<name>...) per field',
      );
    } else {
      problems.push(...patternProblems(s.pattern, names));
    }
  }
  return problems;
}

function patternProblems(pattern: string, names: string[]): SchemaProblem[] {
  const at = (message: string): SchemaProblem => ({ path: ["pattern"], message });
  try {
    new RegExp(pattern);
  } catch (err) {
    return [at(`is not a valid regular expression (${(err as Error).message}); fix its syntax`)];
  }
  if (pattern.includes("/")) {
    return [
      at("contains /, which the agent's configuration cannot hold; match it with [/] removed, e.g. \\x2F"),
    ];
  }
  const groups = namedGroups(pattern);
  const missing = names.filter((n) => !groups.includes(n));
  const extra = groups.filter((g) => !names.includes(g));
  if (missing.length || extra.length) {
    return [
      at(
        [
          missing.length ? `has no named group for the field(s) ${missing.join(", ")}` : "",
          extra.length ? `has named group(s) ${extra.join(", ")} that no field declares` : "",
        ]
          .filter(Boolean)
          .join(" and ") + "; give each declared field exactly one (?<name>...) group",
      ),
    ];
  }
  const redos = redosProblem(pattern);
  if (redos) return [at(redos)];
  // The raw tables read the lines with Java's regex engine (Hive's RegexSerDe): what it would
  // read differently from JavaScript, or could not give a column per field, is refused here.
  const java = javaRegexProblem(pattern, names);
  return java ? [at(java)] : [];
}
