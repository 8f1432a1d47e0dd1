/** The table `npm run bench` prints and the README shows: one row per figure, target met or missed. */

export interface Row {
  scenario: string;
  figure: string;
  ours: string;
  baseline: string;
  target: string;
  /** null: reported, no target. */
  met: boolean | null;
}

export function formatTable(rows: readonly Row[]): string {
  const header = ["scenario", "figure", "ours", "baseline", "target", "met"];
  const cells = rows.map((r) => [r.scenario, r.figure, r.ours, r.baseline, r.target, r.met === null ? "-" : r.met ? "met" : "MISSED"].map(escapeCell));
  const lines = [header, ...cells].map((c) => `| ${c.join(" | ")} |`);
  lines.splice(1, 0, `|${header.map(() => "---").join("|")}|`);
  return lines.join("\n");
}

/** A markdown cell: one line, no column separators. */
function escapeCell(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|");
}

/** Deterministic figures (fixed decimals, "n/a" for a run that produced none). */
export const fmt = {
  ratio: (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : "n/a"),
  minutes: (cpsMs: number): string => (Number.isFinite(cpsMs) ? `${(cpsMs / 60_000).toFixed(1)} min` : "n/a"),
  seconds: (ms: number): string => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : "n/a"),
  count: (x: number): string => (Number.isFinite(x) ? String(Math.round(x)) : "n/a"),
  perItem: (total: number, items: number): string => (items > 0 && Number.isFinite(total) ? (total / items).toFixed(1) : "n/a"),
  percent: (part: number, whole: number): string => (whole > 0 ? `${((100 * part) / whole).toFixed(1)} %` : "n/a"),
  mb: (bytes: number): string => (Number.isFinite(bytes) ? `${(bytes / 1024 / 1024).toFixed(0)} MB` : "n/a"),
};

/** A NaN-safe comparison for targets: a figure that was not produced never meets one. */
export function atMost(x: number, limit: number): boolean {
  return Number.isFinite(x) && x <= limit;
}
