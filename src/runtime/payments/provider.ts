/** What the wallet needs from a card processor: start a payment; its outcome arrives later. */
import { randomBytes } from 'node:crypto';

export interface PaymentRequest {
  /** Our payment id (pay_…), sent along as metadata and used as the provider's idempotency key. */
  paymentId: string;
  orgId: string;
  amountCents: number;
  currency: 'usd';
}

export interface StartedPayment {
  /** The provider's id for the payment (a PaymentIntent id on Stripe). */
  providerPaymentId: string;
  /** What a checkout UI confirms the payment with. */
  clientSecret: string | null;
}

export interface PaymentProvider {
  /** Name stored on the payment (`sandbox`, `stripe`). */
  readonly name: string;
  /** Whether test-mode payments may be settled through the API (the sandbox only). */
  readonly settlesOnRequest: boolean;
  createPayment(request: PaymentRequest): Promise<StartedPayment>;
}

/** The embedded default: payments that exist only here, settled by `POST /billing/payments/{id}/settle`. */
export class SandboxPaymentProvider implements PaymentProvider {
  readonly name = 'sandbox';
  readonly settlesOnRequest = true;

  async createPayment(request: PaymentRequest): Promise<StartedPayment> {
    const providerPaymentId = `sbx_${request.paymentId}`;
    return { providerPaymentId, clientSecret: `${providerPaymentId}_secret_${randomBytes(12).toString('base64url')}` };
  }
}
