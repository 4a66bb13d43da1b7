// Runs once when a server process starts. Production refuses to run without its secrets rather
// than inventing them (a generated key would make stored secrets undecryptable after a restart).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { missingSecrets } = await import("./lib/config/secrets");
  if (process.env.NODE_ENV === "production") {
    const missing = missingSecrets(process.env);
    if (missing.length > 0) {
      throw new Error(`Refusing to start: set ${missing.join(", ")} (each at least 32 characters).`);
    }
  }
}
