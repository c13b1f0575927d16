// Remote watering routes: POST /api/pots/:id/water, GET /api/pots/:id/commands, and
// GET/PUT /api/pots/:id/watering-rules. The accounts guard gives POST and PUT to users with
// control of the pot only (docs/security.md); GET reports whether the caller has it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { allows } from '../../domain/auth/access.js';
import { MAX_COMMAND_LIFETIME_S, MAX_WATER_DURATION_S, MAX_WATER_VOLUME_ML } from '../../domain/command.js';
import { checkPumpFlow, secondsForVolume } from '../../domain/water-usage.js';
import { checkWateringRule, DEFAULT_WATERING_RULE, initialRuleState, type WateringRule } from '../../domain/watering-rules.js';
import { potUsage } from '../watering/usage.js';
import { errorBody, idParams, potIdOrReply, potNotFound } from './pot-params.js';

export const SHOWN_COMMANDS = 50;
/** Shortest expiry a user may ask for: the broker and the pot need a moment. */
export const MIN_EXPIRES_S = 60;

const waterBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    duration_s: { type: 'integer', minimum: 1, maximum: MAX_WATER_DURATION_S },
    volume_ml: { type: 'number', exclusiveMinimum: 0, maximum: MAX_WATER_VOLUME_ML },
    expires_in_s: { type: 'integer', minimum: MIN_EXPIRES_S, maximum: MAX_COMMAND_LIFETIME_S },
  },
} as const;

const hhmm = { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' } as const;
const ruleSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    enabled: { type: 'boolean' },
    thresholdPercent: { type: ['number', 'null'] },
    dryForMs: { type: 'integer', minimum: 0 },
    durationS: { type: 'integer' },
    maxPerDay: { type: 'integer' },
    maxSecondsPerDay: { type: 'integer' },
    quietHours: { type: ['object', 'null'], additionalProperties: false, required: ['start', 'end'], properties: { start: hhmm, end: hhmm } },
    schedules: {
      type: 'array', maxItems: 20,
      items: { type: 'object', additionalProperties: false, required: ['days', 'time', 'durationS'], properties: { days: { type: 'array', items: { type: 'integer' } }, time: hhmm, durationS: { type: 'integer' } } },
    },
    maxReadingAgeMs: { type: 'integer' },
    riseWindowMs: { type: 'integer' },
    minRisePercent: { type: 'number' },
  },
} as const;

const rulesBody = {
  type: 'object',
  additionalProperties: false,
  properties: { rule: { anyOf: [ruleSchema, { type: 'null' }] }, flowMlPerS: { type: ['number', 'null'] }, enable: { type: 'boolean' } },
} as const;

const codedErrorBody = { type: 'object', properties: { code: { type: 'string' }, error: { type: 'string' } } } as const;

function noPumpMessage(id: string): string {
  return `pot ${id} has no pump, so it cannot be watered remotely: wire one and set it with npm run device:config -- --pump-pin (docs/device.md#pump-remote-watering)`;
}

interface WaterBody { duration_s?: number; volume_ml?: number; expires_in_s?: number }
interface RulesBody { rule?: Partial<WateringRule> | null; flowMlPerS?: number | null; enable?: boolean }
type IdRequest<B = unknown> = FastifyRequest<{ Params: { id: string }; Body: B }>;

export default async function wateringRoutes(app: FastifyInstance): Promise<void> {
  /** The pot id of a request for a known pot, or null once the reply (400 or 404) is sent. */
  function knownPot(request: IdRequest<unknown>, reply: FastifyReply): string | null {
    const id = potIdOrReply(request.params.id, reply);
    if (id === null) return null;
    if (!app.store.pot(id, Date.now())) {
      void reply.code(404).send(potNotFound(request.params.id));
      return null;
    }
    return id;
  }

  function rulesView(id: string): Record<string, unknown> {
    const pot = app.watering.store.pot(id);
    const state = pot.ruleState ?? initialRuleState();
    return {
      potId: id, rule: pot.rule, defaults: DEFAULT_WATERING_RULE, flowMlPerS: pot.flowMlPerS,
      state: { day: state.day, countToday: state.countToday, secondsToday: state.secondsToday, disabled: state.disabled, checkingRise: state.pending !== null },
    };
  }

  const schema = (body?: object) => ({ params: idParams, ...(body ? { body } : {}), response: { 400: errorBody, 404: errorBody, 409: codedErrorBody } });

  app.post<{ Params: { id: string }; Body: WaterBody }>('/api/pots/:id/water', { schema: schema(waterBody) }, async (request, reply) => {
    const id = knownPot(request, reply);
    if (id === null) return reply;
    // A pot that stated it has no pump would only refuse the command. A pot with no `pump` in its
    // readings (older firmware) may have one, so its command is sent.
    if (app.store.pot(id, Date.now())?.pump === false) {
      request.log.info({ potId: id }, 'water command rejected: the pot has no pump');
      return reply.code(409).send({ code: 'no_pump', error: noPumpMessage(id) });
    }
    const body = request.body ?? {};
    if ((body.duration_s === undefined) === (body.volume_ml === undefined)) {
      return reply.code(400).send({ error: 'give exactly one of duration_s (seconds) and volume_ml (millilitres) / indiquez soit duration_s, soit volume_ml' });
    }
    const flow = app.watering.store.pot(id).flowMlPerS;
    let durationS = body.duration_s ?? 0;
    if (body.volume_ml !== undefined) {
      if (flow === null) return reply.code(400).send({ error: `volume_ml ${body.volume_ml} needs the pump flow of this pot: set flowMlPerS in PUT /api/pots/${id}/watering-rules, or send duration_s` });
      durationS = secondsForVolume(body.volume_ml, flow);
      if (durationS > MAX_WATER_DURATION_S) return reply.code(400).send({ error: `volume_ml ${body.volume_ml} needs ${durationS} s at ${flow} mL/s, more than ${MAX_WATER_DURATION_S} s: ask for less` });
    }
    const command = app.watering.commands.create({
      potId: id, durationS, volumeMl: body.volume_ml ?? null, expiresInS: body.expires_in_s ?? app.watering.defaultExpiresS(id),
      origin: 'manual', by: request.auth.user?.name ?? null,
    });
    return reply.code(201).send({ command });
  });

  app.get<{ Params: { id: string } }>('/api/pots/:id/commands', { schema: schema() }, async (request, reply) => {
    const id = knownPot(request, reply);
    if (id === null) return reply;
    const pot = app.watering.store.pot(id);
    const access = app.accounts.access(request.auth.user, id);
    const state = pot.ruleState;
    return {
      potId: id,
      canControl: allows(access, 'control'),
      pump: app.store.pot(id, Date.now())?.pump ?? null,
      limits: { maxDurationS: MAX_WATER_DURATION_S, maxVolumeMl: MAX_WATER_VOLUME_ML, defaultExpiresS: app.watering.defaultExpiresS(id) },
      commands: pot.commands.slice(-SHOWN_COMMANDS).reverse(),
      usage: potUsage(pot, Date.now(), app.watering.clock),
      rule: pot.rule === null ? null : { enabled: pot.rule.enabled, disabled: state?.disabled ?? null },
    };
  });

  app.get<{ Params: { id: string } }>('/api/pots/:id/watering-rules', { schema: schema() }, async (request, reply) => {
    const id = knownPot(request, reply);
    if (id === null) return reply;
    return rulesView(id);
  });

  app.put<{ Params: { id: string }; Body: RulesBody }>('/api/pots/:id/watering-rules', { schema: schema(rulesBody) }, async (request, reply) => {
    const id = knownPot(request, reply);
    if (id === null) return reply;
    const body = request.body ?? {};
    const pot = app.watering.store.pot(id);
    if (body.flowMlPerS !== undefined && body.flowMlPerS !== null) {
      const problem = checkPumpFlow(body.flowMlPerS);
      if (problem !== null) return reply.code(400).send({ error: problem });
    }
    let rule: WateringRule | null | undefined;
    if (body.rule !== undefined && body.rule !== null) {
      rule = { ...DEFAULT_WATERING_RULE, ...pot.rule, ...body.rule };
      const problems = checkWateringRule(rule);
      if (problems.length > 0) return reply.code(400).send({ error: `rule refused: ${problems.join('; ')}` });
    } else if (body.rule === null) {
      rule = null;
    }
    if (rule !== undefined) app.watering.rules.setRule(id, rule);
    if (body.flowMlPerS !== undefined) pot.flowMlPerS = body.flowMlPerS;
    if (body.enable === true) app.watering.rules.enable(id);
    await app.watering.store.save();
    request.log.info({ potId: id, rule: rule === undefined ? 'unchanged' : rule === null ? 'removed' : 'set', enable: body.enable === true }, 'watering rules saved');
    return rulesView(id);
  });
}
