import type { IndexFile } from "../fixtures/spec.ts";

/** How one file appears on a page, after faults have had their say. */
export interface FileLink {
  readonly file: IndexFile;
  readonly url: string;
  /** The sha256 the page advertises (differs from the file's under a `wrongHash` fault). */
  readonly sha256: string;
  /** The sha256 of the PEP 658 metadata, or `undefined` when the page offers none. */
  readonly metadataSha256: string | undefined;
}

/** The Simple API version the pages declare (1.1 adds PEP 700's `versions`, `size`, `upload-time`). */
export const API_VERSION = "1.1";

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

function htmlPage(title: string, body: string[]): string {
  return [
    "<!DOCTYPE html>",
    "<html>",
    "  <head>",
    `    <meta name="pypi:repository-version" content="${API_VERSION}">`,
    `    <title>${escapeHtml(title)}</title>`,
    "  </head>",
    "  <body>",
    `    <h1>${escapeHtml(title)}</h1>`,
    ...body.map((line) => `    ${line}`),
    "  </body>",
    "</html>",
    "",
  ].join("\n");
}

/** The PEP 503 root page. */
export function rootHtml(projects: readonly { name: string; href: string }[]): string {
  const links = projects.map(
    (p) => `<a href="${escapeHtml(p.href)}">${escapeHtml(p.name)}</a><br />`,
  );
  return htmlPage("Simple index", links);
}

/** The PEP 691 root page. */
export function rootJson(projects: readonly { name: string }[]): string {
  return JSON.stringify({
    meta: { "api-version": API_VERSION },
    projects: projects.map((p) => ({ name: p.name })),
  });
}

function anchor(link: FileLink): string {
  const attrs = [`href="${escapeHtml(`${link.url}#sha256=${link.sha256}`)}"`];
  const { file } = link;
  if (file.requiresPython !== undefined) {
    attrs.push(`data-requires-python="${escapeHtml(file.requiresPython)}"`);
  }
  if (file.yanked !== false) {
    attrs.push(`data-yanked="${file.yanked === true ? "" : escapeHtml(file.yanked)}"`);
  }
  if (link.metadataSha256 !== undefined) {
    // PEP 714 renamed the attribute; old clients only know the first spelling, so send both.
    attrs.push(`data-dist-info-metadata="sha256=${link.metadataSha256}"`);
    attrs.push(`data-core-metadata="sha256=${link.metadataSha256}"`);
  }
  return `<a ${attrs.join(" ")}>${escapeHtml(file.filename)}</a><br />`;
}

/** A PEP 503 project page (also the body of a flat `--find-links` page). */
export function projectHtml(title: string, links: readonly FileLink[]): string {
  return htmlPage(title, links.map(anchor));
}

/** A PEP 691 project page with the PEP 700 additions. */
export function projectJson(name: string, links: readonly FileLink[]): string {
  const versions = [...new Set(links.map((l) => l.file.version))];
  return JSON.stringify({
    meta: { "api-version": API_VERSION },
    name,
    versions,
    files: links.map((link) => {
      const { file } = link;
      const metadata = link.metadataSha256 === undefined ? false : { sha256: link.metadataSha256 };
      return {
        filename: file.filename,
        url: link.url,
        hashes: { sha256: link.sha256 },
        ...(file.requiresPython === undefined ? {} : { "requires-python": file.requiresPython }),
        "core-metadata": metadata,
        "dist-info-metadata": metadata,
        yanked: file.yanked,
        size: file.size,
        ...(file.uploadTime === undefined ? {} : { "upload-time": file.uploadTime }),
      };
    }),
  });
}
