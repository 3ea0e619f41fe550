/** Name of the Bull queue the library registers for delivery jobs. */
export const WEBHOOKS_QUEUE = 'webhooks:deliveries';

/** Injection token of the fully resolved options (defaults applied). */
export const RESOLVED_WEBHOOKS_OPTIONS = 'WEBHOOKS:RESOLVED_OPTIONS';
