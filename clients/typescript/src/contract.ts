// What a frontend relies on, checked by the compiler: if docs/openapi.json loses a type, this stops compiling.
import type { components, operations } from "./generated/tandem-api";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

type Schemas = components["schemas"];
type Json<Response> = Response extends { content: { "application/json": infer Body } } ? Body : never;
type SuccessStatus = 200 | 201 | 202 | 204;
type ErrorsOf<Operation extends { responses: object }> = {
  [Status in Exclude<keyof Operation["responses"], SuccessStatus>]: Json<Operation["responses"][Status]>;
}[Exclude<keyof Operation["responses"], SuccessStatus>];

// placeOrder answers 201 with an order whose status and payment method are unions of literals.
export type PlacedOrder = Json<operations["placeOrder"]["responses"][201]>;
export type PlacedOrderIsAnOrder = Expect<Equal<PlacedOrder, Schemas["OrderView"]>>;
export type OrderStatusIsAUnion = Expect<
  Equal<PlacedOrder["status"], "placed" | "awaiting_payment" | "confirmed" | "rejected" | "cancelled" | "shipped">
>;
export type PaymentMethodIsAUnion = Expect<Equal<PlacedOrder["payment_method"], "card" | "invoice">>;

// listInvoices answers one page: typed items and the token of the next page.
export type InvoicePage = Json<operations["listInvoices"]["responses"][200]>;
export type InvoicePageItems = Expect<Equal<InvoicePage["items"], Schemas["InvoiceView"][]>>;
export type InvoicePageToken = Expect<Equal<InvoicePage["next_token"], string | null | undefined>>;
export type InvoiceStatusIsAUnion = Expect<
  Equal<Schemas["InvoiceView"]["status"], "issued" | "partially_paid" | "paid" | "credited" | "in_credit">
>;

// Every error of every operation has the one error schema.
type ErrorSchemaOfEach = { [Id in keyof operations]: Equal<ErrorsOf<operations[Id]>, Schemas["ErrorResponse"]> };
export type EveryErrorIsTheErrorSchema = Expect<Equal<ErrorSchemaOfEach[keyof operations], true>>;
