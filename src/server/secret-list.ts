/**
 * A list of secrets from one environment variable: comma-separated (`new,old`), or a
 * JSON array of strings (`["a,secret","another"]`) for secrets that contain commas.
 * Returns the list, or why it is unusable (an empty part, a malformed array).
 */
export function parseSecretList(text: string): string[] | string {
  const trimmed = text.trim()
  let parts: unknown
  if (trimmed.startsWith('[')) {
    try {
      parts = JSON.parse(trimmed)
    } catch {
      return 'a list starting with [ must be a JSON array of strings'
    }
    if (!Array.isArray(parts) || parts.some((p) => typeof p !== 'string')) return 'a list starting with [ must be a JSON array of strings'
  } else {
    parts = trimmed.split(',').map((s) => s.trim())
  }
  const list = parts as string[]
  if (list.length === 0 || list.some((s) => s.length === 0)) return 'an empty secret in the list (check for a stray comma)'
  return list
}
