import Link from "next/link";
import { getDb } from "@/db/client";
import { instanceConnection } from "@/db/queries/instances";
import { needsConnection } from "@/lib/amc/accounts/health";
import { NeedsConnectionBadge } from "./badges";

/**
 * "Needs a connection" beside a report's title when its instance's Amazon Ads account is
 * disconnected or waiting for re-authorization (nothing when it can run), linking to the
 * instance's page. For pages that already checked the user may see the instance.
 */
export async function NeedsConnectionMarker({ instanceUuid }: { instanceUuid: string }) {
  const instance = await instanceConnection(getDb(), instanceUuid);
  if (!instance || !needsConnection(instance)) return null;
  return (
    <Link href={`/instances/${instance.instanceId}`} className="hover:opacity-80">
      <NeedsConnectionBadge />
    </Link>
  );
}
