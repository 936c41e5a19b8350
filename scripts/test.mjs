#!/usr/bin/env node
// Runs the whole test suite: builds the CLI bundle, prepares the Python reference venv, runs
// vitest, applies accepted snapshots, and ends with the line `N passed, N failed, N skipped`.
//
//   pnpm test                 all features (python, pypi, crates-io, git, slow)
//   pnpm test -u              accept every changed inline snapshot
//   pnpm test:offline         network features off, run with the network really cut
//   pnpm test -- <vitest args>  e.g. a file filter
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2).filter((a) => a !== "--");
const offline = args.includes("--offline");
const update = args.includes("-u") || args.includes("--update");
const passThrough = args.filter((a) => !["--offline", "-u", "--update"].includes(a));

function run(cmd, cmdArgs, env = process.env) {
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: "inherit", env });
  return r.status ?? 1;
}

if (run(process.execPath, ["scripts/bundle.mjs", "--quiet"]) !== 0) process.exit(1);
run(process.execPath, ["scripts/setup-test-python.mjs"]);

const env = { ...process.env, UV_TS_SKIP_BUILD: "1" };
if (update) env.UV_TS_SNAPSHOT_UPDATE = "1";
if (offline) {
  env.UV_TS_TEST_FEATURES = "python,slow";
  env.UV_TS_TEST_NETWORK_CUT = "1";
}

mkdirSync(`${root}target`, { recursive: true });
const report = `${root}target/vitest-report.json`;
rmSync(report, { force: true });
const failuresFile = `${root}target/test-failures${offline ? "-offline" : ""}.txt`;
rmSync(failuresFile, { force: true });
const vitest = `${root}node_modules/vitest/vitest.mjs`;
const vitestArgs = [
  vitest,
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${report}`,
  ...(update ? ["-u"] : []),
  ...passThrough,
];

let status;
if (offline) {
  // A new network namespace has no interfaces but a downed loopback: bring loopback up (the
  // local index server lives there) and nothing else, so every outside address is unreachable.
  const inner = `ip link set lo up 2>/dev/null || true; exec "${process.execPath}" ${vitestArgs.map((a) => `'${a}'`).join(" ")}`;
  status = run("unshare", ["-rn", "sh", "-c", inner], env);
} else {
  status = run(process.execPath, vitestArgs, env);
}

if (update && existsSync(`${root}scripts/snapshots-review.mjs`)) {
  run(process.execPath, ["scripts/snapshots-review.mjs", "--accept-all"]);
}

let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, "utf8"));
  passed = r.numPassedTests ?? 0;
  skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  // A failed test counts once (vitest's numFailedTestSuites also counts every file and describe
  // block around it); a file that failed with no failed test (an import error, a failing hook)
  // counts as one more.
  for (const file of r.testResults ?? []) {
    const name = relative(root, file.name);
    const failedTests = (file.assertionResults ?? []).filter((t) => t.status === "failed");
    for (const test of failedTests) {
      failures.push({ title: `${name} > ${test.fullName}`, message: test.failureMessages?.[0] });
    }
    if (file.status === "failed" && failedTests.length === 0) {
      failures.push({ title: name, message: file.message });
    }
  }
  failed = failures.length;
} else {
  failed = 1;
  failures.push({ title: "vitest wrote no report" });
}
if (status !== 0 && failed === 0) {
  failed = 1;
  failures.push({ title: `vitest exited with ${status}` });
}
// What failed, short, also kept in a file so that CI can print it again at the very end of its log.
const summary = failures.map(
  ({ title, message }) =>
    `FAILED ${title}${
      message
        ? `\n${message
            .split("\n")
            .filter((l) => !/^\s+at .*node_modules/.test(l))
            .slice(0, 25)
            .map((l) => `    ${l}`)
            .join("\n")}`
        : ""
    }`,
);
writeFileSync(failuresFile, summary.map((s) => `${s}\n`).join(""));
if (summary.length > 0) console.log(summary.join("\n"));
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
