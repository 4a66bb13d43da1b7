import { ENGINE_PARAMETERS } from "../params/render";
import { gluedPlaceholders, scanTemplate, type GluedPlaceholder } from "../params/scan";

/**
 * The template editor's check, with the renderer's own scanner: which `{{placeholders}}` have no
 * definition, which definitions the SQL never uses, which placeholders are glued to a character
 * their value could merge with. Pure, so the editor runs it live in the browser and the server
 * runs it again on save.
 */
export function checkPlaceholders(
  sqlTemplate: string,
  names: string[],
): { undefinedPlaceholders: string[]; unusedDefinitions: string[]; glued: GluedPlaceholder[] } {
  const used = new Set(scanTemplate(sqlTemplate).flatMap((s) => (s.kind === "param" ? [s.name] : [])));
  const engine = new Set<string>(ENGINE_PARAMETERS);
  const defined = new Set(names);
  return {
    undefinedPlaceholders: [...used].filter((n) => !defined.has(n) && !engine.has(n)),
    unusedDefinitions: names.filter((n) => !used.has(n)),
    glued: gluedPlaceholders(sqlTemplate),
  };
}

/** One sentence per glued placeholder, for the editor and the save's field error on sqlTemplate. */
export function gluedMessage(g: GluedPlaceholder): string {
  const shown = g.touching === "{{" ? "another placeholder" : `"${g.touching}"`;
  const where = g.side === "before" ? `${g.touching === "{{" ? "…}}" : g.touching}{{${g.name}}}` : `{{${g.name}}}${g.touching}`;
  return `{{${g.name}}} touches ${shown} (${where}): a value there could merge with it into another token (1 -{{p}} with -5 reads 1 --5, a comment). Put a space between them.`;
}
