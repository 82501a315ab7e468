// A small typed client over the gateway, as the React frontend would use it. Every path,
// parameter and field below is checked by tsc against the types generated from the
// gateway's merged OpenAPI document (src/generated/openapi.d.ts): an endpoint renamed or
// removed, a parameter renamed, a field dropped or retyped fails `./dev test`.
import createClient, { type Middleware } from "openapi-fetch";

import type { components, paths } from "./generated/openapi.js";

export type Material = components["schemas"]["Material"];
export type MaterialCreate = components["schemas"]["MaterialCreate"];
export type WorkOrder = components["schemas"]["production_WorkOrder"];
export type Job = components["schemas"]["Job"];
export type Suggestion = components["schemas"]["Suggestion"];
export type TokenResponse = components["schemas"]["TokenResponse"];

/** RFC 9457 problem details: every 4xx and 5xx of Unison. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

export function unisonClient(baseUrl: string, token: () => string | null) {
  const client = createClient<paths>({ baseUrl });
  const auth: Middleware = {
    onRequest({ request }) {
      const value = token();
      if (value) request.headers.set("Authorization", `Bearer ${value}`);
      return request;
    },
  };
  client.use(auth);
  return client;
}

export type UnisonClient = ReturnType<typeof unisonClient>;

// The token endpoint reads a form (RFC 6749), which its OpenAPI entry does not describe;
// its answer is described, and typed here from the document.
type TokenPath = paths["/auth/token"]["post"];
type TokenAnswer = TokenPath["responses"][200]["content"]["application/json"];

/** The password grant. */
export async function login(baseUrl: string, email: string, password: string) {
  const response = await fetch(`${baseUrl}/auth/token`, {
    method: "POST",
    body: new URLSearchParams({ grant_type: "password", username: email, password }),
  });
  if (!response.ok) throw new ApiError(response.status, await response.json());
  const answer = (await response.json()) as TokenAnswer satisfies TokenResponse;
  return { token: answer.access_token, expiresIn: answer.expires_in };
}

/** One keyset page of materials; pass the previous page's next_cursor for the next. */
export async function listMaterials(
  client: UnisonClient,
  cursor?: string,
): Promise<{ items: Material[]; next: string | null }> {
  const { data, error, response } = await client.GET("/api/inventory/materials", {
    params: { query: { limit: 50, status: "active", ...(cursor ? { cursor } : {}) } },
  });
  if (error !== undefined || data === undefined) throw new ApiError(response.status, error);
  return { items: data.items, next: data.next_cursor ?? null };
}

export async function createMaterial(
  client: UnisonClient,
  material: MaterialCreate,
  idempotencyKey: string,
): Promise<Material> {
  const { data, error, response } = await client.POST("/api/inventory/materials", {
    params: { header: { "Idempotency-Key": idempotencyKey } },
    body: material,
  });
  if (error !== undefined || data === undefined) throw new ApiError(response.status, error);
  return data;
}

export async function releasedWorkOrders(client: UnisonClient, plantId: string) {
  const { data, error, response } = await client.GET("/api/production/work-orders", {
    params: { query: { plant_id: plantId, status: "released", limit: 100 } },
  });
  if (error !== undefined || data === undefined) throw new ApiError(response.status, error);
  // Narrowed to the fields a planning board shows; a renamed field fails here.
  return data.items.map((o: WorkOrder) => ({
    id: o.id,
    number: o.number,
    quantity: o.quantity,
    due: o.due_at,
    status: o.status satisfies WorkOrder["status"],
  }));
}

/** A job's progress, for an export or a rebuild started with 202. */
export async function jobProgress(client: UnisonClient, jobId: string): Promise<number | null> {
  const { data, error, response } = await client.GET("/api/inventory/jobs/{job_id}", {
    params: { path: { job_id: jobId } },
  });
  if (error !== undefined || data === undefined) throw new ApiError(response.status, error);
  const job: Job = data;
  return job.progress_total ? job.progress_done / job.progress_total : null;
}

/** Type-ahead across services. */
export async function suggest(client: UnisonClient, q: string): Promise<Suggestion[]> {
  const { data, error, response } = await client.GET("/api/search/suggest", {
    params: { query: { q, limit: 8 } },
  });
  if (error !== undefined || data === undefined) throw new ApiError(response.status, error);
  return data.items;
}

/** How a material is shown in lists and pickers. */
export function materialLabel(material: Material): string {
  return `${material.number} · ${material.description} (${material.base_unit})`;
}
