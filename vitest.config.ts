import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // db/queries are marked server-only for Next; under Vitest they are plain modules.
      "server-only": path.resolve(import.meta.dirname, "test/server-only-stub.ts"),
    },
  },
  test: {
    include: ["{lib,db,app,scripts}/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    // Two cores: one worker per core; every file gets its own database anyway.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
