// A frontend's first script against Tandem: place an order as a customer, then read its invoice as finance.
// Built on the generated types (openapi-typescript) and openapi-fetch, as a web or mobile app would be.
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/tandem-api";

type Order = components["schemas"]["OrderView"];
type Invoice = components["schemas"]["InvoiceView"];
type ApiError = components["schemas"]["ErrorResponse"];

export class TandemError extends Error {
  constructor(readonly status: number, readonly body: ApiError) {
    super(`${status} ${body.error.code}: ${body.error.message}`);
  }
}

function api(baseUrl: string, token: string) {
  return createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });
}

export async function placeOrder(baseUrl: string, customerToken: string): Promise<Order> {
  const { data, error, response } = await api(baseUrl, customerToken).POST("/orders", {
    // The same key on a retry answers the first order again instead of placing a second one.
    params: { header: { "idempotency-key": crypto.randomUUID() } },
    body: {
      customer: {
        email: "ada@example.com",
        name: "Ada Lovelace",
        billing_address: { line1: "12 St James's Square", city: "London", postal_code: "SW1Y 4JH", country: "GB" },
      },
      lines: [{ sku: "TEA-001", quantity: 2 }],
      payment_method: "invoice",
    },
  });
  if (error !== undefined) {
    const typed: ApiError = error; // the error schema, whatever the status
    throw new TandemError(response.status, typed);
  }
  return data;
}

export async function invoiceOf(baseUrl: string, financeToken: string, order: Order): Promise<Invoice | undefined> {
  const finance = api(baseUrl, financeToken);
  if (order.invoice_id !== null) {
    const { data, error, response } = await finance.GET("/invoices/{id}", { params: { path: { id: order.invoice_id } } });
    if (error !== undefined) throw new TandemError(response.status, error);
    return data;
  }
  // Not confirmed yet when we read it: look the invoice up by order, one page is enough.
  const { data, error, response } = await finance.GET("/invoices", { params: { query: { order_id: order.id, limit: 1 } } });
  if (error !== undefined) throw new TandemError(response.status, error);
  return data.items[0];
}

export async function main(baseUrl: string, customerToken: string, financeToken: string): Promise<string> {
  const order = await placeOrder(baseUrl, customerToken);
  const invoice = await invoiceOf(baseUrl, financeToken, order);
  const due: string = invoice ? `${invoice.number}: ${invoice.currency} ${invoice.amount_due} due ${invoice.due_date}` : "no invoice yet";
  return `order ${order.id} is ${order.status}; ${due}`;
}
