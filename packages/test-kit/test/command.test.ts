import { describe, expect, it } from "vitest";
import { activatesVenvByDefault, formatOutput, runCommand } from "../src/command.ts";

const base = { exitCode: 0, signal: null, stdout: "", stderr: "" } as const;

describe("formatOutput", () => {
  it("shows only the exit code when both streams are empty", () => {
    expect(formatOutput(base)).toBe("exit_code: 0 (success)\n");
  });

  it("shows a section only for a non-empty stream", () => {
    expect(formatOutput({ ...base, stdout: "out\n" })).toBe(
      "exit_code: 0 (success)\n----- stdout -----\nout\n",
    );
    expect(formatOutput({ ...base, exitCode: 2, stderr: "error: bad\n" })).toBe(
      "exit_code: 2 (failure)\n----- stderr -----\nerror: bad\n",
    );
  });

  it("separates the streams by a blank line when stdout ends with a newline", () => {
    expect(formatOutput({ ...base, stdout: "out\n", stderr: "err\n" })).toBe(
      "exit_code: 0 (success)\n----- stdout -----\nout\n\n----- stderr -----\nerr\n",
    );
  });

  it("keeps a stdout without trailing newline verbatim, as uv does", () => {
    expect(formatOutput({ ...base, stdout: "out", stderr: "err" })).toBe(
      "exit_code: 0 (success)\n----- stdout -----\nout\n----- stderr -----\nerr",
    );
  });

  it("reports a signal like Rust's ExitStatus", () => {
    expect(formatOutput({ ...base, exitCode: null, signal: "SIGKILL" })).toBe(
      "exit_code: -1 (failure)\nexit_status: signal: 9 (SIGKILL)\n",
    );
  });
});

describe("runCommand", () => {
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin" };

  it("reports_signal", async () => {
    const output = await runCommand({
      program: "sh",
      args: ["-c", "kill -TERM $$"],
      cwd: "/",
      env,
    });
    expect(formatOutput(output)).toBe(
      "exit_code: -1 (failure)\nexit_status: signal: 15 (SIGTERM)\n",
    );
  });

  it("preserves_exit_code", async () => {
    const output = await runCommand({ program: "sh", args: ["-c", "exit 7"], cwd: "/", env });
    expect(formatOutput(output)).toBe("exit_code: 7 (failure)\n");
  });

  it("feeds stdin and captures both streams", async () => {
    const output = await runCommand({
      program: "sh",
      args: ["-c", "cat; echo oops >&2"],
      cwd: "/",
      env,
      stdin: "héllo\n",
    });
    expect(output).toEqual({ exitCode: 0, signal: null, stdout: "héllo\n", stderr: "oops\n" });
  });

  it("gives the child an empty stdin by default", async () => {
    const output = await runCommand({ program: "sh", args: ["-c", "cat"], cwd: "/", env });
    expect(output.stdout).toBe("");
    expect(output.exitCode).toBe(0);
  });

  it("kills a command that outlives its timeout", async () => {
    const output = await runCommand({
      program: "sh",
      args: ["-c", "exec sleep 30"],
      cwd: "/",
      env,
      timeoutMs: 50,
    });
    expect(output.signal).toBe("SIGKILL");
  });

  it("rejects when the program does not exist", async () => {
    await expect(
      runCommand({ program: "/nonexistent/uv-ts", args: [], cwd: "/", env }),
    ).rejects.toThrow(/Failed to spawn `\/nonexistent\/uv-ts`/);
  });
});

describe("activatesVenvByDefault", () => {
  it("follows uv's harness: pip and run activate, project commands do not", () => {
    expect(activatesVenvByDefault(["pip", "install", "anyio"])).toBe(true);
    expect(activatesVenvByDefault(["run", "python"])).toBe(true);
    expect(activatesVenvByDefault(["--version"])).toBe(true);
    expect(activatesVenvByDefault(["python", "pin", "3.12"])).toBe(true);
    expect(activatesVenvByDefault(["python", "find"])).toBe(false);
    expect(activatesVenvByDefault(["venv"])).toBe(false);
    expect(activatesVenvByDefault(["-q", "sync"])).toBe(false);
    expect(activatesVenvByDefault(["lock"])).toBe(false);
  });
});
