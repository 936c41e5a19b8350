// The process tuning of bulk installs (src/tuning.ts): when it changes V8's flags, and that
// putting the default back keeps the launcher's V8 code caches valid for the next run.
import { Script } from "node:vm";
import { describe, expect, it } from "vitest";
import { BULK_INTERRUPT_BUDGET, NO_TUNING, v8Tuning } from "../src/index.ts";

function recorded(options: { v8Version: string; cores: number; env?: NodeJS.ProcessEnv }) {
  const flags: string[] = [];
  const tuning = v8Tuning({
    v8Version: options.v8Version,
    cores: () => options.cores,
    setFlags: (text) => flags.push(text),
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  return { tuning, flags };
}

describe("v8Tuning", () => {
  it("raises the interrupt budget once for a bulk install and puts the default back", () => {
    const { tuning, flags } = recorded({ v8Version: "11.3.244.8-node.33", cores: 2 });
    tuning.bulkInstall();
    tuning.bulkInstall();
    expect(flags).toEqual([`--interrupt-budget=${BULK_INTERRUPT_BUDGET}`]);
    tuning.restore();
    tuning.restore();
    expect(flags).toEqual([
      `--interrupt-budget=${BULK_INTERRUPT_BUDGET}`,
      "--interrupt-budget=67584",
    ]);
  });

  it("puts nothing back when nothing was changed", () => {
    const { tuning, flags } = recorded({ v8Version: "11.3.244.8", cores: 1 });
    tuning.restore();
    expect(flags).toEqual([]);
  });

  it("changes nothing with more cores, an unmeasured V8, or UV_TS_BULK_TUNING=0", () => {
    for (const options of [
      { v8Version: "11.3.244.8", cores: 4 },
      { v8Version: "12.4.254.21-node.33", cores: 2 },
      { v8Version: "11.30.1.1", cores: 2 },
      { v8Version: "11.3.244.8", cores: 2, env: { UV_TS_BULK_TUNING: "0" } },
    ]) {
      const { tuning, flags } = recorded(options);
      expect(tuning).toBe(NO_TUNING);
      tuning.bulkInstall();
      tuning.restore();
      expect(flags).toEqual([]);
    }
  });

  // What the restore is for, on the V8 the tuning is for: a code cache made before the change
  // is rejected while the flag differs (so a cache written at exit would be rejected by the next
  // run), and accepted again once the default is back.
  it.runIf(process.versions.v8.startsWith("11.3."))(
    "keeps V8 code caches valid once restored",
    () => {
      // V8 checks a cache against its source's length only, and a text compiled before is taken
      // from the isolate's own cache, cached data unread: each compile gets new text.
      let compiles = 0;
      const source = () => `(function tuned() { return 1${String(compiles++).padStart(5, "0")}; })`;
      const data = new Script(source()).createCachedData();
      const rejected = () => new Script(source(), { cachedData: data }).cachedDataRejected;
      expect(rejected()).toBe(false);
      const tuning = v8Tuning({ v8Version: process.versions.v8, cores: () => 2 });
      try {
        tuning.bulkInstall();
        expect(rejected()).toBe(true);
      } finally {
        tuning.restore();
      }
      expect(rejected()).toBe(false);
    },
  );
});
