import next from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const config = [
  ...next,
  ...nextTs,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // The floors (architecture.md §2): db/ is the ground floor and imports nothing above it;
    // lib/ is the domain and never imports the routes. A back-import fails `npm run lint`.
    files: ["**/*.{ts,tsx,mts}"],
    rules: {
      "import/no-restricted-paths": [
        "error",
        {
          zones: [
            { target: "./db", from: ["./lib", "./app"], message: "db/ is the ground floor: it imports nothing from lib/ or app/." },
            { target: "./lib", from: "./app", message: "lib/ is the domain: it never imports app/ (routes)." },
          ],
        },
      ],
    },
  },
  { ignores: [".next/**", "node_modules/**", ".data/**", "drizzle/**", "next-env.d.ts", "playwright-report/**", "test-results/**", "bench/results/**"] },
];

export default config;
