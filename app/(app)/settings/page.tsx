import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/db/client";
import { listAllInstances, listUsersWithAccess, type InstanceOption } from "@/db/queries/users";
import { requireUser } from "@/lib/auth/session";
import { DataTable } from "@/app/_components/data-table";
import { Forbidden, TitleWithLinks } from "@/app/_components/page-header";
import { Section } from "@/app/_components/section";
import { GrantAccessForm, RevokeButton, type InstanceChoice } from "./access-controls";
import { CreateUserForm } from "./create-user-form";
import { UserAccountControls } from "./user-account-controls";

export const metadata: Metadata = { title: "Settings" };

function choiceLabel(i: InstanceOption): string {
  const marks = [i.instanceType === "SANDBOX" ? "sandbox" : null, i.isActive ? null : "inactive"].filter(Boolean);
  return `${i.instanceName} (${i.instanceId})${marks.length ? ` · ${marks.join(", ")}` : ""}`;
}

function SandboxBadge() {
  return (
    <span className="rounded bg-amber-100 px-1 text-[10px] font-semibold uppercase tracking-wide text-amber-800">
      Sandbox
    </span>
  );
}

export default async function SettingsPage() {
  const user = await requireUser();
  if (user.role !== "admin") {
    return <Forbidden>Only admins can manage users and access.</Forbidden>;
  }

  const db = getDb();
  const [people, instances] = await Promise.all([listUsersWithAccess(db), listAllInstances(db)]);

  return (
    <div className="space-y-10">
      <TitleWithLinks
        title="Settings"
        links={[
          { href: "/settings/audit", label: "Audit log" },
          { href: "/settings/outbox", label: "Mail outbox" },
          { href: "/settings/api-tokens", label: "API tokens" },
        ]}
      />

      <Section id="users-heading" title="Users" intro="Members see and change only the AMC instances granted to them; admins see every instance.">
        <DataTable testId="users-table" columns={["Email", "Name", "Role", "Instances granted", "Grant access", "Account"]}>
          {people.map((p) => {
            const granted = new Set(p.instances.map((i) => i.id));
            const choices: InstanceChoice[] = instances
              .filter((i) => !granted.has(i.id))
              .map((i) => ({ id: i.id, label: choiceLabel(i) }));
            return (
              <tr key={p.id} data-testid="user-row" data-email={p.email} className="align-top">
                <td className="px-3 py-2 font-medium">{p.email}</td>
                <td className="px-3 py-2">{p.name}</td>
                <td className="px-3 py-2">
                  <span className={p.role === "admin" ? "font-semibold text-indigo-700" : "text-slate-700"}>
                    {p.role}
                  </span>
                </td>
                <td className="px-3 py-2">
                  {p.role === "admin" && <p className="mb-1 text-xs text-slate-500">All instances (admin)</p>}
                  {p.instances.length === 0 ? (
                    p.role === "admin" ? null : <p className="text-xs text-slate-500">None yet</p>
                  ) : (
                    <ul className="flex flex-wrap gap-1.5">
                      {p.instances.map((i) => {
                        const labelId = `grant-${p.id}-${i.id}`;
                        return (
                          <li
                            key={i.id}
                            data-testid="instance-chip"
                            className="inline-flex items-center gap-1 rounded-full border border-slate-200 bg-slate-50 py-0.5 pl-2 pr-1"
                          >
                            <span id={labelId} title={i.instanceId}>{i.instanceName}</span>
                            {i.instanceType === "SANDBOX" && <SandboxBadge />}
                            <RevokeButton userId={p.id} instanceId={i.id} describedBy={labelId} />
                          </li>
                        );
                      })}
                    </ul>
                  )}
                </td>
                <td className="px-3 py-2">
                  {instances.length === 0 ? (
                    <p className="text-xs text-slate-500">No instances yet</p>
                  ) : (
                    <GrantAccessForm userId={p.id} choices={choices} />
                  )}
                </td>
                <td className="px-3 py-2">
                  {p.id === user.id ? (
                    <Link href="/settings/password" className="text-xs text-indigo-700 hover:underline">Your password</Link>
                  ) : (
                    <UserAccountControls userId={p.id} email={p.email} role={p.role} />
                  )}
                </td>
              </tr>
            );
          })}
        </DataTable>
      </Section>

      <Section id="create-user-heading" title="Create user">
        <CreateUserForm />
      </Section>
    </div>
  );
}
