import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/db";
import { grant, makeInstance, makeReport, makeTemplate, makeUser } from "../../test/factories";
import { getTemplateDetail, listBuilderInstances, listTemplates } from "./queries";

const { db } = await freshDatabase();

describe("template usage counts", () => {
  it("count only reports on instances the viewer may see (issue 15 item 5)", async () => {
    const template = await makeTemplate(db, { templateId: "usage_probe", name: "Usage probe" });
    const mine = await makeInstance(db);
    const theirs = await makeInstance(db);
    for (let i = 0; i < 2; i++) await makeReport(db, { templateId: template.id, instanceId: mine.id });
    for (let i = 0; i < 7; i++) await makeReport(db, { templateId: template.id, instanceId: theirs.id });

    const admin = await makeUser(db, { role: "admin" });
    const member = await makeUser(db, { role: "member" });
    const stranger = await makeUser(db, { role: "member" });
    await grant(db, member.id, mine.id);

    const usage = async (user: typeof admin) => ({
      list: (await listTemplates(db, user, { q: "usage_probe", category: "" })).map((t) => [t.templateId, t.usageCount]),
      detail: (await getTemplateDetail(db, user, "usage_probe"))?.usageCount,
    });
    expect(await usage(admin)).toEqual({ list: [["usage_probe", 9]], detail: 9 });
    expect(await usage(member)).toEqual({ list: [["usage_probe", 2]], detail: 2 });
    // No grants at all: the template is still listed (templates are not per instance), counted 0.
    expect(await usage(stranger)).toEqual({ list: [["usage_probe", 0]], detail: 0 });
  });
});

describe("the builder's instances", () => {
  it("are the active ones, and for a member only those granted to them", async () => {
    const granted = await makeInstance(db, { instanceName: "A granted" });
    const grantedInactive = await makeInstance(db, { instanceName: "B granted, inactive", isActive: false });
    const other = await makeInstance(db, { instanceName: "C other" });
    const admin = await makeUser(db, { role: "admin" });
    const member = await makeUser(db, { role: "member" });
    const stranger = await makeUser(db, { role: "member" });
    await grant(db, member.id, granted.id);
    await grant(db, member.id, grantedInactive.id);
    await grant(db, stranger.id, other.id);

    const probes = new Set([granted.instanceId, grantedInactive.instanceId, other.instanceId]);
    const ids = async (user: typeof admin) => (await listBuilderInstances(db, user)).map((i) => i.instanceId).filter((i) => probes.has(i));
    expect(await ids(admin)).toEqual([granted.instanceId, other.instanceId]);
    expect(await ids(member)).toEqual([granted.instanceId]);
  });
});
