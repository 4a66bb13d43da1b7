import { apiDeleteSchedule, apiUpdateSchedule, deleteScheduleEndpoint, updateScheduleEndpoint } from "@/lib/api/schedules";
import { v1 } from "@/lib/api/endpoint";
import { route } from "@/lib/http/route";

export const PATCH = route(v1(updateScheduleEndpoint), async ({ db, user, params, body, now }) => apiUpdateSchedule(db, user, params.scheduleId, body, now));

export const DELETE = route(v1(deleteScheduleEndpoint), async ({ db, user, params, now }) => {
  await apiDeleteSchedule(db, user, params.scheduleId, now);
  return new Response(null, { status: 204 });
});
