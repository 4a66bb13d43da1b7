import type { Metadata } from "next";
import Link from "next/link";
import { openApiDocument } from "@/lib/api/openapi";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "API" };

type Json = Record<string, unknown>;
interface Operation {
  tags: string[];
  summary: string;
  description?: string;
  security: { token: string[] }[];
  parameters: { name: string; in: string; required: boolean; description?: string; schema: Json }[];
  requestBody?: { required: boolean; content: { "application/json": { schema: Json } } };
  responses: Record<string, { description?: string; content?: Record<string, { schema: Json }> }>;
}

/** A JSON Schema as a short type: `string`, `"a" | "b"`, `{ … }`, `array of …`. */
function typeOf(s: Json | undefined): string {
  if (!s) return "any";
  if (typeof s.$ref === "string") return s.$ref.split("/").pop()!;
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (Array.isArray(s.anyOf)) return (s.anyOf as Json[]).map(typeOf).join(" | ");
  if (Array.isArray(s.oneOf)) return (s.oneOf as Json[]).map(typeOf).join(" | ");
  const base = s.type === "array" ? `array of ${typeOf(s.items as Json)}` : typeof s.type === "string" ? (s.format ? `${s.type} (${String(s.format)})` : s.type) : "any";
  return s.nullable ? `${base} | null` : base;
}

/** A schema as nested lists of fields: server-rendered, no script (the CSP allows none of ours here). */
function SchemaView({ schema, depth = 0 }: { schema: Json; depth?: number }) {
  const variants = (schema.oneOf ?? schema.anyOf) as Json[] | undefined;
  if (variants && depth < 4 && variants.some((v) => v.properties)) {
    return (
      <ul className="ml-4 list-disc space-y-1">
        {variants.map((v, i) => (
          <li key={i}>
            <span className="text-xs text-slate-500">one of:</span>
            <SchemaView schema={v} depth={depth + 1} />
          </li>
        ))}
      </ul>
    );
  }
  const target = schema.type === "array" && (schema.items as Json)?.properties ? (schema.items as Json) : schema;
  const props = target.properties as Record<string, Json> | undefined;
  if (!props || depth > 4) return <code className="font-mono text-xs">{typeOf(schema)}</code>;
  const required = new Set((target.required as string[] | undefined) ?? []);
  return (
    <ul className="ml-4 space-y-0.5 border-l border-slate-200 pl-3 text-xs">
      {schema !== target && <li className="text-slate-500">array of:</li>}
      {Object.entries(props).map(([name, p]) => (
        <li key={name}>
          <code className="font-mono font-semibold">{name}</code>
          {!required.has(name) && <span className="text-slate-500">?</span>} <code className="font-mono text-slate-600">{typeOf(p)}</code>
          {typeof p.description === "string" && <span className="text-slate-600">: {p.description}</span>}
          {Boolean(p.properties || (p.type === "array" && (p.items as Json)?.properties) || p.oneOf || p.anyOf) && <SchemaView schema={p} depth={depth + 1} />}
        </li>
      ))}
    </ul>
  );
}

/** /api-docs: the OpenAPI document of /api/v1, rendered on the server. */
export default async function ApiDocsPage() {
  await requireUser();
  const doc = openApiDocument();
  const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods as Record<string, Operation>).map(([method, op]) => ({ path, method, op })),
  );
  const tags = [...new Set(ops.map((o) => o.op.tags[0]!))];
  return (
    <div className="max-w-4xl space-y-8">
      <div className="space-y-2">
        <h1 className="text-lg font-semibold">API v1</h1>
        <p className="text-sm text-slate-700">{doc.info.description}</p>
        <p className="text-sm">
          Create a token in <Link href="/settings/api-tokens" className="text-indigo-700 hover:underline">Settings → API tokens</Link>. The
          machine-readable document: <a href="/api/v1/openapi.json" className="font-mono text-indigo-700 hover:underline">/api/v1/openapi.json</a>.
        </p>
        <nav aria-label="Resources" className="flex flex-wrap gap-3 text-sm">
          {tags.map((t) => (
            <a key={t} href={`#${t}`} className="text-indigo-700 hover:underline">{t}</a>
          ))}
        </nav>
      </div>
      {tags.map((tag) => (
        <section key={tag} id={tag} aria-labelledby={`${tag}-h`} className="space-y-4">
          <h2 id={`${tag}-h`} className="text-base font-semibold">{tag}</h2>
          {ops
            .filter((o) => o.op.tags[0] === tag)
            .map(({ path, method, op }) => (
              <article key={`${method} ${path}`} data-testid="api-operation" className="space-y-2 rounded-lg border border-slate-200 bg-white p-4">
                <h3 className="font-mono text-sm">
                  <span className="mr-2 rounded bg-slate-800 px-1.5 py-0.5 text-xs font-semibold uppercase text-white">{method}</span>
                  {path}
                  <span className="ml-2 text-xs text-slate-500">({op.security[0]?.token[0]} token)</span>
                </h3>
                <p className="text-sm font-medium">{op.summary}</p>
                {op.description && <p className="text-sm text-slate-600">{op.description}</p>}
                {op.parameters.length > 0 && (
                  <div>
                    <h4 className="text-xs font-semibold uppercase text-slate-500">Parameters</h4>
                    <ul className="ml-4 text-xs">
                      {op.parameters.map((p) => (
                        <li key={`${p.in}:${p.name}`}>
                          <code className="font-mono font-semibold">{p.name}</code> <span className="text-slate-500">({p.in}{p.required ? ", required" : ""})</span>{" "}
                          <code className="font-mono text-slate-600">{typeOf(p.schema)}</code>
                          {p.description && <span className="text-slate-600">: {p.description}</span>}
                        </li>
                      ))}
                    </ul>
                  </div>
                )}
                {op.requestBody && (
                  <div>
                    <h4 className="text-xs font-semibold uppercase text-slate-500">Body (JSON{op.requestBody.required ? "" : ", optional"})</h4>
                    <SchemaView schema={op.requestBody.content["application/json"].schema} />
                  </div>
                )}
                <div>
                  <h4 className="text-xs font-semibold uppercase text-slate-500">Responses</h4>
                  <ul className="ml-4 space-y-1 text-xs">
                    {Object.entries(op.responses).map(([status, r]) => {
                      const json = r.content?.["application/json"]?.schema;
                      return (
                        <li key={status}>
                          <span className="font-mono font-semibold">{status}</span> {r.description}
                          {json && !json.$ref && Number(status) < 400 && <SchemaView schema={json} />}
                        </li>
                      );
                    })}
                  </ul>
                </div>
              </article>
            ))}
        </section>
      ))}
    </div>
  );
}
