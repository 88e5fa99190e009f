/**
 * Taking a number: a hold while the buyer confirms, a purchase paid from the wallet, or an import
 * of a number the org already has on its own carrier account. Each decides and writes inside one
 * write transaction, so two orgs racing for a number cannot both get it.
 */
import { FlowyteError, notFound } from '../../errors.ts';
import type { Services } from '../../services.ts';
import type { NumberHold, OwnedNumber, Standing } from '../../store/numbers.ts';
import type { Operation } from '../../store/idempotency.ts';
import { chargeUsage } from '../billing/meter.ts';
import { billingWallet } from '../billing/mode.ts';
import { numberPrice } from '../billing/prices.ts';
import { addMonth } from '../billing/subscription.ts';

/** How long a hold keeps a number for its org. */
export const HOLD_MINUTES = 30;

export type HoldState = NumberHold['status'] | 'expired';

/** A hold's state now: an active hold past its time has expired. */
export function holdState(hold: NumberHold, now: Date): HoldState {
  return hold.status === 'active' && hold.expiresAt <= now.toISOString() ? 'expired' : hold.status;
}

/** 404 unless the agent is the org's. */
export function requireAgent(services: Pick<Services, 'agents'>, orgId: string, agentId: string): void {
  if (!services.agents.find(orgId, agentId)) throw notFound('agent', agentId);
}

function notForSale(e164: string): FlowyteError {
  return new FlowyteError('number_unavailable', `${e164} is not offered by the carrier: search again and pick another number`);
}

/** The number's standing, or 409 when an org here owns it or another org holds it. Call inside the write. */
function assertOpen(services: Services, orgId: string, e164: string): Standing {
  const standing = services.numbers.standing([e164]).get(e164)!;
  if (standing.ownerOrgId === orgId) throw new FlowyteError('number_unavailable', `you already own ${e164}: see GET /numbers`);
  if (standing.ownerOrgId !== null) throw new FlowyteError('number_unavailable', `${e164} has been taken: search again and pick another number`);
  if (standing.hold && standing.hold.orgId !== orgId) {
    throw new FlowyteError('number_unavailable', `${e164} is on hold for someone else: pick another number, or try again in up to ${HOLD_MINUTES} minutes`);
  }
  return standing;
}

/** Hold a number for the org (no charge). Holding it again returns the hold it already has. */
export async function reserveNumber(services: Services, orgId: string, e164: string): Promise<NumberHold> {
  if (!(await services.carrier.lookup(e164))) throw notForSale(e164);
  return services.numbers.atomically(() => {
    const standing = assertOpen(services, orgId, e164);
    if (standing.hold) return standing.hold;
    const expiresAt = new Date(services.now().getTime() + HOLD_MINUTES * 60_000).toISOString();
    return services.numbers.createHold(orgId, e164, expiresAt);
  });
}

/** Cancel the org's hold; holds no longer active are returned as they are. */
export function releaseHold(services: Services, orgId: string, id: string): NumberHold {
  return services.numbers.atomically(() => {
    const hold = services.numbers.findHold(orgId, id);
    if (!hold) throw notFound('reservation', id);
    if (holdState(hold, services.now()) === 'active') services.numbers.setHoldStatus(hold.id, 'released');
    return services.numbers.findHold(orgId, id)!;
  });
}

/** The hold a purchase names: the org's, for the same number, and still active. */
function namedHold(services: Services, orgId: string, reservationId: string, e164: string): NumberHold {
  const hold = services.numbers.findHold(orgId, reservationId);
  if (!hold) throw notFound('reservation', reservationId);
  if (hold.e164 !== e164) {
    throw new FlowyteError('validation_error', `reservation ${reservationId} holds ${hold.e164}, not ${e164}`, {
      errors: [{ field: 'reservationId', message: `holds ${hold.e164}, not ${e164}` }],
    });
  }
  const state = holdState(hold, services.now());
  if (state !== 'active') throw new FlowyteError('reservation_inactive', `reservation ${reservationId} is ${state}: reserve the number again`);
  return hold;
}

export interface PurchaseRequest {
  e164: string;
  reservationId?: string;
  agentId?: string;
}

/**
 * Buy a number: the first month's rent (and any setup fee) is taken from the wallet in the same
 * write that records the number and consumes the org's hold (with billing off it is only metered);
 * a wallet that cannot pay (402) or a number taken meanwhile (409) writes nothing. The carrier is asked first, once every check has
 * passed, and given the number back should the write fail after all.
 */
export async function purchaseNumber(services: Services, orgId: string, request: PurchaseRequest, operation?: Operation): Promise<OwnedNumber> {
  // A purchase whose process died after its write: the number it bought is the answer.
  const earlier = operation?.effect ? services.numbers.find(orgId, operation.effect) : undefined;
  if (earlier) return earlier;
  const { e164 } = request;
  if (request.agentId) requireAgent(services, orgId, request.agentId);
  const stock = await services.carrier.lookup(e164);
  if (!stock) throw notForSale(e164);
  const price = numberPrice(stock.numberType);
  const claim = () => {
    const named = request.reservationId ? namedHold(services, orgId, request.reservationId, e164) : null;
    return named ?? assertOpen(services, orgId, e164).hold;
  };
  services.numbers.atomically(claim);
  // 402 before the carrier is asked, when the wallet cannot pay the first month (the charge itself checks again).
  const required = price.monthlyCents + price.setupCents;
  billingWallet(services).requireBalance(orgId, required, (held) => `buying ${e164} takes ${required} cents from the wallet, which holds ${held}: top up first`);

  await services.carrier.purchase(e164);
  try {
    return services.numbers.atomically(() => {
      const hold = claim();
      const start = services.now().toISOString();
      const number = services.numbers.create(orgId, {
        ...stock,
        provider: services.carrier.name,
        source: 'purchased',
        agentId: request.agentId ?? null,
        monthlyCostCents: price.monthlyCents,
        paidThrough: addMonth(start),
      });
      const charge = { orgId, agentId: number.agentId, numberId: number.id, channel: 'number' as const, quantity: 1 };
      chargeUsage(services, { ...charge, kind: 'number_rental', unitCents: price.monthlyCents }, { strict: true, idempotencyKey: rentalKey(number.id, start) });
      if (price.setupCents > 0) chargeUsage(services, { ...charge, kind: 'number_setup', unitCents: price.setupCents }, { strict: true, idempotencyKey: `number_setup:${number.id}` });
      if (hold) services.numbers.setHoldStatus(hold.id, 'consumed');
      operation?.record(number.id);
      services.events.record(orgId, 'number.purchased', {
        numberId: number.id,
        e164,
        numberType: number.numberType,
        agentId: number.agentId,
        monthlyCents: price.monthlyCents,
        setupCents: price.setupCents,
      });
      return number;
    });
  } catch (error) {
    await services.carrier.release(e164).catch((releaseError: unknown) => {
      services.logger.error('giving a number back to the carrier failed after a refused purchase', { orgId, e164, error: String(releaseError) });
    });
    throw error;
  }
}

/** The usage key of one month's rent of a number, so that a month is never charged twice. */
export function rentalKey(numberId: string, periodStart: string): string {
  return `number_rental:${numberId}:${periodStart}`;
}


/** Bring over a number the org has on its own carrier account: no charge, no rent. */
export async function importNumber(services: Services, orgId: string, request: { e164: string; agentId?: string }): Promise<OwnedNumber> {
  if (request.agentId) requireAgent(services, orgId, request.agentId);
  const line = await services.carrier.verifyImport(request.e164);
  return services.numbers.atomically(() => {
    const { hold } = assertOpen(services, orgId, line.e164);
    const number = services.numbers.create(orgId, {
      ...line,
      provider: services.carrier.name,
      source: 'imported',
      agentId: request.agentId ?? null,
      monthlyCostCents: 0,
      paidThrough: null,
    });
    if (hold) services.numbers.setHoldStatus(hold.id, 'consumed');
    return number;
  });
}

/** Give a number up: a bought one goes back to the carrier; an imported one is only no longer routed here. */
export async function releaseNumber(services: Services, number: OwnedNumber): Promise<void> {
  if (number.source === 'purchased') await services.carrier.release(number.e164);
  services.numbers.release(number.id);
}
