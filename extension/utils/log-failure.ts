/** A rejection handler that logs what failed, for work whose failure must not stop what comes after it. */
export const logFailure = (what: string) => (error: unknown) => console.error(`Herald: ${what}`, error);
