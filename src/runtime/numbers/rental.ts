/**
 * Monthly rent of bought numbers. A purchase pays the first month; the background tick charges
 * each month after that once it starts, catching up on months a stopped server missed. Rent is
 * owed for a line that is kept, so it is charged even when the wallet runs short (not strict).
 */
import type { Services } from '../../services.ts';
import { chargeUsage } from '../billing/meter.ts';
import { addMonth } from '../billing/subscription.ts';
import { rentalKey } from './orders.ts';

/** Charge every month of rent that has come due; returns how many months were charged. */
export function chargeDueRentals(services: Services, limit = 500): number {
  let charged = 0;
  for (const due of services.numbers.rentDue(limit)) {
    charged += services.numbers.atomically(() => {
      // Read again inside the write: it may have been released, or charged by another tick.
      const number = services.numbers.find(due.orgId, due.id);
      if (!number?.paidThrough) return 0;
      const now = services.now().toISOString();
      let months = 0;
      for (let start = number.paidThrough; start <= now; start = addMonth(start)) {
        chargeUsage(
          services,
          { orgId: number.orgId, agentId: number.agentId, numberId: number.id, channel: 'number', kind: 'number_rental', quantity: 1, unitCents: number.monthlyCostCents },
          { idempotencyKey: rentalKey(number.id, start) },
        );
        services.numbers.advancePaidThrough(number.id, start, addMonth(start));
        months += 1;
      }
      return months;
    });
  }
  return charged;
}
