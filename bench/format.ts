// Number formats and the plain-text table layout every part of the report uses.

export const num = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : '-')
export const ms = (n: number) => `${num(n, n < 10 ? 1 : 0)} ms`
export const times = (n: number) => `${num(n)}x`
export const usd = (n: number) => (Number.isFinite(n) ? `$${n.toFixed(3)}` : '-')

export const opsText = (calls: Record<string, number>) =>
  Object.entries(calls)
    .map(([op, n]) => `${num(n)} ${op}`)
    .join(' + ') || '0'

/** Rows under a header, columns padded to their widest cell, for stdout and for BENCHMARKS.md (in a code block). */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows]
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)))
  const line = (r: readonly string[]) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}
