// Filters the bodies of list routes to the pots a user may see. The routes themselves list every
// pot; the auth plugin runs this on their payload before it is serialized, so no route can forget
// it. A payload whose shape is not the expected one is an error (500), never sent unfiltered.

export type CanSee = (potId: string) => boolean;

type Filter = (payload: Record<string, unknown>, canSee: CanSee) => Record<string, unknown>;

function array(payload: Record<string, unknown>, field: string): Array<Record<string, unknown>> {
  const value = payload[field];
  if (!Array.isArray(value)) throw new Error(`list filter: field "${field}" is not an array; update hub/accounts/list-filters.ts for the new response shape`);
  return value as Array<Record<string, unknown>>;
}

function byField(field: string, idOf: (item: Record<string, unknown>) => unknown): Filter {
  return (payload, canSee) => ({ ...payload, [field]: array(payload, field).filter((item) => { const id = idOf(item); return typeof id === 'string' && canSee(id); }) });
}

const alertPot = (item: Record<string, unknown>): unknown => (item['alert'] as { potId?: unknown } | undefined)?.potId;

/** Filters of the list routes, by "METHOD url". */
const FILTERS: Record<string, Filter> = {
  'GET /api/pots': byField('pots', (pot) => pot['id']),
  'GET /api/care': byField('pots', (summary) => summary['potId']),
  'GET /api/alerts': (payload, canSee) => ({
    ...payload,
    active: array(payload, 'active').filter((item) => typeof item['potId'] === 'string' && canSee(item['potId'])),
    recent: array(payload, 'recent').filter((item) => typeof item['potId'] === 'string' && canSee(item['potId'])),
    deliveries: array(payload, 'deliveries').filter((item) => { const id = alertPot(item); return typeof id === 'string' && canSee(id); }),
  }),
};

/** Routes whose response lists pots; tests check each one. */
export const LIST_ROUTES = Object.keys(FILTERS);

/** Returns the payload of `route` with only the pots `canSee` allows; other routes pass unchanged. */
export function filterList(route: string, payload: unknown, canSee: CanSee): unknown {
  const filter = FILTERS[route];
  if (filter === undefined) return payload;
  if (typeof payload !== 'object' || payload === null) throw new Error(`list filter: ${route} returned a ${typeof payload}, not an object; update hub/accounts/list-filters.ts`);
  return filter(payload as Record<string, unknown>, canSee);
}
