/** The demo account and sandbox instance that `db:seed` creates (also written in README.md). */
export const DEMO_ADMIN = {
  email: "demo@example.com",
  password: "demo-password",
  name: "Demo Admin",
} as const;

export const DEMO_INSTANCE = {
  instanceId: "amcsandbox01",
  instanceName: "Sandbox (synthetic data)",
} as const;
