import { UvError } from "@uv-ts/error";

/** The wheel is malformed; uv's `The wheel is invalid: ...`. */
export class InvalidWheelError extends UvError {
  constructor(detail: string, cause?: unknown) {
    super("installer.invalid-wheel", `The wheel is invalid: ${detail}`, { cause });
  }
}

/** METADATA's name disagrees with the wheel filename's. */
export class MismatchedNameError extends UvError {
  constructor(metadataName: string, filenameName: string) {
    super(
      "installer.mismatched-name",
      `Wheel package name does not match filename (${metadataName} != ${filenameName}), which indicates a malformed wheel. If this is intentional, set \`UV_SKIP_WHEEL_FILENAME_CHECK=1\`.`,
    );
  }
}

/** METADATA's version disagrees with the wheel filename's. */
export class MismatchedVersionError extends UvError {
  constructor(metadataVersion: string, filenameVersion: string) {
    super(
      "installer.mismatched-version",
      `Wheel version does not match filename (${metadataVersion} != ${filenameVersion}), which indicates a malformed wheel. If this is intentional, set \`UV_SKIP_WHEEL_FILENAME_CHECK=1\`.`,
    );
  }
}

/** A script would shadow the environment's interpreter (`python`, `python3.12`, ...). */
export class ReservedScriptNameError extends UvError {
  constructor(reserved: string, declared: string) {
    super(
      "installer.reserved-script-name",
      `Scripts must not use the reserved name \`${reserved}\`, got: \`${declared}\``,
    );
  }
}

/** An installed distribution has no `RECORD`, so what it owns is unknown. */
export class MissingRecordError extends UvError {
  /** The `RECORD` path that was looked for. */
  readonly path: string;

  constructor(path: string, display: string) {
    super(
      "installer.missing-record",
      `Cannot uninstall package; \`RECORD\` file not found at: ${display}`,
    );
    this.path = path;
  }
}

/** A `RECORD` file that is not valid CSV. */
export class RecordError extends UvError {
  constructor(detail: string) {
    super("installer.invalid-record", "RECORD file is invalid", {
      cause: new UvError("installer.csv", detail),
    });
  }
}

/** A filesystem operation of the installer failed; the cause holds the system error. */
export class InstallIoError extends UvError {
  constructor(message: string, cause: unknown) {
    super("installer.io", message, { cause });
  }
}
