/**
 * The emulator enforces CPS's account budget (35 requests a minute) by default, as Akamai does.
 * Harnesses of tests that are not about the budget turn it off explicitly, so a suite of hundreds
 * of flows does not run at 35 requests a minute; the budget's own tests leave it on.
 */
export const NOT_ABOUT_LIMITS = { enabled: false } as const;
