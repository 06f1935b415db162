import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ID_STATES, TRANSITIONS } from '../../src/domain/session-lifecycle.js'

// The lifecycle is written in the code (session-lifecycle.ts) and in the docs; they must name the same states.

describe('the identity lifecycle table', () => {
  const page = readFileSync('docs/identity-lifecycle.md', 'utf8')
  it('docs/identity-lifecycle.md has a row for every state the code names, and no other', () => {
    const documented = [...page.matchAll(/^\| \*\*([a-z]+)\*\*/gm)].map((m) => m[1])
    expect(documented).toEqual(ID_STATES.map((row) => row.state))
  })
  it('every transition in the code has a from state, a to state and a condition', () => {
    for (const row of TRANSITIONS) for (const part of [row.name, row.from, row.to, row.condition]) expect(part.length).toBeGreaterThan(3)
    expect(TRANSITIONS.map((row) => row.name)).toEqual(expect.arrayContaining(['create', 'renew', 'login / regenerate', 'logout', 'revoke']))
  })
})
