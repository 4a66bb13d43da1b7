"use server";

import { revalidatePath } from "next/cache";
import { action } from "@/lib/actions/action";
import { setActiveSchema, setInstanceActive } from "@/lib/instances/activation";
import {
  createBrandMapping,
  createMappingSchema,
  deleteBrandMapping,
  deleteMappingSchema,
  updateBrandMapping,
  updateMappingSchema,
} from "@/lib/instances/mappings";

// The instance page's actions: each re-checks, by the session user, that the instance is theirs
// to see (and, to activate, that they are an admin) inside lib/instances.

const refresh = (instanceId: string) => {
  revalidatePath(`/instances/${instanceId}`);
  revalidatePath("/instances");
};

export const createMappingAction = action(createMappingSchema, async (input, { db, user }) => {
  const row = await createBrandMapping(db, user, input, new Date());
  refresh(input.instanceId);
  return { brand: row.brand };
});

export const updateMappingAction = action(updateMappingSchema, async (input, { db, user }) => {
  const row = await updateBrandMapping(db, user, input, new Date());
  refresh(input.instanceId);
  return { brand: row.brand };
});

export const deleteMappingAction = action(deleteMappingSchema, async (input, { db, user }) => {
  const row = await deleteBrandMapping(db, user, input, new Date());
  refresh(input.instanceId);
  return row;
});

export const setInstanceActiveAction = action(setActiveSchema, async (input, { db, user }) => {
  const result = await setInstanceActive(db, user, input, new Date());
  refresh(input.instanceId);
  return result;
});
