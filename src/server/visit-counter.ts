/** What the visit counter needs from a session. */
export interface Countable {
  increment(field: string, by?: number): Promise<number>
}

export const VISITS_FIELD = 'views'

/** Counts one visit and returns how many this session has made, this one included. */
export const countVisit = (session: Countable): Promise<number> => session.increment(VISITS_FIELD, 1)
