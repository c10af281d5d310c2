import type { FastifyRequest } from 'fastify';

/** Console and API roles, from least to most trusted. */
export const ROLES = ['viewer', 'operator', 'dispatcher', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** A person signed in to the console or the API. */
export interface Operator {
  name: string;
  role: Role;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/**
 * The operator an authenticated request carries. The auth hook (`auth/`) sets
 * `request.operator` from the request's bearer token; routes read it through this function.
 */
export function operatorOf(request: FastifyRequest): Operator | undefined {
  return (request as FastifyRequest & { operator?: Operator }).operator;
}

/** True when `role` is `minimum` or more trusted. */
export function roleAtLeast(role: Role, minimum: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(minimum);
}
