import { apiCreateSchedule, createScheduleEndpoint } from "@/lib/api/schedules";
import { v1 } from "@/lib/api/endpoint";
import { route } from "@/lib/http/route";

export const POST = route(v1(createScheduleEndpoint), async ({ db, user, params, body, now }) =>
  Response.json(await apiCreateSchedule(db, user, params.reportId, body, now), { status: 201 }),
);
