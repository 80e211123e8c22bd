/** The secret key tests share, in TOLLGATE_SECRET_KEY form: it seals credentials and signs snapshots. */
export const TEST_SECRET_KEY = `test:${Buffer.alloc(32, 7).toString('base64')}`;
