/**
 * The docs speak to the project's users about the project: never about how the work on it was
 * organised (who was asked to do what, in which session, for which issue). Scans README.md,
 * CONTRIBUTING.md, CHANGELOG.md and docs/.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..");

/** Wording about the work rather than the project, each with what it looks like. */
export const WORK_WORDING: readonly { readonly pattern: RegExp; readonly what: string }[] = [
  { pattern: /\bth(?:is|at|e) helper\b|\bhelper's area\b/i, what: "a helper (who did the work)" },
  { pattern: /\bthe issues?\b|\bissue #?\d+\b|\bthis issue\b/i, what: "an issue (why the work was done)" },
  {
    pattern:
      /\b(?:this|that|the|a|one|each|every|earlier|previous|next|last|same|coding|work) sessions?\b(?! manager)/i,
    what: "a session (when the work was done)",
  },
  {
    pattern: /\bcoordinator\b(?!-only)|\bworktree\b|\bthe brief\b|\bthis landing\b/i,
    what: "how the work was organised",
  },
  {
    pattern:
      /\b(?:was|were|we were|I was) asked to\b|\bas (?:asked|requested)\b|\bthe review(?:er)? (?:asked|found|names)\b/i,
    what: "who asked for the work",
  },
];

function markdownFiles(): string[] {
  const files = ["README.md", "CONTRIBUTING.md", "CHANGELOG.md"].filter((f) =>
    fs.existsSync(path.join(ROOT, f)),
  );
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = path.posix.join(dir, e.name);
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith(".md")) files.push(rel);
    }
  };
  walk("docs");
  return files;
}

/** Every line of `text` with wording about the work, as `line: text (what)`. */
export function workWording(text: string): string[] {
  const hits: string[] = [];
  text.split("\n").forEach((line, i) => {
    for (const { pattern, what } of WORK_WORDING) {
      const m = pattern.exec(line);
      if (m) hits.push(`${i + 1}: "${m[0]}" (${what})`);
    }
  });
  return hits;
}

describe("docs speak about the project, not about how the work was organised", () => {
  it("catches the wording it is meant to catch, and not the project's own words", () => {
    for (const bad of [
      "Files outside this helper's area touched for the fixes",
      "## The two fixes the issue names",
      "Done in this session: the gate.",
      "As the coordinator asked, ...",
      "Fixed for issue 23.",
      "We were asked to keep it.",
    ]) {
      assert.notDeepStrictEqual(workWording(bad), [], `not caught: ${bad}`);
    }
    for (const fine of [
      "`aws ssm start-session --target i-...`",
      "Every EC2 instance requires IMDSv2 (session tokens).",
      "reachable through Session Manager",
      "A `PackSession` starts the pack once.",
      "pure helpers (`network/instance.ts`) and test/helpers/mocks.ts",
      "the AWS-StartPortForwardingSessionToRemoteHost document",
      "one coordinator-only Trino node",
      "from a host of your own (for example a Session Manager instance)",
    ]) {
      assert.deepStrictEqual(workWording(fine), [], `caught by mistake: ${fine}`);
    }
  });

  for (const file of markdownFiles()) {
    it(file, () => {
      const hits = workWording(fs.readFileSync(path.join(ROOT, file), "utf8"));
      assert.deepStrictEqual(
        hits,
        [],
        `${file} speaks about the work, not the project:\n  ${hits.join("\n  ")}`,
      );
    });
  }
});
