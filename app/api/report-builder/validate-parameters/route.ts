import { getDb } from "@/db/client";
import { currentUser } from "@/lib/auth/session";
import { handleValidateParameters } from "./handler";

export async function POST(req: Request) {
  return handleValidateParameters(getDb(), await currentUser(), req, new Date());
}
