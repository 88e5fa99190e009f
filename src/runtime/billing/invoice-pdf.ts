/** An invoice as a one-page PDF (pdf-lib, standard Helvetica, so nothing to embed). */
import type { Color, PDFFont, PDFPage } from 'pdf-lib';
import type { Invoice } from '../../store/invoices.ts';
import type { Org } from '../../store/credentials.ts';
import { planById } from './prices.ts';

/** What the invoice shows as its number: INV-000042. */
export const invoiceNumber = (invoice: Pick<Invoice, 'sequence'>) => `INV-${String(invoice.sequence).padStart(6, '0')}`;

const usd = (cents: number) => `${cents < 0 ? '-' : ''}$${(Math.abs(cents) / 100).toFixed(2)}`;
const day = (iso: string) => iso.slice(0, 10);
/** Helvetica's WinAnsi encoding has no room for other scripts: anything outside printable Latin-1 becomes '?'. */
const printable = (text: string) => text.replace(/[^\x20-\x7e\xa0-\xff]/g, '?');

export async function renderInvoicePdf(invoice: Invoice, org: Org): Promise<Uint8Array> {
  // pdf-lib loads with the first invoice download, not with every server start.
  const { PDFDocument, StandardFonts, rgb } = await import('pdf-lib');
  const ruleColor = rgb(0.6, 0.6, 0.6);
  const pdf = await PDFDocument.create();
  pdf.setTitle(`Flowyte invoice ${invoiceNumber(invoice)}`);
  pdf.setCreator('Flowyte');
  pdf.setCreationDate(new Date(invoice.createdAt));
  pdf.setModificationDate(new Date(invoice.createdAt));
  const page = pdf.addPage([612, 792]);
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const text = (value: string, x: number, y: number, font: PDFFont = regular, size = 10) => page.drawText(printable(value), { x, y, size, font, color: rgb(0.1, 0.1, 0.1) });
  const right = (value: string, x: number, y: number, font: PDFFont = regular, size = 10) => text(value, x - font.widthOfTextAtSize(printable(value), size), y, font, size);

  text('Flowyte', 50, 730, bold, 20);
  text(`Invoice ${invoiceNumber(invoice)}`, 50, 700, bold, 14);
  text(`Billed to: ${org.name} (${org.id})`, 50, 680);
  text(`Period: ${day(invoice.periodStart)} to ${day(invoice.periodEnd)}`, 50, 665);
  text(`Plan: ${planById(invoice.planId).name}`, 50, 650);
  text(`Issued: ${day(invoice.createdAt)}`, 50, 635);

  let y = 595;
  text('Description', 50, y, bold);
  right('Quantity', 400, y, bold);
  right('Included', 470, y, bold);
  right('Amount', 560, y, bold);
  rule(page, y - 6, ruleColor);
  for (const line of invoice.lines) {
    y -= 20;
    text(line.description, 50, y);
    right(String(line.quantity), 400, y);
    right(line.includedQuantity ? String(line.includedQuantity) : '', 470, y);
    right(usd(line.credits), 560, y);
  }
  rule(page, y - 8, ruleColor);
  right(`Total ${usd(invoice.totalCents)}`, 560, y - 26, bold, 12);
  text('Paid from the prepaid wallet (1 credit = $0.01).', 50, y - 50);
  return pdf.save();
}

function rule(page: PDFPage, y: number, color: Color): void {
  page.drawLine({ start: { x: 50, y }, end: { x: 562, y }, thickness: 0.5, color });
}
