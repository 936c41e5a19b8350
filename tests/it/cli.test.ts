// The command line itself: help, version, and clap's usage errors, after uv's
// `crates/uv/tests/it/help.rs` (with the binary named `uv-ts`).
import { assertSnapshot, TestContext } from "@uv-ts/test-kit";
import { describe, it } from "vitest";

describe("cli", () => {
  it("help", async () => {
    await using ctx = await TestContext.create();
    assertSnapshot(
      await ctx.snapshot(["--help"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      An extremely fast Python package manager.

      Usage: uv-ts [OPTIONS] <COMMAND>

      Commands:
        auth       Manage authentication
        run        Run a command or script
        init       Create a new project
        add        Add dependencies to the project
        remove     Remove dependencies from the project
        version    Read or update the project's version
        sync       Update the project's environment
        lock       Update the project's lockfile
        export     Export the project's lockfile to an alternate format
        tree       Display the project's dependency tree
        format     Format Python code in the project
        check      Run checks on the project
        audit      Audit the project's dependencies
        tool       Run and install commands provided by Python packages
        python     Manage Python versions and installations
        pip        Manage Python packages with a pip-compatible interface
        venv       Create a virtual environment
        build      Build Python packages into source distributions and wheels
        publish    Upload distributions to an index
        workspace  Inspect uv workspaces
        cache      Manage uv's cache
        self       Manage the uv executable
        help       Display documentation for a command

      Cache options:
        -n, --no-cache               Avoid reading from or writing to the cache, instead using a temporary
                                     directory for the duration of the operation [env: UV_NO_CACHE=]
            --cache-dir [CACHE_DIR]  Path to the cache directory [env:
                                     UV_CACHE_DIR=[CACHE_DIR]/]

      Python options:
            --managed-python       Require use of uv-managed Python versions [env: UV_MANAGED_PYTHON=]
            --no-managed-python    Disable use of uv-managed Python versions [env: UV_NO_MANAGED_PYTHON=]
            --no-python-downloads  Disable automatic downloads of Python. [env:
                                   "UV_PYTHON_DOWNLOADS=never"]

      Global options:
        -q, --quiet...
                Use quiet output
        -v, --verbose...
                Use verbose output
            --color <COLOR_CHOICE>
                Control the use of color in output [possible values: auto, always, never]
            --system-certs
                Whether to load TLS certificates from the platform's native certificate store [env:
                UV_SYSTEM_CERTS=]
            --offline
                Disable network access [env: UV_OFFLINE=]
            --allow-insecure-host <ALLOW_INSECURE_HOST>
                Allow insecure connections to a host [env: UV_INSECURE_HOST=]
            --no-progress
                Hide all progress outputs [env: UV_NO_PROGRESS=]
            --directory <DIRECTORY>
                Change to the given directory prior to running the command [env: UV_WORKING_DIR=]
            --project <PROJECT>
                Discover a project in the given directory [env: UV_PROJECT=]
            --config-file <CONFIG_FILE>
                The path to a \`uv.toml\` file to use for configuration [env: UV_CONFIG_FILE=]
            --no-config
                Avoid discovering configuration files (\`pyproject.toml\`, \`uv.toml\`) [env: UV_NO_CONFIG=]
        -h, --help
                Display the concise help for this command
        -V, --version
                Display the uv version

      Use \`uv-ts help\` for more details.
      `,
    );
  });

  it("help_flag_subcommand", async () => {
    await using ctx = await TestContext.create();
    assertSnapshot(
      await ctx.snapshot(["venv", "--help"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      Create a virtual environment

      Usage: uv-ts venv [OPTIONS] [PATH]

      Arguments:
        [PATH]  The path to the virtual environment to create

      Options:
            --no-project             Avoid discovering a project or workspace [env: UV_NO_PROJECT=]
            --seed                   Install seed packages (one or more of: \`pip\`, \`setuptools\`, and
                                     \`wheel\`) into the virtual environment [env: UV_VENV_SEED=]
        -c, --clear                  Remove any existing files or directories at the target path [env:
                                     UV_VENV_CLEAR=]
            --force                  Allow \`--clear\` to remove a non-virtual environment directory
            --allow-existing         Preserve any existing files or directories at the target path
            --prompt <PROMPT>        Provide an alternative prompt prefix for the virtual environment.
            --system-site-packages   Give the virtual environment access to the system site packages
                                     directory
            --relocatable            Make the virtual environment relocatable [env: UV_VENV_RELOCATABLE=]
            --link-mode <LINK_MODE>  The method to use when installing packages from the global cache
                                     [env: UV_LINK_MODE=] [possible values: clone, copy, hardlink,
                                     symlink]

      Python options:
        -p, --python <PYTHON>      The Python interpreter to use for the virtual environment. [env:
                                   UV_PYTHON=]
            --managed-python       Require use of uv-managed Python versions [env: UV_MANAGED_PYTHON=]
            --no-managed-python    Disable use of uv-managed Python versions [env: UV_NO_MANAGED_PYTHON=]
            --no-python-downloads  Disable automatic downloads of Python. [env:
                                   "UV_PYTHON_DOWNLOADS=never"]

      Index options:
            --index <INDEX>
                The indexes to use when resolving dependencies, in addition to the default index [env:
                UV_INDEX]
            --default-index <DEFAULT_INDEX>
                The default package index (by default: <https://pypi.org/simple>) [env: UV_DEFAULT_INDEX]
        -i, --index-url <INDEX_URL>
                (Deprecated: use \`--default-index\` instead) The URL of the Python package index (by
                default: <https://pypi.org/simple>) [env: UV_INDEX_URL]
            --extra-index-url <EXTRA_INDEX_URL>
                (Deprecated: use \`--index\` instead) Extra URLs of package indexes to use, in addition to
                \`--index-url\` [env: UV_EXTRA_INDEX_URL]
        -f, --find-links <FIND_LINKS>
                Locations to search for candidate distributions, in addition to those found in the
                registry indexes [env: UV_FIND_LINKS]
            --no-index
                Ignore the registry index (e.g., PyPI), instead relying on direct URL dependencies and
                those provided via \`--find-links\`
            --index-strategy <INDEX_STRATEGY>
                The strategy to use when resolving against multiple index URLs [env: UV_INDEX_STRATEGY=]
                [possible values: first-index, unsafe-first-match, unsafe-best-match]
            --keyring-provider <KEYRING_PROVIDER>
                Attempt to use \`keyring\` for authentication for index URLs [env: UV_KEYRING_PROVIDER=]
                [possible values: disabled, subprocess]

      Resolver options:
            --exclude-newer <EXCLUDE_NEWER>
                Limit candidate packages to those that were uploaded prior to the given date [env:
                UV_EXCLUDE_NEWER=]
            --exclude-newer-package <EXCLUDE_NEWER_PACKAGE>
                Limit candidate packages for specific packages to those that were uploaded prior to the
                given date

      Cache options:
            --refresh
                Refresh all cached data
            --refresh-package <REFRESH_PACKAGE>
                Refresh cached data for a specific package
        -n, --no-cache
                Avoid reading from or writing to the cache, instead using a temporary directory for the
                duration of the operation [env: UV_NO_CACHE=]
            --cache-dir [CACHE_DIR]
                Path to the cache directory [env: UV_CACHE_DIR=[CACHE_DIR]/]

      Global options:
        -q, --quiet...
                Use quiet output
        -v, --verbose...
                Use verbose output
            --color <COLOR_CHOICE>
                Control the use of color in output [possible values: auto, always, never]
            --system-certs
                Whether to load TLS certificates from the platform's native certificate store [env:
                UV_SYSTEM_CERTS=]
            --offline
                Disable network access [env: UV_OFFLINE=]
            --allow-insecure-host <ALLOW_INSECURE_HOST>
                Allow insecure connections to a host [env: UV_INSECURE_HOST=]
            --no-progress
                Hide all progress outputs [env: UV_NO_PROGRESS=]
            --directory <DIRECTORY>
                Change to the given directory prior to running the command [env: UV_WORKING_DIR=]
            --project <PROJECT>
                Discover a project in the given directory [env: UV_PROJECT=]
            --config-file <CONFIG_FILE>
                The path to a \`uv.toml\` file to use for configuration [env: UV_CONFIG_FILE=]
            --no-config
                Avoid discovering configuration files (\`pyproject.toml\`, \`uv.toml\`) [env: UV_NO_CONFIG=]
        -h, --help
                Display the concise help for this command

      Use \`uv-ts help venv\` for more details.
      `,
    );
  });

  it("help_short_flag_equals_long_flag", async () => {
    await using ctx = await TestContext.create();
    assertSnapshot(
      await ctx.snapshot(["venv", "-h"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      Create a virtual environment

      Usage: uv-ts venv [OPTIONS] [PATH]

      Arguments:
        [PATH]  The path to the virtual environment to create

      Options:
            --no-project             Avoid discovering a project or workspace [env: UV_NO_PROJECT=]
            --seed                   Install seed packages (one or more of: \`pip\`, \`setuptools\`, and
                                     \`wheel\`) into the virtual environment [env: UV_VENV_SEED=]
        -c, --clear                  Remove any existing files or directories at the target path [env:
                                     UV_VENV_CLEAR=]
            --force                  Allow \`--clear\` to remove a non-virtual environment directory
            --allow-existing         Preserve any existing files or directories at the target path
            --prompt <PROMPT>        Provide an alternative prompt prefix for the virtual environment.
            --system-site-packages   Give the virtual environment access to the system site packages
                                     directory
            --relocatable            Make the virtual environment relocatable [env: UV_VENV_RELOCATABLE=]
            --link-mode <LINK_MODE>  The method to use when installing packages from the global cache
                                     [env: UV_LINK_MODE=] [possible values: clone, copy, hardlink,
                                     symlink]

      Python options:
        -p, --python <PYTHON>      The Python interpreter to use for the virtual environment. [env:
                                   UV_PYTHON=]
            --managed-python       Require use of uv-managed Python versions [env: UV_MANAGED_PYTHON=]
            --no-managed-python    Disable use of uv-managed Python versions [env: UV_NO_MANAGED_PYTHON=]
            --no-python-downloads  Disable automatic downloads of Python. [env:
                                   "UV_PYTHON_DOWNLOADS=never"]

      Index options:
            --index <INDEX>
                The indexes to use when resolving dependencies, in addition to the default index [env:
                UV_INDEX]
            --default-index <DEFAULT_INDEX>
                The default package index (by default: <https://pypi.org/simple>) [env: UV_DEFAULT_INDEX]
        -i, --index-url <INDEX_URL>
                (Deprecated: use \`--default-index\` instead) The URL of the Python package index (by
                default: <https://pypi.org/simple>) [env: UV_INDEX_URL]
            --extra-index-url <EXTRA_INDEX_URL>
                (Deprecated: use \`--index\` instead) Extra URLs of package indexes to use, in addition to
                \`--index-url\` [env: UV_EXTRA_INDEX_URL]
        -f, --find-links <FIND_LINKS>
                Locations to search for candidate distributions, in addition to those found in the
                registry indexes [env: UV_FIND_LINKS]
            --no-index
                Ignore the registry index (e.g., PyPI), instead relying on direct URL dependencies and
                those provided via \`--find-links\`
            --index-strategy <INDEX_STRATEGY>
                The strategy to use when resolving against multiple index URLs [env: UV_INDEX_STRATEGY=]
                [possible values: first-index, unsafe-first-match, unsafe-best-match]
            --keyring-provider <KEYRING_PROVIDER>
                Attempt to use \`keyring\` for authentication for index URLs [env: UV_KEYRING_PROVIDER=]
                [possible values: disabled, subprocess]

      Resolver options:
            --exclude-newer <EXCLUDE_NEWER>
                Limit candidate packages to those that were uploaded prior to the given date [env:
                UV_EXCLUDE_NEWER=]
            --exclude-newer-package <EXCLUDE_NEWER_PACKAGE>
                Limit candidate packages for specific packages to those that were uploaded prior to the
                given date

      Cache options:
            --refresh
                Refresh all cached data
            --refresh-package <REFRESH_PACKAGE>
                Refresh cached data for a specific package
        -n, --no-cache
                Avoid reading from or writing to the cache, instead using a temporary directory for the
                duration of the operation [env: UV_NO_CACHE=]
            --cache-dir [CACHE_DIR]
                Path to the cache directory [env: UV_CACHE_DIR=[CACHE_DIR]/]

      Global options:
        -q, --quiet...
                Use quiet output
        -v, --verbose...
                Use verbose output
            --color <COLOR_CHOICE>
                Control the use of color in output [possible values: auto, always, never]
            --system-certs
                Whether to load TLS certificates from the platform's native certificate store [env:
                UV_SYSTEM_CERTS=]
            --offline
                Disable network access [env: UV_OFFLINE=]
            --allow-insecure-host <ALLOW_INSECURE_HOST>
                Allow insecure connections to a host [env: UV_INSECURE_HOST=]
            --no-progress
                Hide all progress outputs [env: UV_NO_PROGRESS=]
            --directory <DIRECTORY>
                Change to the given directory prior to running the command [env: UV_WORKING_DIR=]
            --project <PROJECT>
                Discover a project in the given directory [env: UV_PROJECT=]
            --config-file <CONFIG_FILE>
                The path to a \`uv.toml\` file to use for configuration [env: UV_CONFIG_FILE=]
            --no-config
                Avoid discovering configuration files (\`pyproject.toml\`, \`uv.toml\`) [env: UV_NO_CONFIG=]
        -h, --help
                Display the concise help for this command

      Use \`uv-ts help venv\` for more details.
      `,
    );
  });

  it("help_namespace", async () => {
    await using ctx = await TestContext.create();
    assertSnapshot(
      await ctx.snapshot(["pip", "--help"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      Manage Python packages with a pip-compatible interface

      Usage: uv-ts pip [OPTIONS] <COMMAND>

      Commands:
        compile    Compile a \`requirements.in\` file to a \`requirements.txt\` or \`pylock.toml\` file
        sync       Sync an environment with a \`requirements.txt\` or \`pylock.toml\` file
        install    Install packages into an environment
        uninstall  Uninstall packages from an environment
        freeze     List, in requirements format, packages installed in an environment
        list       List, in tabular format, packages installed in an environment
        show       Show information about one or more installed packages
        tree       Display the dependency tree for an environment
        check      Verify installed packages have compatible dependencies

      Options:
            --cert <FILE>  Path to a PEM-encoded CA certificate bundle

      Cache options:
        -n, --no-cache               Avoid reading from or writing to the cache, instead using a temporary
                                     directory for the duration of the operation [env: UV_NO_CACHE=]
            --cache-dir [CACHE_DIR]  Path to the cache directory [env:
                                     UV_CACHE_DIR=[CACHE_DIR]/]

      Python options:
            --managed-python       Require use of uv-managed Python versions [env: UV_MANAGED_PYTHON=]
            --no-managed-python    Disable use of uv-managed Python versions [env: UV_NO_MANAGED_PYTHON=]
            --no-python-downloads  Disable automatic downloads of Python. [env:
                                   "UV_PYTHON_DOWNLOADS=never"]

      Global options:
        -q, --quiet...
                Use quiet output
        -v, --verbose...
                Use verbose output
            --color <COLOR_CHOICE>
                Control the use of color in output [possible values: auto, always, never]
            --system-certs
                Whether to load TLS certificates from the platform's native certificate store [env:
                UV_SYSTEM_CERTS=]
            --offline
                Disable network access [env: UV_OFFLINE=]
            --allow-insecure-host <ALLOW_INSECURE_HOST>
                Allow insecure connections to a host [env: UV_INSECURE_HOST=]
            --no-progress
                Hide all progress outputs [env: UV_NO_PROGRESS=]
            --directory <DIRECTORY>
                Change to the given directory prior to running the command [env: UV_WORKING_DIR=]
            --project <PROJECT>
                Discover a project in the given directory [env: UV_PROJECT=]
            --config-file <CONFIG_FILE>
                The path to a \`uv.toml\` file to use for configuration [env: UV_CONFIG_FILE=]
            --no-config
                Avoid discovering configuration files (\`pyproject.toml\`, \`uv.toml\`) [env: UV_NO_CONFIG=]
        -h, --help
                Display the concise help for this command

      Use \`uv-ts help pip\` for more details.
      `,
    );
  });

  it("help_subcommand_long", async () => {
    await using ctx = await TestContext.create();
    assertSnapshot(
      await ctx.snapshot(["help", "cache", "clean"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      Clear the cache, removing all entries or those linked to specific packages

      Usage: uv-ts cache clean [OPTIONS] [PACKAGE]...

      Arguments:
        [PACKAGE]...
                The packages to remove from the cache

      Options:
            --force
                Force removal of the cache, ignoring in-use checks.

                By default, \`uv cache clean\` will block until no process is reading the cache. When
                \`--force\` is used, \`uv cache clean\` will proceed without taking a lock.

      Cache options:
        -n, --no-cache
                Avoid reading from or writing to the cache, instead using a temporary directory for the
                duration of the operation

                [env: UV_NO_CACHE=]

            --cache-dir [CACHE_DIR]
                Path to the cache directory.

                Defaults to \`$XDG_CACHE_HOME/uv\` or \`$HOME/.cache/uv\` on macOS and Linux, and
                \`%LOCALAPPDATA%\\uv\\cache\` on Windows.

                To view the location of the cache directory, run \`uv cache dir\`.

                [env: UV_CACHE_DIR=[CACHE_DIR]/]

      Python options:
            --managed-python
                Require use of uv-managed Python versions.

                By default, uv prefers using Python versions it manages. However, it will use system
                Python versions if a uv-managed Python is not installed. This option disables use of
                system Python versions.

                [env: UV_MANAGED_PYTHON=]

            --no-managed-python
                Disable use of uv-managed Python versions.

                Instead, uv will search for a suitable Python version on the system.

                [env: UV_NO_MANAGED_PYTHON=]

            --no-python-downloads
                Disable automatic downloads of Python. [env: "UV_PYTHON_DOWNLOADS=never"]

      Global options:
        -q, --quiet...
                Use quiet output.

                Repeating this option, e.g., \`-qq\`, will enable a silent mode in which uv will write no
                output to stdout.

        -v, --verbose...
                Use verbose output.

                You can configure fine-grained logging using the \`RUST_LOG\` environment variable.
                (<https://docs.rs/tracing-subscriber/latest/tracing_subscriber/filter/struct.EnvFilter.html#directives>)

            --color <COLOR_CHOICE>
                Control the use of color in output.

                By default, uv will automatically detect support for colors when writing to a terminal.

                Possible values:
                - auto:   Enables colored output only when the output is going to a terminal or TTY with
                  support
                - always: Enables colored output regardless of the detected environment
                - never:  Disables colored output

            --system-certs
                Whether to load TLS certificates from the platform's native certificate store [env:
                UV_SYSTEM_CERTS=]

                By default, uv uses bundled Mozilla root certificates, which improves portability and
                performance (especially on macOS).

                However, in some cases, you may want to use the platform's native certificate store,
                especially if you're relying on a corporate trust root (e.g., for a mandatory proxy)
                that's included in your system's certificate store.

            --offline
                Disable network access.

                When disabled, uv will only use locally cached data and locally available files.

                [env: UV_OFFLINE=]

            --allow-insecure-host <ALLOW_INSECURE_HOST>
                Allow insecure connections to a host.

                Can be provided multiple times.

                Expects to receive either a hostname (e.g., \`localhost\`), a host-port pair (e.g.,
                \`localhost:8080\`), or a URL (e.g., \`https://localhost\`).

                WARNING: Hosts included in this list will not be verified against the system's certificate
                store. Only use \`--allow-insecure-host\` in a secure network with verified sources, as it
                bypasses SSL verification and could expose you to MITM attacks.

                [env: UV_INSECURE_HOST=]

            --no-progress
                Hide all progress outputs.

                For example, spinners or progress bars.

                [env: UV_NO_PROGRESS=]

            --directory <DIRECTORY>
                Change to the given directory prior to running the command.

                Relative paths are resolved with the given directory as the base.

                See \`--project\` to only change the project root directory.

                [env: UV_WORKING_DIR=]

            --project <PROJECT>
                Discover a project in the given directory.

                All \`pyproject.toml\`, \`uv.toml\`, and \`.python-version\` files will be discovered by walking
                up the directory tree from the project root, as will the project's virtual environment
                (\`.venv\`).

                Other command-line arguments (such as relative paths) will be resolved relative to the
                current working directory.

                See \`--directory\` to change the working directory entirely.

                This setting has no effect when used in the \`uv pip\` interface.

                [env: UV_PROJECT=]

            --config-file <CONFIG_FILE>
                The path to a \`uv.toml\` file to use for configuration.

                While uv configuration can be included in a \`pyproject.toml\` file, it is not allowed in
                this context.

                [env: UV_CONFIG_FILE=]

            --no-config
                Avoid discovering configuration files (\`pyproject.toml\`, \`uv.toml\`).

                Normally, configuration files are discovered in the current directory, parent directories,
                or user configuration directories.

                [env: UV_NO_CONFIG=]

        -h, --help
                Display the concise help for this command
      `,
    );
  });

  it("help_unknown_subcommand", async () => {
    await using ctx = await TestContext.create();
    assertSnapshot(
      await ctx.snapshot(["help", "pip", "bogus"]),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      error: There is no command \`bogus\` for \`uv-ts pip\`. Did you mean one of:
          compile
          sync
          install
          uninstall
          freeze
          list
          show
          tree
          check
      `,
    );
  });

  it("no_arguments_prints_help_to_stderr", async () => {
    await using ctx = await TestContext.create();
    // clap prints the help (exit 2) only when nothing at all was given: the context's own
    // `UV_CACHE_DIR` would count as an argument.
    assertSnapshot(
      await ctx.snapshot([], { env: { UV_CACHE_DIR: undefined } }),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      An extremely fast Python package manager.

      Usage: uv-ts [OPTIONS] <COMMAND>

      Commands:
        auth       Manage authentication
        run        Run a command or script
        init       Create a new project
        add        Add dependencies to the project
        remove     Remove dependencies from the project
        version    Read or update the project's version
        sync       Update the project's environment
        lock       Update the project's lockfile
        export     Export the project's lockfile to an alternate format
        tree       Display the project's dependency tree
        format     Format Python code in the project
        check      Run checks on the project
        audit      Audit the project's dependencies
        tool       Run and install commands provided by Python packages
        python     Manage Python versions and installations
        pip        Manage Python packages with a pip-compatible interface
        venv       Create a virtual environment
        build      Build Python packages into source distributions and wheels
        publish    Upload distributions to an index
        workspace  Inspect uv workspaces
        cache      Manage uv's cache
        self       Manage the uv executable
        help       Display documentation for a command

      Cache options:
        -n, --no-cache               Avoid reading from or writing to the cache, instead using a temporary
                                     directory for the duration of the operation [env: UV_NO_CACHE=]
            --cache-dir [CACHE_DIR]  Path to the cache directory [env: UV_CACHE_DIR=]

      Python options:
            --managed-python       Require use of uv-managed Python versions [env: UV_MANAGED_PYTHON=]
            --no-managed-python    Disable use of uv-managed Python versions [env: UV_NO_MANAGED_PYTHON=]
            --no-python-downloads  Disable automatic downloads of Python. [env:
                                   "UV_PYTHON_DOWNLOADS=never"]

      Global options:
        -q, --quiet...
                Use quiet output
        -v, --verbose...
                Use verbose output
            --color <COLOR_CHOICE>
                Control the use of color in output [possible values: auto, always, never]
            --system-certs
                Whether to load TLS certificates from the platform's native certificate store [env:
                UV_SYSTEM_CERTS=]
            --offline
                Disable network access [env: UV_OFFLINE=]
            --allow-insecure-host <ALLOW_INSECURE_HOST>
                Allow insecure connections to a host [env: UV_INSECURE_HOST=]
            --no-progress
                Hide all progress outputs [env: UV_NO_PROGRESS=]
            --directory <DIRECTORY>
                Change to the given directory prior to running the command [env: UV_WORKING_DIR=]
            --project <PROJECT>
                Discover a project in the given directory [env: UV_PROJECT=]
            --config-file <CONFIG_FILE>
                The path to a \`uv.toml\` file to use for configuration [env: UV_CONFIG_FILE=]
            --no-config
                Avoid discovering configuration files (\`pyproject.toml\`, \`uv.toml\`) [env: UV_NO_CONFIG=]
        -h, --help
                Display the concise help for this command
        -V, --version
                Display the uv version

      Use \`uv-ts help\` for more details.
      `,
    );
  });

  it("no_subcommand_with_global_from_environment", async () => {
    await using ctx = await TestContext.create();
    assertSnapshot(
      await ctx.snapshot([]),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      error: 'uv-ts' requires a subcommand but one was not provided
        [subcommands: auth, run, init, add, remove, version, sync, lock, upgrade, export, tree, format, check, audit, tool, python, pip, venv, virtualenv, v, build, publish, workspace, build-backend, cache, self, clean, generate-shell-completion, --generate-shell-completion, help]

      Usage: uv-ts [OPTIONS] <COMMAND>

      For more information, try '--help'.
      `,
    );
  });

  it("namespace_without_subcommand", async () => {
    await using ctx = await TestContext.create();
    assertSnapshot(
      await ctx.snapshot(["cache"]),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      error: 'uv-ts cache' requires a subcommand but one was not provided
        [subcommands: clean, clear, prune, dir, size]

      Usage: uv-ts cache [OPTIONS] <COMMAND>

      For more information, try '--help'.
      `,
    );
  });

  it("version", async () => {
    await using ctx = await TestContext.create();
    assertSnapshot(
      await ctx.snapshot(["--version"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      uv-ts [VERSION]
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["-V"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      uv-ts [VERSION]
      `,
    );
    assertSnapshot(
      await ctx.snapshot(["self", "version"]),
      `
      exit_code: 0 (success)
      ----- stdout -----
      uv-ts [VERSION]
      `,
    );
  });

  it("unknown_command_with_tip", async () => {
    await using ctx = await TestContext.create();
    assertSnapshot(
      await ctx.snapshot(["venvv"]),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      error: unrecognized subcommand 'venvv'

        tip: some similar subcommands exist: 'v', 'venv'

      Usage: uv-ts [OPTIONS] <COMMAND>

      For more information, try '--help'.
      `,
    );
  });

  it("unknown_command_without_tip", async () => {
    await using ctx = await TestContext.create();
    assertSnapshot(
      await ctx.snapshot(["xyzzy"]),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      error: unrecognized subcommand 'xyzzy'

      Usage: uv-ts [OPTIONS] <COMMAND>

      For more information, try '--help'.
      `,
    );
  });

  it("unknown_flag_with_tip", async () => {
    await using ctx = await TestContext.create();
    assertSnapshot(
      await ctx.snapshot(["venv", "--pythn", "3.12"]),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      error: unexpected argument '--pythn' found

        tip: a similar argument exists: '--python'

      Usage: uv-ts venv --python <PYTHON> [PATH]

      For more information, try '--help'.
      `,
    );
  });

  it("unknown_flag_passed_as_value_tip", async () => {
    await using ctx = await TestContext.create();
    assertSnapshot(
      await ctx.snapshot(["venv", "-x"]),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      error: unexpected argument '-x' found

        tip: to pass '-x' as a value, use '-- -x'

      Usage: uv-ts venv [OPTIONS] [PATH]

      For more information, try '--help'.
      `,
    );
  });

  it("missing_value", async () => {
    await using ctx = await TestContext.create();
    assertSnapshot(
      await ctx.snapshot(["venv", "--python"]),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      error: a value is required for '--python <PYTHON>' but none was supplied

      For more information, try '--help'.
      `,
    );
  });

  it("invalid_possible_value", async () => {
    await using ctx = await TestContext.create();
    assertSnapshot(
      await ctx.snapshot(["--color", "sometimes", "venv"]),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      error: invalid value 'sometimes' for '--color <COLOR_CHOICE>'
        [possible values: auto, always, never]

      For more information, try '--help'.
      `,
    );
  });

  it("global_flag_after_subcommand", async () => {
    await using ctx = await TestContext.create();
    assertSnapshot(
      await ctx.snapshot(["pip", "install", "anyio", "--color", "sometimes"]),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      error: invalid value 'sometimes' for '--color <COLOR_CHOICE>'
        [possible values: auto, always, never]

      For more information, try '--help'.
      `,
    );
  });

  it("not_implemented_command", async () => {
    await using ctx = await TestContext.create();
    assertSnapshot(
      await ctx.snapshot(["lock", "--offline"]),
      `
      exit_code: 2 (failure)
      ----- stderr -----
      error: The \`uv-ts lock\` command is not implemented yet
      `,
    );
  });
});
