// Runs the typed client against a live gateway (the contract test does, after tsc): the
// types say what the API promises, this shows the answers keep it. Read-only.
//   node build/smoke.js http://127.0.0.1:8000 admin@acme.test unison-demo
import {
  jobProgress,
  listMaterials,
  login,
  materialLabel,
  releasedWorkOrders,
  suggest,
  unisonClient,
} from "./api.js";

function claims(token: string): { plants: string[]; org: string } {
  const payload = token.split(".")[1] ?? "";
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as {
    plants: string[];
    org: string;
  };
}

async function main(): Promise<void> {
  const [baseUrl = "http://127.0.0.1:8000", email = "", password = ""] = process.argv.slice(2);
  const { token, expiresIn } = await login(baseUrl, email, password);
  const client = unisonClient(baseUrl, () => token);
  const first = await listMaterials(client);
  const second = first.next ? await listMaterials(client, first.next) : { items: [], next: null };
  const plant = claims(token).plants[0] ?? "";
  const orders = await releasedWorkOrders(client, plant);
  const suggestions = await suggest(client, first.items[0]?.number.slice(0, 3) ?? "M");
  let missingJob = "";
  try {
    await jobProgress(client, "00000000-0000-7000-8000-000000000000");
  } catch (error) {
    missingJob = error instanceof Error ? error.message : String(error);
  }
  console.log(
    JSON.stringify({
      expiresIn,
      materials: first.items.length + second.items.length,
      label: first.items[0] ? materialLabel(first.items[0]) : null,
      orders: orders.length,
      suggestions: suggestions.length,
      missingJob,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
