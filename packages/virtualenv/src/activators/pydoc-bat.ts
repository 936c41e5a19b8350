// The activation script for cmd.exe's `pydoc`; written with CRLF line endings, as uv (0.13.8) writes it
// (derived from virtualenv's, MIT licensed; the licence text, from `licence.ts`, opens the script). Placeholders:
// `{{ VIRTUAL_ENV_DIR }}`, `{{ BIN_NAME }}`, `{{ VIRTUAL_PROMPT }}`, `{{ PATH_SEP }}`,
// `{{ RELATIVE_SITE_PACKAGES }}`.

import { virtualenvLicence } from "./licence.ts";

/** Template of `pydoc.bat`: cmd.exe's `pydoc`; written with CRLF line endings. */
export const PYDOC_BAT = `${virtualenvLicence("@REM")}

"python.exe" -m pydoc %*
`;
