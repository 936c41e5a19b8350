// The parts of undici the transport uses, in a module of their own so that it is imported only
// by `undici-lazy.ts`'s dynamic `import()`: the bundle then puts undici in a chunk that a run
// loads when it first sends a request, not at start-up (see `undici-parts.d.ts` for why these
// are deep imports).
export { default as request } from "undici/lib/api/api-request.js";
export { default as Agent } from "undici/lib/dispatcher/agent.js";
export { default as Pool } from "undici/lib/dispatcher/pool.js";
