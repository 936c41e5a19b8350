// Builds the CLI bundle once before any test runs, so that integration tests always exercise the
// current sources, whether vitest was started by `pnpm test` or directly.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export default function setup(): void {
  if (process.env.UV_TS_SKIP_BUILD === "1") return;
  const script = fileURLToPath(new URL("./bundle.mjs", import.meta.url));
  execFileSync(process.execPath, [script, "--quiet"], { stdio: "inherit" });
}
