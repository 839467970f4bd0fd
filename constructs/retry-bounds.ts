/**
 * The bound on upstream retries, defined once: the platform, a tenant, a skill and a call all
 * check against it (each retry multiplies the load on an agent that is already failing).
 */
import { Field, refuse } from './errors';

/** Default and ceiling of `maxRetries`. */
export const MAX_RETRIES = { default: 3, ceiling: 10 } as const;

/**
 * Returns `value` when it is a whole number from 0 to the ceiling; else throws naming `field`.
 * @example _checkMaxRetries(props.maxRetries ?? MAX_RETRIES.default, 'maxRetries')
 */
export function _checkMaxRetries(value: number, field: Field): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_RETRIES.ceiling) {
    throw refuse(field, value, `is not allowed; use a whole number from 0 to ${MAX_RETRIES.ceiling} (each retry multiplies load on a failing agent)`);
  }
  return value;
}
