import { UvError } from "@uv-ts/error";

/** A string that is not a valid package, extra or group name. */
export class InvalidNameError extends UvError {
  /** The rejected input, verbatim. */
  readonly input: string;

  constructor(input: string) {
    // uv's wording, including its trailing period: the text is shown verbatim in uv's output.
    super(
      "normalize.invalid-name",
      `Not a valid package or extra name: "${input}". Names must start and end with a letter or digit and may only contain -, _, ., and alphanumeric characters.`,
    );
    this.input = input;
  }
}
