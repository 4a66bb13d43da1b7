// Runs once when a server process starts. Production refuses to run without its secrets rather
// than inventing them (a generated key would make stored secrets undecryptable after a restart).
// Then the in-process scheduler ticker starts (on by default in development, opt-in in
// production with ENGINE_TICKER=1; see lib/engine/ticker.ts).
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { missingSecrets } = await import("./lib/config/secrets");
    if (process.env.NODE_ENV === "production") {
      const missing = missingSecrets(process.env);
      if (missing.length > 0) {
        throw new Error(`Refusing to start: set ${missing.join(", ")} (each at least 32 characters).`);
      }
    }
    const { startInProcessTicker } = await import("./lib/engine/ticker");
    startInProcessTicker(process.env);
  }
}
