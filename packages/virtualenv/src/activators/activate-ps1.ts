// The activation script for PowerShell, as uv (0.13.8) writes it
// (derived from virtualenv's, MIT licensed; the licence text, from `licence.ts`, opens the script). Placeholders:
// `{{ VIRTUAL_ENV_DIR }}`, `{{ BIN_NAME }}`, `{{ VIRTUAL_PROMPT }}`, `{{ PATH_SEP }}`,
// `{{ RELATIVE_SITE_PACKAGES }}`.

import { virtualenvLicence } from "./licence.ts";

/** Template of `activate.ps1`: PowerShell (`bin/activate.ps1`). */
export const ACTIVATE_PS1 = `${virtualenvLicence("#")}

$script:THIS_PATH = $myinvocation.mycommand.path
$script:BASE_DIR = Split-Path -Parent (Split-Path -Parent $THIS_PATH)

function global:deactivate([switch] $NonDestructive) {
    if (Test-Path variable:_OLD_VIRTUAL_PATH) {
        $env:PATH = $variable:_OLD_VIRTUAL_PATH
        Remove-Variable "_OLD_VIRTUAL_PATH" -Scope global
    }

    if (Test-Path function:_old_virtual_prompt) {
        $function:prompt = $function:_old_virtual_prompt
        Remove-Item function:\\_old_virtual_prompt
    }

    if ($env:VIRTUAL_ENV) {
        Remove-Item env:VIRTUAL_ENV -ErrorAction SilentlyContinue
    }

    if ($env:VIRTUAL_ENV_PROMPT) {
        Remove-Item env:VIRTUAL_ENV_PROMPT -ErrorAction SilentlyContinue
    }

    if (!$NonDestructive) {
        # Self destruct!
        Remove-Item function:deactivate
        Remove-Item function:pydoc
    }
}

function global:pydoc {
    & python -m pydoc $args
}

# unset irrelevant variables
deactivate -nondestructive

$VIRTUAL_ENV = $BASE_DIR
$env:VIRTUAL_ENV = $VIRTUAL_ENV

if ("{{ VIRTUAL_PROMPT }}" -ne "") {
    $env:VIRTUAL_ENV_PROMPT = "{{ VIRTUAL_PROMPT }}"
}
else {
    $env:VIRTUAL_ENV_PROMPT = $( Split-Path $env:VIRTUAL_ENV -Leaf )
}

New-Variable -Scope global -Name _OLD_VIRTUAL_PATH -Value $env:PATH

$env:PATH = "$env:VIRTUAL_ENV/{{ BIN_NAME }}{{ PATH_SEP }}" + $env:PATH
if (!$env:VIRTUAL_ENV_DISABLE_PROMPT) {
    function global:_old_virtual_prompt {
        ""
    }
    $function:_old_virtual_prompt = $function:prompt

    function global:prompt {
        # Add the custom prefix to the existing prompt
        $previous_prompt_value = & $function:_old_virtual_prompt
        ("(" + $env:VIRTUAL_ENV_PROMPT + ") " + $previous_prompt_value)
    }
}
`;
