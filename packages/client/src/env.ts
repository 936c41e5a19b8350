import { EnvVarError } from "./errors.ts";

/** Network settings read from the environment. */
export interface ClientEnvSettings {
  readonly retries?: number;
  readonly timeoutMs?: number;
  readonly connectTimeoutMs?: number;
  /** `UV_TEST_NO_HTTP_RETRY_DELAY`: retry without backoff (tests). */
  readonly noRetryDelay: boolean;
  /** `SSL_CERT_FILE`. */
  readonly sslCertFile?: string;
  /** `UV_TS_HEDGE=0`: never send a second copy of a late file request (see `hedge.ts`). */
  readonly noHedge: boolean;
}

const U64_MAX = 18_446_744_073_709_551_615n;
const U32_MAX = 4_294_967_295n;

// Rust's integer `FromStr` errors, which uv prints verbatim.
function parseUnsigned(name: string, value: string, max: bigint, help?: string): number {
  const fail = (reason: string): never => {
    throw new EnvVarError(name, value, help === undefined ? reason : `${reason}; ${help}`);
  };
  const digits = value.startsWith("+") ? value.slice(1) : value;
  if (digits === "") fail("invalid digit found in string");
  if (!/^\d+$/.test(digits)) fail("invalid digit found in string");
  const n = BigInt(digits);
  if (n > max) fail("number too large to fit in target type");
  return Number(n);
}

function read(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === "" ? undefined : value;
}

/**
 * Reads `UV_HTTP_RETRIES`, `UV_HTTP_TIMEOUT` (or its aliases `UV_REQUEST_TIMEOUT` and
 * `HTTP_TIMEOUT`, in seconds), `UV_HTTP_CONNECT_TIMEOUT`, `UV_TEST_NO_HTTP_RETRY_DELAY` and
 * `SSL_CERT_FILE`, with uv's parse errors.
 */
export function clientSettingsFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): ClientEnvSettings {
  const seconds = "value should be an integer number of seconds";
  const settings: {
    retries?: number;
    timeoutMs?: number;
    connectTimeoutMs?: number;
    noRetryDelay: boolean;
    sslCertFile?: string;
    noHedge: boolean;
  } = {
    noRetryDelay: env.UV_TEST_NO_HTTP_RETRY_DELAY !== undefined,
    noHedge: env.UV_TS_HEDGE === "0",
  };
  const retries = read(env, "UV_HTTP_RETRIES");
  if (retries !== undefined) settings.retries = parseUnsigned("UV_HTTP_RETRIES", retries, U32_MAX);
  for (const name of ["UV_HTTP_TIMEOUT", "UV_REQUEST_TIMEOUT", "HTTP_TIMEOUT"]) {
    const value = read(env, name);
    if (value === undefined) continue;
    settings.timeoutMs = parseUnsigned(name, value, U64_MAX, seconds) * 1000;
    break;
  }
  const connect = read(env, "UV_HTTP_CONNECT_TIMEOUT");
  if (connect !== undefined) {
    settings.connectTimeoutMs =
      parseUnsigned("UV_HTTP_CONNECT_TIMEOUT", connect, U64_MAX, seconds) * 1000;
  }
  const cert = read(env, "SSL_CERT_FILE");
  if (cert !== undefined) settings.sslCertFile = cert;
  return settings;
}
