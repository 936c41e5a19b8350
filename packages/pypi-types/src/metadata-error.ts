import { UvError, type UvErrorOptions } from "@uv-ts/error";

/** A core metadata document (`METADATA`, `PKG-INFO`) that could not be read; messages follow uv. */
export class MetadataError extends UvError {
  /** The metadata field at fault, when there is one (`Requires-Dist`, `Version`, ...). */
  readonly field: string | undefined;

  constructor(
    code: string,
    message: string,
    options: UvErrorOptions & { field?: string | undefined } = {},
  ) {
    super(`pypi-types.${code}`, message, options);
    this.field = options.field;
  }
}
