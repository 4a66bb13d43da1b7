import { parseArgs } from "node:util";
import { createDatabase } from "../db/client";
import { createApiTokenForEmail, createTokenSchema } from "../lib/api/tokens";
import { AppError } from "../lib/errors";

// npm run api-token -- --email someone@example.com --name "ci" [--scope write] [--expires 2026-12-31T00:00:00Z]
// Prints the new token on stdout (only there: it is stored as a hash), for automation and tests.
const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is required.");
  process.exit(1);
}
const { values } = parseArgs({
  options: { email: { type: "string" }, name: { type: "string" }, scope: { type: "string" }, expires: { type: "string" } },
  strict: true,
});
if (!values.email) {
  console.error("usage: npm run api-token -- --email <user email> --name <name> [--scope read|write] [--expires <ISO 8601>]");
  process.exit(2);
}
const input = createTokenSchema.safeParse({ name: values.name ?? "cli", scope: values.scope ?? "read", expiresAt: values.expires });
if (!input.success) {
  console.error(input.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n"));
  process.exit(2);
}
const { db, close } = createDatabase(url, { max: 1 });
try {
  const { token } = await createApiTokenForEmail(db, values.email, input.data, new Date());
  console.log(token);
} catch (e) {
  console.error(e instanceof AppError ? e.message : e);
  process.exitCode = 1;
} finally {
  await close();
}
