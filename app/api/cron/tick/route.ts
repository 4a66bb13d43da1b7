import { appEngineDeps } from "@/lib/engine/app-deps";
import { handleTickRequest } from "@/lib/engine/http";
import { route } from "@/lib/http/route";
import { schedulerSettingsFromEnv } from "@/lib/scheduler/settings";

// The scheduler's entry point: one bounded tick (materialize due schedules, submit, poll +
// ingest, reap, count outcomes), answering its JSON summary. Vercel Cron calls it every minute
// with GET (vercel.json) and sends `Authorization: Bearer $CRON_SECRET` by itself; any other
// cron can POST or GET it:
//
//   curl -fsS -X POST -H "Authorization: Bearer $CRON_SECRET" https://your-app.example.com/api/cron/tick
//
// Without the secret: 401 and nothing runs. Safe to call from several places at once.

export const dynamic = "force-dynamic";
export const maxDuration = 60;

// auth "none": the bearer secret is the caller's credential, checked in handleTickRequest; the
// wrapper still gives the request id and the one safe error log.
const handle = route({ auth: "none" }, async ({ req }) =>
  handleTickRequest(req, {
    secret: process.env.CRON_SECRET,
    deps: () => appEngineDeps(new Date()),
    options: { settings: schedulerSettingsFromEnv(process.env) },
  }),
);

export const GET = handle;
export const POST = handle;
