// The activation script for bash, zsh and ksh, as uv (0.13.8) writes it
// (derived from virtualenv's, MIT licensed; the licence text, from `licence.ts`, opens the script). Placeholders:
// `{{ VIRTUAL_ENV_DIR }}`, `{{ BIN_NAME }}`, `{{ VIRTUAL_PROMPT }}`, `{{ PATH_SEP }}`,
// `{{ RELATIVE_SITE_PACKAGES }}`, `{{ RELOCATABLE }}`.

import { virtualenvLicence } from "./licence.ts";

/** Template of `activate`: bash, zsh and ksh (`source bin/activate`). */
export const ACTIVATE_BASH = `${virtualenvLicence("#")}

# This file must be used with "source bin/activate" *from bash*
# you cannot run it directly

if [ -n "\${BASH_VERSION:+x}" ] && [ "\${BASH_SOURCE[0]}" = "$0" ]; then
    # Only bash has a reasonably robust check for source'dness.
    echo "You must source this script: \\$ source $0" >&2
    exit 33
fi

# Get script path (only used if environment is relocatable).
if [ "{{ RELOCATABLE }}" = "true" ]; then
    if ! [ -z "\${SCRIPT_PATH+_}" ] ; then
        _OLD_SCRIPT_PATH="$SCRIPT_PATH"
    fi

    if [ -n "\${BASH_VERSION:+x}" ] ; then
        SCRIPT_PATH="\${BASH_SOURCE[0]}"
    elif [ -n "\${ZSH_VERSION:+x}" ] ; then
        SCRIPT_PATH="\${(%):-%x}"
    elif [ -n "\${KSH_VERSION:+x}" ] ; then
        SCRIPT_PATH="\${.sh.file}"
    fi
fi

deactivate () {
    unset -f pydoc >/dev/null 2>&1 || true

    # reset old environment variables
    # ! [ -z \${VAR+_} ] returns true if VAR is declared at all
    if ! [ -z "\${_OLD_VIRTUAL_PATH:+_}" ] ; then
        PATH="$_OLD_VIRTUAL_PATH"
        export PATH
        unset _OLD_VIRTUAL_PATH
    fi
    if ! [ -z "\${_OLD_VIRTUAL_PYTHONHOME+_}" ] ; then
        PYTHONHOME="$_OLD_VIRTUAL_PYTHONHOME"
        export PYTHONHOME
        unset _OLD_VIRTUAL_PYTHONHOME
    fi

    # The hash command must be called to get it to forget past
    # commands. Without forgetting past commands the $PATH changes
    # we made may not be respected
    hash -r 2>/dev/null

    if ! [ -z "\${_OLD_VIRTUAL_PS1+_}" ] ; then
        PS1="$_OLD_VIRTUAL_PS1"
        export PS1
        unset _OLD_VIRTUAL_PS1
    fi

    unset VIRTUAL_ENV
    unset VIRTUAL_ENV_PROMPT
    if [ ! "\${1-}" = "nondestructive" ] ; then
    # Self destruct!
        unset -f deactivate
    fi
}

# unset irrelevant variables
deactivate nondestructive

VIRTUAL_ENV='{{ VIRTUAL_ENV_DIR }}'
if ([ "$OSTYPE" = "cygwin" ] || [ "$OSTYPE" = "msys" ]) && $(command -v cygpath &> /dev/null) ; then
    VIRTUAL_ENV=$(cygpath -u "$VIRTUAL_ENV")
fi
export VIRTUAL_ENV

# Unset the \`SCRIPT_PATH\` variable, now that the \`VIRTUAL_ENV\` variable
# has been set. This is important for relocatable environments.
if [ "{{ RELOCATABLE }}" = "true" ]; then
    if ! [ -z "\${_OLD_SCRIPT_PATH+_}" ] ; then
        SCRIPT_PATH="$_OLD_SCRIPT_PATH"
        export SCRIPT_PATH
        unset _OLD_SCRIPT_PATH
    else
        unset SCRIPT_PATH
    fi
fi

_OLD_VIRTUAL_PATH="$PATH"
PATH="$VIRTUAL_ENV/{{ BIN_NAME }}:$PATH"
export PATH

if [ "x{{ VIRTUAL_PROMPT }}" != x ] ; then
    VIRTUAL_ENV_PROMPT="{{ VIRTUAL_PROMPT }}"
else
    VIRTUAL_ENV_PROMPT=$(basename "$VIRTUAL_ENV")
fi
export VIRTUAL_ENV_PROMPT

# unset PYTHONHOME if set
if ! [ -z "\${PYTHONHOME+_}" ] ; then
    _OLD_VIRTUAL_PYTHONHOME="$PYTHONHOME"
    unset PYTHONHOME
fi

if [ -z "\${VIRTUAL_ENV_DISABLE_PROMPT-}" ] ; then
    _OLD_VIRTUAL_PS1="\${PS1-}"
    PS1="(\${VIRTUAL_ENV_PROMPT}) \${PS1-}"
    export PS1
fi

# Make sure to unalias pydoc if it's already there
alias pydoc 2>/dev/null >/dev/null && unalias pydoc || true

pydoc () {
    python -m pydoc "$@"
}

# The hash command must be called to get it to forget past
# commands. Without forgetting past commands the $PATH changes
# we made may not be respected
hash -r 2>/dev/null || true
`;
