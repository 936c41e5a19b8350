export { elapsed } from "./elapsed.ts";
export { createPrinter, type Printer, type Verbosity } from "./printer.ts";
export { renderError, renderWarning } from "./render-error.ts";
export { type Reporter, silentReporter } from "./reporter.ts";
export { type ColorChoice, createStyler, type Styler } from "./style.ts";
