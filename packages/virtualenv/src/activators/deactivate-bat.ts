// The activation script for cmd.exe's `deactivate`; written with CRLF line endings, as uv (0.13.8) writes it
// (derived from virtualenv's, MIT licensed; the licence text, from `licence.ts`, opens the script). Placeholders:
// `{{ VIRTUAL_ENV_DIR }}`, `{{ BIN_NAME }}`, `{{ VIRTUAL_PROMPT }}`, `{{ PATH_SEP }}`,
// `{{ RELATIVE_SITE_PACKAGES }}`.

import { virtualenvLicence } from "./licence.ts";

/** Template of `deactivate.bat`: cmd.exe's `deactivate`; written with CRLF line endings. */
export const DEACTIVATE_BAT = `${virtualenvLicence("@REM")}

@set VIRTUAL_ENV=
@set VIRTUAL_ENV_PROMPT=

@REM Don't use () to avoid problems with them in %PATH%
@if not defined _OLD_VIRTUAL_PROMPT @goto ENDIFVPROMPT
    @set "PROMPT=%_OLD_VIRTUAL_PROMPT%"
    @set _OLD_VIRTUAL_PROMPT=
:ENDIFVPROMPT

@if not defined _OLD_VIRTUAL_PYTHONHOME @goto ENDIFVHOME
    @set "PYTHONHOME=%_OLD_VIRTUAL_PYTHONHOME%"
    @set _OLD_VIRTUAL_PYTHONHOME=
:ENDIFVHOME

@if not defined _OLD_VIRTUAL_PATH @goto ENDIFVPATH
    @set "PATH=%_OLD_VIRTUAL_PATH%"
    @set _OLD_VIRTUAL_PATH=
:ENDIFVPATH
`;
