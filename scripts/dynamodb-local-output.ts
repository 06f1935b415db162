// What `npm run dev` shows of DynamoDB Local's own output: its warnings and
// errors (not its banner or Java stack frames), and a hint when the data folder
// is what fails.

const WORTH_SHOWING = /WARNING|SEVERE|ERROR|Exception|Error:/
const STACK_FRAME = /^\s*(at |\.\.\. \d+ more|Caused by: .*\n?\s*at )/
/** SQLite's words for a data file it cannot use: damaged, not a database, read-only, or not openable. */
const DATA_PROBLEM =
  /file is (encrypted or is )?not a database|database disk image is malformed|readonly database|unable to open database file|SQLITE_(CORRUPT|NOTADB|READONLY|CANTOPEN|IOERR)/i

export interface OutputReport {
  /** Feed every line DynamoDB Local prints. */
  line(text: string): void
  /** A data-folder problem was seen. */
  dataProblem(): boolean
}

export function dataHint(dataDir: string): string {
  return [
    `DynamoDB Local cannot use its data in ${dataDir}.`,
    `If the files are damaged, delete ${dataDir} (the sessions stored there are lost) and run npm run dev again;`,
    'if they are read-only, give yourself write access to them.',
  ].join('\n')
}

export function dynamoDbLocalOutput(dataDir: string, print: (text: string) => void): OutputReport {
  let problem = false
  return {
    line(text) {
      if (!WORTH_SHOWING.test(text) || STACK_FRAME.test(text)) return
      print(`DynamoDB Local: ${text.trim()}`)
      if (!problem && DATA_PROBLEM.test(text)) {
        problem = true
        print(dataHint(dataDir))
      }
    },
    dataProblem: () => problem,
  }
}
