// Writes the run into BENCHMARKS.md, between two markers: the machine, the command, the
// targets and every table. The prose around the markers is kept as it is.
import { readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'

export const BENCHMARKS_FILE = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url))
export const BEGIN = '<!-- npm run bench writes from here -->'
export const END = '<!-- npm run bench writes up to here -->'

export interface RecordedRun {
  readonly machine: string
  readonly when: string
  readonly command: string
  readonly subtitle: string
  readonly targets: string
  readonly sections: readonly { title: string; intro: string; table: string }[]
}

const block = (text: string) => ['```', text, '```'].join('\n')

export function recordedRunMarkdown(run: RecordedRun): string {
  return [
    BEGIN,
    '',
    `Machine: ${run.machine}. Recorded ${run.when}.`,
    '',
    `Command: \`${run.command}\`. ${run.subtitle}.`,
    '',
    block(run.targets),
    '',
    ...run.sections.flatMap((s) => [`### ${s.title}`, '', s.intro, '', block(s.table), '']),
    END,
  ].join('\n')
}

/** BENCHMARKS.md with the part between the markers replaced; an error when the markers are missing. */
export function withRecordedRun(document: string, run: RecordedRun): string {
  const start = document.indexOf(BEGIN)
  const end = document.indexOf(END)
  if (start < 0 || end < start) throw new Error(`BENCHMARKS.md lacks the markers ${BEGIN} ... ${END}`)
  return document.slice(0, start) + recordedRunMarkdown(run) + document.slice(end + END.length)
}

export async function writeRecordedRun(run: RecordedRun): Promise<void> {
  await writeFile(BENCHMARKS_FILE, withRecordedRun(await readFile(BENCHMARKS_FILE, 'utf8'), run))
}
