import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/db/client";
import { DataTable } from "@/app/_components/data-table";
import { Section } from "@/app/_components/section";
import { LocalTime } from "@/app/_components/local-time";
import { listApiTokens, type TokenView } from "@/lib/api/tokens";
import { requireUser } from "@/lib/auth/session";
import { CreateTokenForm, RevokeTokenButton } from "./token-forms";

export const metadata: Metadata = { title: "API tokens" };

function status(t: TokenView, now: Date): string {
  if (t.revokedAt) return "revoked";
  if (t.expiresAt && t.expiresAt <= now) return "expired";
  return "active";
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Settings → API tokens: every user's own tokens; an admin sees (and may revoke) everyone's. */
export default async function ApiTokensPage() {
  const user = await requireUser();
  const tokens = await listApiTokens(getDb(), user);
  const now = new Date();
  return (
    <div className="space-y-8">
      <div>
        <p className="text-sm">
          <Link href="/settings" className="text-indigo-700 hover:underline">Settings</Link> / API tokens
        </p>
        <h1 className="text-lg font-semibold">API tokens</h1>
        <p className="max-w-2xl text-sm text-slate-600">
          A token acts as you, with your instance access and never more. Send it as{" "}
          <code className="font-mono">Authorization: Bearer …</code> to the{" "}
          <Link href="/api-docs" className="text-indigo-700 hover:underline">API</Link>. Revoking takes effect on the next request.
        </p>
      </div>
      <Section id="new-token-heading" title="New token">
        <CreateTokenForm />
      </Section>
      <Section id="tokens-heading" title={user.role === "admin" ? "All tokens" : "Your tokens"}>
        {tokens.length === 0 ? (
          <p className="text-sm text-slate-600">No tokens yet.</p>
        ) : (
          <DataTable
            testId="tokens-table"
            columns={["Name", user.role === "admin" && "User", "Scope", "Status", "Created", "Expires", "Last used", { label: <span className="sr-only">Actions</span> }]}
          >
            {tokens.map((t) => {
              const s = status(t, now);
              return (
                <tr key={t.id} data-testid="token-row" data-name={t.name}>
                  <td className="px-3 py-2 font-medium">{t.name}</td>
                  {user.role === "admin" && <td className="px-3 py-2">{t.userEmail}</td>}
                  <td className="px-3 py-2">{t.scope === "write" ? "read + write" : "read"}</td>
                  <td className="px-3 py-2">{s}</td>
                  <td className="px-3 py-2"><LocalTime iso={iso(t.createdAt)} /></td>
                  <td className="px-3 py-2">{t.expiresAt ? <LocalTime iso={iso(t.expiresAt)} /> : "never"}</td>
                  <td className="px-3 py-2">{t.lastUsedAt ? <LocalTime iso={iso(t.lastUsedAt)} /> : "never"}</td>
                  <td className="px-3 py-2">{s === "active" && <RevokeTokenButton tokenId={t.id} name={t.name} />}</td>
                </tr>
              );
            })}
          </DataTable>
        )}
      </Section>
    </div>
  );
}
