#!/usr/bin/env node
// The libuv pool runs fs and zlib work; its default of 4 throttles installs. It must be set
// before anything touches the pool, hence here, before the bundle is imported.
if (process.env.UV_THREADPOOL_SIZE === undefined) process.env.UV_THREADPOOL_SIZE = "16";
import("../dist/uv-ts.mjs").then(
  (m) => m.runFromProcess(),
  (error) => {
    process.stderr.write(
      `error: the uv-ts bundle is missing or broken; run \`pnpm build\` (${error.message})\n`,
    );
    process.exitCode = 2;
  },
);
