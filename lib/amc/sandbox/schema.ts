import { sql } from "drizzle-orm";
import type { Database } from "../../../db/client";
import { SANDBOX_READER_ROLE } from "./catalog";

/**
 * The sandbox's own objects, created at runtime (idempotently) rather than by the app's
 * migrations: schema amc_sandbox with the generator's metadata, the execution queue the
 * gateway polls, and the read-only role queries run as. The data tables belong to the generator.
 */

const SCHEMA_LOCK = 0x414d4358; // "AMCX"

const ready = new WeakMap<object, Promise<void>>();

export function ensureSandboxSchema(db: Database): Promise<void> {
  let p = ready.get(db);
  if (!p) {
    p = create(db);
    ready.set(db, p);
    // A failure must not stick: the next caller tries again.
    p.catch(() => ready.delete(db));
  }
  return p;
}

async function create(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    // CREATE ... IF NOT EXISTS still races on the catalog's unique indexes; serialise it.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${SCHEMA_LOCK})`);
    await tx.execute(sql.raw(`CREATE SCHEMA IF NOT EXISTS amc_sandbox`));
    await tx.execute(
      sql.raw(`CREATE TABLE IF NOT EXISTS amc_sandbox.generation_meta (
        id integer PRIMARY KEY CHECK (id = 1),
        generator_version integer NOT NULL,
        seed bigint NOT NULL,
        anchor date NOT NULL,
        users integer NOT NULL,
        days integer NOT NULL,
        row_counts jsonb NOT NULL,
        duration_ms integer NOT NULL,
        generated_at timestamptz NOT NULL)`),
    );
    await tx.execute(
      sql.raw(`CREATE TABLE IF NOT EXISTS amc_sandbox.executions (
        execution_id text PRIMARY KEY,
        instance_id text NOT NULL,
        sql_text text NOT NULL,
        translated_sql text NOT NULL,
        extended_windows jsonb NOT NULL DEFAULT '[]',
        analysis jsonb NOT NULL,
        time_window_start text NOT NULL,
        time_window_end text NOT NULL,
        time_window_time_zone text NOT NULL,
        submitted_at timestamptz NOT NULL,
        started_at timestamptz,
        finished_at timestamptz,
        status text NOT NULL DEFAULT 'PENDING'
          CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
        reason text,
        result_columns jsonb,
        result_csv text,
        row_count integer,
        dropped_rows integer)`),
    );
    await tx.execute(
      sql.raw(`CREATE INDEX IF NOT EXISTS executions_instance_submitted_idx
        ON amc_sandbox.executions (instance_id, submitted_at)`),
    );
    // No foreign key to executions on purpose: its KEY SHARE lock would wait for the runner's
    // row lock, and cancel() must not block while a query runs.
    await tx.execute(
      sql.raw(`CREATE TABLE IF NOT EXISTS amc_sandbox.execution_cancellations (
        execution_id text PRIMARY KEY,
        requested_at timestamptz NOT NULL)`),
    );
  });
  await ensureReaderRole(db);
}

/**
 * The NOLOGIN role sandbox queries run as (SET LOCAL ROLE). Roles are cluster-wide, so parallel
 * test databases race to create it: a duplicate is fine. It gets no privilege on amc_sandbox;
 * the runner grants SELECT on the per-run temp views only, so the window cannot be bypassed.
 * Without CREATEROLE this fails quietly and the runner falls back to a read-only transaction.
 */
async function ensureReaderRole(db: Database): Promise<void> {
  await db.execute(
    sql.raw(`DO $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${SANDBOX_READER_ROLE}') THEN
        BEGIN
          CREATE ROLE ${SANDBOX_READER_ROLE} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
        EXCEPTION
          WHEN duplicate_object OR unique_violation THEN NULL;
          WHEN insufficient_privilege THEN NULL;
        END;
      END IF;
      -- A CREATEROLE (non-superuser) owner needs membership to SET ROLE to it.
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${SANDBOX_READER_ROLE}')
         AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
         AND NOT pg_has_role(current_user, '${SANDBOX_READER_ROLE}', 'MEMBER') THEN
        BEGIN
          EXECUTE format('GRANT ${SANDBOX_READER_ROLE} TO %I', current_user);
        EXCEPTION WHEN OTHERS THEN NULL;
        END;
      END IF;
    END $$`),
  );
}
