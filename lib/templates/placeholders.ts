import { ENGINE_PARAMETERS } from "../params/render";
import { scanTemplate } from "../params/scan";

/**
 * The template editor's check, with the renderer's own scanner: which `{{placeholders}}` have no
 * definition, which definitions the SQL never uses. Pure, so the editor runs it live in the
 * browser and the server runs it again on save.
 */
export function checkPlaceholders(sqlTemplate: string, names: string[]): { undefinedPlaceholders: string[]; unusedDefinitions: string[] } {
  const used = new Set(scanTemplate(sqlTemplate).flatMap((s) => (s.kind === "param" ? [s.name] : [])));
  const engine = new Set<string>(ENGINE_PARAMETERS);
  const defined = new Set(names);
  return {
    undefinedPlaceholders: [...used].filter((n) => !defined.has(n) && !engine.has(n)),
    unusedDefinitions: names.filter((n) => !used.has(n)),
  };
}
