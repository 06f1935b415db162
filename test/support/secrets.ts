// The secrets tests sign cookies with, defined once. Each session secret is at least
// 32 characters, as config requires; fixture text files keep their own literals.

/** The secret of the test app, and of the servers tests start. */
export const SECRET = 'test-secret-0123456789-abcdefghijklmnop'

/** Secret rotation: cookies signed with the old one keep working under "new,old". */
export const OLD_SECRET = 'old-secret-0123456789-abcdefghijklmnopq'
export const NEW_SECRET = 'new-secret-0123456789-abcdefghijklmnopq'

/** A secret the app does not know: cookies signed with it are forgeries. */
export const OTHER_SECRET = 'someone-elses-secret-0123456789-abcdefgh'

/** The express-session secret of the app being migrated from (express-session has no length rule). */
export const LEGACY_SECRET = 'the-old-express-session-secret'
