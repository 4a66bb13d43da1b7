import Link from "next/link";

/** A run's id linking to its page: the first cell of every runs table. */
export function RunLink({ reportId, executionId }: { reportId: string; executionId: string }) {
  return (
    <Link href={`/reports/${reportId}/runs/${executionId}`} className="font-mono text-xs text-indigo-700 hover:underline">
      {executionId}
    </Link>
  );
}
