/**
 * The dist-info files an install writes whatever the wheel and its source: `REQUESTED` (empty)
 * when `requested`, and `INSTALLER` with `installer` unless that is `undefined`. The install
 * writes them (see `installWheel`), and the link thread ahead of it (see `Prelinker`).
 */
export function installerFiles(
  installer: string | undefined,
  requested: boolean,
): [file: string, content: string][] {
  const files: [file: string, content: string][] = [];
  if (requested) files.push(["REQUESTED", ""]);
  if (installer !== undefined) files.push(["INSTALLER", installer]);
  return files;
}
