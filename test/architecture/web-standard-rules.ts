import { builtinModules } from 'node:module'
import { readdirSync, readFileSync } from 'node:fs'
import { join, posix, relative, sep } from 'node:path'
import ts from 'typescript'

/** Globals that exist on Node only; Web-standard code (Workers, Deno, Bun, browsers) cannot lean on them. */
const NODE_GLOBALS = new Set(['Buffer', 'process', 'require', '__dirname', '__filename', 'global', 'setImmediate'])

/** Packages the domain must not know about: it talks to the web layer and the store only through its own types. */
const FRAMEWORK_PACKAGES = /^(hono|@hono\/|@aws-sdk\/|@smithy\/)/

/**
 * Packages only the demo server (src/server) may use; the library must install without them.
 * OpenTelemetry among them: the library is handed `@opentelemetry/api` by the application
 * (an optional peer), so it never imports any of it, not even the API.
 */
const DEMO_ONLY_PACKAGES = /^(pino|zod|@hono\/node-server|@hono\/otel|@smithy\/node-http-handler|@opentelemetry\/[^/]+)(\/|$)/

const BUILTINS = new Set(builtinModules.map((name) => name.replace(/^node:/, '')))

export interface Violation {
  readonly file: string
  readonly line: number
  readonly rule: string
}

export interface RuleOptions {
  /** Also refuse framework and SDK imports (the rule for src/domain). */
  readonly frameworkFree: boolean
  /** Folders (e.g. `src/domain`) that relative imports may reach; anything else breaks the layering. */
  readonly mayImport: readonly string[]
}

/**
 * Breaks in one source file of the Web-standard rules. Works on the syntax tree,
 * so comments, strings and property names (`c.var.process`) do not count.
 */
export function checkSource(file: string, text: string, options: RuleOptions): Violation[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)
  const found: Violation[] = []
  const report = (node: ts.Node, rule: string) =>
    found.push({ file, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1, rule })

  const checkSpecifier = (node: ts.Node, specifier: string) => {
    if (specifier.startsWith('node:')) report(node, `imports Node built-in "${specifier}"`)
    else if (BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0]!)) {
      report(node, `imports Node built-in "${specifier}" by bare name`)
    } else if (DEMO_ONLY_PACKAGES.test(specifier)) {
      report(node, `library imports demo-server package "${specifier}"`)
    } else if (options.frameworkFree && FRAMEWORK_PACKAGES.test(specifier)) {
      report(node, `domain imports "${specifier}"`)
    } else if (specifier.startsWith('.')) {
      const target = posix.normalize(posix.join(posix.dirname(file), specifier))
      if (!options.mayImport.some((dir) => target.startsWith(`${dir}/`))) report(node, `reaches across layers to "${target}"`)
    }
  }

  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      if (ts.isStringLiteral(node.moduleSpecifier)) checkSpecifier(node, node.moduleSpecifier.text)
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const expression = node.moduleReference.expression
      if (ts.isStringLiteral(expression)) checkSpecifier(node, expression.text)
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments
      if (argument && ts.isStringLiteralLike(argument)) checkSpecifier(node, argument.text)
      else report(node, 'imports a computed module name')
    } else if (ts.isImportTypeNode(node)) {
      const argument = node.argument
      if (ts.isLiteralTypeNode(argument) && ts.isStringLiteral(argument.literal)) checkSpecifier(node, argument.literal.text)
    } else if (ts.isIdentifier(node) && NODE_GLOBALS.has(node.text) && refersToGlobal(node)) {
      report(node, `uses Node global "${node.text}"`)
    } else if (isGlobalThisMember(node)) {
      report(node, `uses Node global "${memberName(node)}" through globalThis`)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

/** An identifier that names a free variable, not a property, a member or a declaration of its own. */
function refersToGlobal(node: ts.Identifier): boolean {
  const parent = node.parent
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return false
  if (ts.isQualifiedName(parent) && parent.right === node) return false
  if (
    (ts.isPropertyAssignment(parent) ||
      ts.isPropertySignature(parent) ||
      ts.isPropertyDeclaration(parent) ||
      ts.isMethodDeclaration(parent) ||
      ts.isMethodSignature(parent) ||
      ts.isGetAccessor(parent) ||
      ts.isSetAccessor(parent) ||
      ts.isEnumMember(parent)) &&
    parent.name === node
  ) {
    return false
  }
  if (ts.isBindingElement(parent) && parent.propertyName === node) return false
  if (ts.isModuleDeclaration(parent) && parent.name === node) return false // `declare global`
  if ((ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent)) && parent.propertyName === node) return false
  if (ts.isParameter(parent) || ts.isVariableDeclaration(parent) || ts.isFunctionDeclaration(parent)) {
    // Declaring a local of that name is legal; its uses are not checked for shadowing,
    // which errs on the side of reporting.
    return parent.name !== node
  }
  return true
}

function isGlobalThisMember(node: ts.Node): boolean {
  if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) {
    return ts.isIdentifier(node.expression) && node.expression.text === 'globalThis' && NODE_GLOBALS.has(memberName(node))
  }
  return false
}

function memberName(node: ts.Node): string {
  if (ts.isPropertyAccessExpression(node)) return node.name.text
  if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) return node.argumentExpression.text
  return ''
}

/** Every .ts file under `dir`, as paths relative to `root` with forward slashes. */
export function sourceFiles(root: string, dir: string): string[] {
  const out: string[] = []
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (/\.(c|m)?tsx?$/.test(entry.name)) out.push(relative(root, path).split(sep).join('/'))
    }
  }
  walk(join(root, dir))
  return out.sort()
}

/**
 * The rules over the library's tree: src/http and src/adapters are Web-standard and
 * never reach into the demo server (src/server); src/domain also knows no framework,
 * SDK or outer layer.
 */
export function checkTree(root: string): { files: string[]; violations: Violation[] } {
  const layers = [
    { dir: 'src/domain', options: { frameworkFree: true, mayImport: ['src/domain'] } },
    { dir: 'src/http', options: { frameworkFree: false, mayImport: ['src/http', 'src/domain', 'src/telemetry'] } },
    { dir: 'src/adapters', options: { frameworkFree: false, mayImport: ['src/adapters', 'src/domain'] } },
    // Telemetry knows the domain's errors and port, and no framework or SDK (it reaches clients through their public shapes).
    { dir: 'src/telemetry', options: { frameworkFree: true, mayImport: ['src/telemetry', 'src/domain'] } },
    // The contract suite (hono-dynamodb-session/testing) drives requests over a store, as the middleware would.
    { dir: 'src/testing', options: { frameworkFree: false, mayImport: ['src/testing', 'src/domain'] } },
  ]
  const files: string[] = []
  const violations: Violation[] = []
  for (const layer of layers) {
    for (const file of sourceFiles(root, layer.dir)) {
      files.push(file)
      violations.push(...checkSource(file, readFileSync(join(root, file), 'utf8'), layer.options))
    }
  }
  return { files, violations }
}
