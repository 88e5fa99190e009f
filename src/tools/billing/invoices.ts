/** Invoices of closed billing periods, and each one as a PDF. */
import { z } from 'zod';
import { defineTool, fileOutput, idField, pageInput, pageOf, paginate } from '../define.ts';
import { notFound } from '../../errors.ts';
import { invoiceNumber, renderInvoicePdf } from '../../runtime/billing/invoice-pdf.ts';
import { currentPeriod } from '../../runtime/billing/subscription.ts';
import type { Invoice } from '../../store/invoices.ts';

const invoiceSchema = z.object({
  id: z.string().describe('Invoice id (inv_…).'),
  number: z.string().describe('The invoice number printed on it (INV-000001), in the order issued.'),
  planId: z.string().describe('The plan of the period.'),
  periodStart: z.string().describe('Start of the billing period.'),
  periodEnd: z.string().describe('End of the billing period (exclusive).'),
  lines: z
    .array(
      z.object({
        description: z.string().describe('What was charged.'),
        kind: z.string().describe('plan for the monthly fee, else the usage kind.'),
        quantity: z.number().int().describe('Units.'),
        includedQuantity: z.number().int().describe('Units the plan included.'),
        credits: z.number().int().describe('Credits charged.'),
      }),
    )
    .describe('The period\'s fee and usage, one line per kind.'),
  totalCents: z.number().int().describe('The total, in cents.'),
  totalUsd: z.number().describe('The total, in US dollars.'),
  status: z.literal('paid').describe('Always paid: with billing prepaid the wallet paid each charge as it happened; with billing off nothing is due, and the credits are what the usage was worth.'),
  pdfUrl: z.string().describe('Where to download the PDF (relative to the API base).'),
  createdAt: z.string().describe('When it was issued.'),
});

function presentInvoice(invoice: Invoice): z.input<typeof invoiceSchema> {
  const { orgId: _org, sequence: _sequence, ...rest } = invoice;
  return { ...rest, number: invoiceNumber(invoice), totalUsd: invoice.totalCents / 100, status: 'paid', pdfUrl: `/billing/invoices/${invoice.id}/pdf` };
}

export const listInvoices = defineTool({
  name: 'list_invoices',
  title: 'List invoices',
  description: 'Invoices newest first, one per closed monthly period that had a fee or usage, each with its lines, total and a link to its PDF.',
  http: { method: 'GET', path: '/billing/invoices' },
  scope: 'billing:read',
  toolset: 'billing',
  flags: { readOnly: true, idempotent: true, paginated: true },
  input: z.object({ ...pageInput }),
  output: pageOf(invoiceSchema),
  execute: async (input, context) => {
    // Periods that ended since billing last looked are invoiced first.
    currentPeriod(context.services, context.org.id);
    return paginate(context, input, (page) => context.services.invoices.list(context.org.id, page), presentInvoice);
  },
});

export const downloadInvoicePdf = defineTool({
  name: 'download_invoice_pdf',
  title: 'Download an invoice PDF',
  description: 'The invoice as a PDF file (over MCP: base64 in contentBase64).',
  http: { method: 'GET', path: '/billing/invoices/{invoiceId}/pdf', file: { contentType: 'application/pdf' } },
  scope: 'billing:read',
  toolset: 'billing',
  flags: { readOnly: true, idempotent: true },
  input: z.object({ invoiceId: idField('The invoice id (inv_…).') }),
  output: fileOutput,
  execute: async (input, context) => {
    const invoice = context.services.invoices.find(context.org.id, input.invoiceId);
    if (!invoice) throw notFound('invoice', input.invoiceId);
    const pdf = await renderInvoicePdf(invoice, context.org);
    return { filename: `${invoiceNumber(invoice)}.pdf`, contentType: 'application/pdf', contentBase64: Buffer.from(pdf).toString('base64') };
  },
});
