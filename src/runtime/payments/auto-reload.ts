/**
 * Auto-reload as a durable job. A debit that takes the wallet below its threshold records
 * `wallet.low_balance` and, with auto-reload on, a pending reload payment and its
 * `wallet_auto_reload` job, all in the debit's own write. The job asks the provider to start the
 * payment; a refusal is retried with the worker's backoff, and after the last attempt the payment
 * fails, which re-arms reload. The background tick queues a job for any reload still unstarted,
 * so a crash between writing the payment and starting it loses nothing.
 */
import type { Services } from '../../services.ts';
import type { JobHandler } from '../jobs.ts';
import type { JobRecord } from '../../store/jobs.ts';
import type { Payment, ThresholdCrossing } from '../../store/wallet.ts';
import { askProvider, failUnstarted } from './payments.ts';

export const RELOAD_JOB = 'wallet_auto_reload';

/** Tries of one reload start, 2s, 8s, 32s and 128s apart: a provider outage of a minute or two costs no reload. */
const RELOAD_ATTEMPTS = 5;

/** Queue the job that starts a reload payment (one per payment while it is queued or running). */
export function queueReload(services: Pick<Services, 'jobs'>, payment: Payment): void {
  services.jobs.enqueue({ kind: RELOAD_JOB, orgId: payment.orgId, subjectId: payment.id, maxAttempts: RELOAD_ATTEMPTS });
}

/** A debit crossed below the threshold (a WalletStore listener, run inside the debit's write). */
export function thresholdCrossed(services: Pick<Services, 'events' | 'jobs'>, crossing: ThresholdCrossing): void {
  services.events.record(crossing.orgId, 'wallet.low_balance', {
    balanceCents: crossing.balanceCents,
    balanceUsd: crossing.balanceCents / 100,
    thresholdUsd: crossing.thresholdCents / 100,
    reloadPaymentId: crossing.reload?.id ?? null,
  });
  if (crossing.reload) queueReload(services, crossing.reload);
}

/** Queue a job for every reload payment still waiting for the provider (the background tick's sweep). */
export function queueUnstartedReloads(services: Pick<Services, 'jobs' | 'wallet'>, limit = 100): void {
  for (const payment of services.wallet.unstartedReloads(limit)) queueReload(services, payment);
}

/** Pending and not yet answered by the provider. */
const unstarted = (payment: Payment | undefined): payment is Payment => payment?.status === 'pending' && payment.providerPaymentId === null;

/** The worker's handler for reload jobs: a payment already started or settled is left alone. */
export function reloadJobHandler(services: Services): JobHandler {
  const paymentOf = (job: JobRecord) => services.wallet.findPayment(job.orgId ?? '', job.subjectId ?? '');
  return {
    kind: RELOAD_JOB,
    run: async (job) => {
      const payment = paymentOf(job);
      if (unstarted(payment)) await askProvider(services, payment);
    },
    giveUp: (job) => {
      const payment = paymentOf(job);
      if (unstarted(payment)) failUnstarted(services, payment);
    },
  };
}
