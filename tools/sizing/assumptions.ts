/**
 * The usage the monthly cost assumes where the stack's config says nothing: how much the
 * warehouse is queried. (The Athena query mix is QUERY_MIX in model.ts, beside the bytes it reads.)
 */
export const REDSHIFT_USE = {
  hoursPerMonth: 22,
  description: "one hour of queries per working day at base capacity",
} as const;
