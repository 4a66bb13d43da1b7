import { test as base, expect } from "@playwright/test";

/**
 * Every browser test runs with this fixture: it collects Content-Security-Policy violations
 * (the page's `securitypolicyviolation` events and Chromium's console reports) and fails the
 * test if there was any, so the CSP is proven against every page the suite visits.
 */
export const test = base.extend<{ cspViolations: string[] }>({
  cspViolations: [
    async ({ page }, use) => {
      const violations: string[] = [];
      page.on("console", (msg) => {
        const text = msg.text();
        if (/Content Security Policy|Content-Security-Policy/i.test(text)) violations.push(text);
      });
      await page.exposeFunction("__reportCspViolation", (v: string) => violations.push(v));
      await page.addInitScript(() => {
        document.addEventListener("securitypolicyviolation", (e) => {
          (window as unknown as { __reportCspViolation: (v: string) => void }).__reportCspViolation(`${e.violatedDirective} blocked ${e.blockedURI}`);
        });
      });
      await use(violations);
      expect(violations, "CSP violations").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
