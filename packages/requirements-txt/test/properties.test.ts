import { Requirement } from "@uv-ts/pep508";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseRequirementsTxtString } from "../src/index.ts";

const name = fc
  .tuple(
    fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCXYZ"),
    fc.stringMatching(/^[a-z0-9_-]{0,8}$/),
    fc.constantFrom(..."abcxyz0189"),
  )
  .map(([a, b, c]) => `${a}${b}${c}`);
const version = fc
  .array(fc.nat(30), { minLength: 1, maxLength: 3 })
  .map((parts) => parts.join("."));
const specifier = fc
  .tuple(fc.constantFrom("==", ">=", "<", "!=", "~=", "<=", ">"), version)
  .filter(([op, v]) => op !== "~=" || v.includes("."))
  .map(([op, v]) => `${op}${v}`);
const specifiers = fc.array(specifier, { minLength: 1, maxLength: 3 }).map((s) => s.join(", "));
const marker = fc.constantFrom(
  'python_version >= "3.8"',
  "sys_platform == 'linux'",
  'os_name == "nt" and python_version < "3.12"',
  "(platform_system == 'Windows' or platform_machine == 'x86_64') and extra == 'test'",
  "implementation_name != 'pypy'",
);
const requirement = fc
  .tuple(
    name,
    fc.option(fc.array(name, { minLength: 1, maxLength: 3 }), { nil: undefined }),
    fc.option(specifiers, { nil: undefined }),
    fc.option(marker, { nil: undefined }),
    fc.constantFrom("", " "),
  )
  .map(([n, extras, spec, m, gap]) => {
    let out = n;
    if (extras !== undefined) out += `${gap}[${extras.join(`,${gap}`)}]`;
    if (spec !== undefined) out += `${gap}${spec}`;
    if (m !== undefined) out += ` ; ${m}`;
    return out;
  });

const blank = fc.constantFrom("", " ", "\t", "  \t ");
const commentText = fc.string({ maxLength: 12 }).map((s) => s.replace(/[\r\n]/g, " "));
const hash = fc.stringMatching(/^[0-9a-f]{8,16}$/).map((h) => `sha256:${h}`);

/** One requirement line with its decorations. */
const line = fc.record({
  requirement,
  indent: blank,
  trailingComment: fc.option(commentText, { nil: undefined }),
  hashes: fc.array(fc.tuple(hash, fc.boolean(), fc.constantFrom("=", " ")), { maxLength: 3 }),
  commentAfterContinuation: fc.boolean(),
  before: fc.array(
    fc.oneof(
      blank,
      commentText.map((c) => `# ${c}`),
    ),
    { maxLength: 2 },
  ),
});

describe("requirements_txt_properties", () => {
  it("requirements_written_one_per_line_parse_back", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { maxLength: 8 }),
        fc.constantFrom("\n", "\r\n"),
        fc.boolean(),
        async (lines, eol, finalNewline) => {
          const out: string[] = [];
          const expected: { text: string; hashes: string[]; line: number }[] = [];
          for (const l of lines) {
            out.push(...l.before);
            let text = `${l.indent}${l.requirement}`;
            const startLine = out.length + 1;
            for (const [h, continued, sep] of l.hashes) {
              if (continued) {
                out.push(`${text} \\`);
                text = `    --hash${sep}${h}`;
              } else {
                text += ` --hash${sep}${h}`;
              }
            }
            if (l.commentAfterContinuation) {
              out.push(`${text} \\`);
              text = "  # continued comment";
            } else if (l.trailingComment !== undefined) {
              text += ` # ${l.trailingComment}`;
            }
            out.push(text);
            expected.push({
              text: l.requirement,
              hashes: l.hashes.map(([h]) => h),
              line: startLine,
            });
          }
          const content = out.join(eol) + (finalNewline ? eol : "");
          const parsed = await parseRequirementsTxtString(content, "requirements.txt", {
            workingDir: "/nonexistent-uv-ts-dir",
            env: {},
          });
          expect(parsed.requirements.map((e) => e.requirement.toString())).toEqual(
            expected.map((e) => Requirement.parse(e.text).toString()),
          );
          expect(parsed.requirements.map((e) => e.hashes)).toEqual(expected.map((e) => e.hashes));
          expect(parsed.requirements.map((e) => e.source.line)).toEqual(
            expected.map((e) => e.line),
          );
          expect(parsed.constraints).toEqual([]);
          expect(parsed.warnings).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("line_endings_do_not_change_the_result", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(requirement, { minLength: 1, maxLength: 6 }), async (reqs) => {
        const options = { workingDir: "/nonexistent-uv-ts-dir", env: {} };
        const lf = await parseRequirementsTxtString(reqs.join("\n"), "r.txt", options);
        const crlf = await parseRequirementsTxtString(reqs.join("\r\n"), "r.txt", options);
        const cr = await parseRequirementsTxtString(reqs.join("\r"), "r.txt", options);
        const strings = (r: typeof lf) =>
          r.requirements.map((e) => `${e.source.line}:${e.requirement}`);
        expect(strings(crlf)).toEqual(strings(lf));
        expect(strings(cr)).toEqual(strings(lf));
        expect(lf.requirements).toHaveLength(reqs.length);
      }),
      { numRuns: 200 },
    );
  });
});
