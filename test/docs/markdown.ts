// Reading the project's Markdown the way GitHub renders it, for the docs checks:
// which links a page makes, which anchors its headings give, and its TypeScript blocks.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'

export interface CodeBlock {
  /** The info string after the fence, e.g. `ts` or `ts no-check`. */
  readonly info: string
  readonly code: string
  /** 1-based line of the opening fence. */
  readonly line: number
}

export interface Link {
  readonly target: string
  readonly line: number
}

/** The pages the checks cover, relative to the root: the README, docs/ and each example's README. */
export function documentedPages(root: string): string[] {
  const docs = existsSync(join(root, 'docs'))
    ? readdirSync(join(root, 'docs'), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.md'))
        .map((f) => join('docs', f))
    : []
  const examples = readdirSync(join(root, 'examples'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, 'examples', d.name, 'README.md')))
    .map((d) => join('examples', d.name, 'README.md'))
  return ['README.md', ...docs.sort(), ...examples.sort()].map((p) => relative(root, join(root, p)))
}

/** Fenced code blocks (``` or ~~~), with the lines outside them kept apart for link scanning. */
export function splitFences(text: string): { blocks: CodeBlock[]; prose: Array<{ text: string; line: number }> } {
  const blocks: CodeBlock[] = []
  const prose: Array<{ text: string; line: number }> = []
  const lines = text.split('\n')
  let open: { fence: string; info: string; line: number; body: string[] } | null = null
  lines.forEach((raw, index) => {
    const fence = /^\s{0,3}(`{3,}|~{3,})(.*)$/.exec(raw)
    if (open) {
      if (fence && fence[1]!.startsWith(open.fence) && fence[2]!.trim() === '') {
        blocks.push({ info: open.info, code: open.body.join('\n'), line: open.line })
        open = null
      } else {
        open.body.push(raw)
      }
      return
    }
    if (fence) {
      open = { fence: fence[1]!, info: fence[2]!.trim(), line: index + 1, body: [] }
      return
    }
    prose.push({ text: raw, line: index + 1 })
  })
  if (open) throw new Error(`unclosed code fence opened on line ${(open as { line: number }).line}`)
  return { blocks, prose }
}

/** Inline and reference links, and HTML src/href attributes, outside code. */
export function linksOf(text: string): Link[] {
  const links: Link[] = []
  for (const { text: raw, line } of splitFences(text).prose) {
    const prose = raw.replace(/`[^`]*`/g, '')
    for (const m of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ target: m[1]!, line })
    for (const m of prose.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/g)) links.push({ target: m[1]!, line })
    for (const m of prose.matchAll(/\s(?:src|href)="([^"]+)"/g)) links.push({ target: m[1]!, line })
  }
  return links
}

/**
 * GitHub's anchor for a heading: lower case, markup and punctuation dropped (letters,
 * digits, spaces, `-` and `_` kept), each space a hyphen; repeats get -1, -2, ...
 */
export function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>()
  const anchors = new Set<string>()
  for (const { text: line } of splitFences(text).prose) {
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)
    const html = [...line.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)].map((m) => m[1]!)
    html.forEach((a) => anchors.add(a))
    if (!heading) continue
    const plain = heading[1]!
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]+>/g, '')
      .replace(/[`*]/g, '')
    const slug = plain
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-')
    const count = seen.get(slug) ?? 0
    seen.set(slug, count + 1)
    anchors.add(count === 0 ? slug : `${slug}-${count}`)
  }
  return anchors
}

/** The TypeScript blocks of a page; `ts no-check` marks the few that are partial on purpose. */
export function typeScriptBlocks(text: string): Array<CodeBlock & { checked: boolean }> {
  return splitFences(text)
    .blocks.filter((b) => /^(ts|typescript)\b/.test(b.info))
    .map((b) => ({ ...b, checked: !/\bno-check\b/.test(b.info) }))
}

export const read = (root: string, page: string): string => readFileSync(join(root, page), 'utf8')
