import { describe, expect, it } from "vitest";
import { testEnvironment } from "../src/environment.ts";

const dirs = {
  root: "/r",
  cacheDir: "/r/cache",
  homeDir: "/r/home",
  binDir: "/r/bin",
  pythonDirs: ["/r/python/3.12", "/r/python/3.11"],
};

describe("testEnvironment", () => {
  const host = {
    PATH: "/root/.pyenv/shims:/usr/local/bin:/home/me/proj/.venv/bin:/usr/bin",
    UV_CACHE_DIR: "/host/cache",
    UV_INDEX_URL: "https://example.org",
    VIRTUAL_ENV: "/home/me/proj/.venv",
    PIP_INDEX_URL: "https://example.org",
    CONDA_PREFIX: "/opt/conda",
    PYTHONPATH: "/somewhere",
    PYTHONHOME: "/somewhere",
    HOME: "/root",
    XDG_CONFIG_HOME: "/root/.config",
    SECRET_TOKEN: "x",
    HTTPS_PROXY: "http://proxy:3128",
    TMPDIR: "/tmp",
  };
  const env = testEnvironment(dirs, host);

  it("inherits nothing from the host but the allowlist", () => {
    for (const name of [
      "UV_INDEX_URL",
      "VIRTUAL_ENV",
      "PIP_INDEX_URL",
      "CONDA_PREFIX",
      "PYTHONPATH",
      "PYTHONHOME",
      "SECRET_TOKEN",
    ]) {
      expect(env[name], name).toBeUndefined();
    }
    expect(env.HTTPS_PROXY).toBe("http://proxy:3128");
    expect(env.TMPDIR).toBe("/tmp");
  });

  it("points HOME, XDG dirs and the cache into the context", () => {
    expect(env.HOME).toBe("/r/home");
    expect(env.XDG_CONFIG_HOME).toBe("/r/home/.config");
    expect(env.XDG_CACHE_HOME).toBe("/r/home/.cache");
    expect(env.XDG_DATA_HOME).toBe("/r/home/.local/share");
    expect(env.UV_CACHE_DIR).toBe("/r/cache");
    expect(env.GIT_CEILING_DIRECTORIES).toBe("/r");
  });

  it("sets uv's fixed test settings", () => {
    expect(env).toMatchObject({
      COLUMNS: "100",
      NO_COLOR: "1",
      UV_NO_WRAP: "1",
      UV_TEST_NO_CLI_PROGRESS: "1",
      UV_NO_SYSTEM_CONFIG: "1",
      UV_PYTHON_DOWNLOADS: "never",
      LC_ALL: "C",
      SHELL: "bash",
    });
  });

  it("exposes only the requested interpreters", () => {
    expect(env.UV_PYTHON_SEARCH_PATH).toBe("/r/python/3.12:/r/python/3.11");
    expect(env.PATH).toBe("/r/bin:/r/python/3.12:/r/python/3.11:/usr/local/bin:/usr/bin");
    expect(testEnvironment({ ...dirs, pythonDirs: [] }, host).UV_PYTHON_SEARCH_PATH).toBe("");
  });
});
