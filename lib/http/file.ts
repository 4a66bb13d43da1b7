import type { ExportFile } from "../dashboards/export";
import { XLSX_CONTENT_TYPE } from "../dashboards/xlsx";

const CONTENT_TYPES = { csv: "text/csv; charset=utf-8", xlsx: XLSX_CONTENT_TYPE } as const;

/** A download as a streamed response: never cached by a shared cache (it is one user's data). */
export function fileResponse(file: ExportFile): Response {
  // File names are built from ids and dates only, but a quote or newline must never reach the header.
  const safe = file.name.replace(/[^A-Za-z0-9_.-]/g, "_");
  return new Response(file.body, {
    headers: {
      "Content-Type": CONTENT_TYPES[file.format],
      "Content-Disposition": `attachment; filename="${safe}.${file.format}"`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
