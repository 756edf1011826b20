// Mocha's options (every `npm run test:*` and `npx mocha` read them).
// Node.js 22.18+ (and 22.6+ with a flag) strips TypeScript types itself: mocha's import() of a .ts
// test would then load it as an ES module of Node's own, bypassing esbuild-register (no
// `__dirname`, no `require`). The test processes switch that off where the flag exists, so the
// tests run the same way on Node.js 22 and later as through esbuild-register everywhere else.
"use strict";
const nodeStripsTypes = process.allowedNodeEnvironmentFlags.has("--experimental-strip-types");

module.exports = {
  require: ["esbuild-register", "test/helpers/fixtures.ts"],
  recursive: true,
  timeout: 120000,
  reporter: "./test/helpers/summary-reporter.js",
  ...(nodeStripsTypes ? { "node-option": ["no-experimental-strip-types"] } : {}),
};
