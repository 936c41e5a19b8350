import { fstatSync, writeSync } from "node:fs";

/** What the CLI needs of an output stream. */
export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number | undefined;
}

/** How an output file descriptor is written: straight to it, or through Node's stream. */
type Route = "direct" | "stream";

function routeOf(fd: number): Route {
  // Only Linux: there Node's own stream writes pipes and files synchronously too, so writing
  // the descriptor directly keeps the order and the timing of the output.
  if (process.platform !== "linux") return "stream";
  try {
    const stat = fstatSync(fd);
    return stat.isFIFO() || stat.isFile() || stat.isSocket() ? "direct" : "stream";
  } catch {
    return "stream";
  }
}

/**
 * Standard output or error of the process, for `main`. Node builds `process.stdout` and
 * `process.stderr` on first use, and for a pipe that loads `net` and makes a socket (~3 ms of a
 * run, ~1.5 ms for a file): a pipe, socket or regular file is written with `writeSync` instead,
 * which is what Node's stream does with them on Linux. A terminal (or any other device) goes
 * through Node's stream, which knows its width; so does everything after a write that fails
 * (`EAGAIN` on a non-blocking pipe, `EPIPE`), from the bytes not written on, so that such errors
 * surface as they always did.
 */
export function processOutput(fd: number, stream: () => NodeJS.WriteStream): OutputStream {
  let route: Route | undefined;
  const current = (): Route => {
    route ??= routeOf(fd);
    return route;
  };
  return {
    write(text: string): boolean {
      if (current() === "stream") return stream().write(text);
      const bytes = Buffer.from(text, "utf8");
      let offset = 0;
      try {
        while (offset < bytes.length) offset += writeSync(fd, bytes, offset);
      } catch {
        route = "stream";
        return stream().write(bytes.subarray(offset));
      }
      return true;
    },
    get isTTY(): boolean {
      return current() === "stream" && stream().isTTY === true;
    },
    get columns(): number | undefined {
      return current() === "stream" ? stream().columns : undefined;
    },
  };
}
