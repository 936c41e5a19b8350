export { causeChain, collectHints, UvError, type UvErrorOptions } from "./uv-error.ts";
