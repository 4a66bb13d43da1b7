CREATE SEQUENCE "public"."execution_result_key_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "execution_result_orders" (
	"result_key" bigint NOT NULL,
	"column_no" integer NOT NULL,
	"pos" integer NOT NULL,
	"row_no" integer NOT NULL,
	CONSTRAINT "execution_result_orders_pkey" PRIMARY KEY("result_key","column_no","pos")
);
--> statement-breakpoint
CREATE TABLE "execution_result_rows" (
	"result_key" bigint DEFAULT current_setting('amc.ingest_result_key')::bigint NOT NULL,
	"row_no" integer DEFAULT nextval(current_setting('amc.ingest_row_seq')::oid::regclass) NOT NULL,
	"d1" date,
	"d2" date,
	"d3" date,
	"d4" date,
	"d5" date,
	"d6" date,
	"d7" date,
	"d8" date,
	"i1" bigint,
	"i2" bigint,
	"i3" bigint,
	"i4" bigint,
	"i5" bigint,
	"i6" bigint,
	"i7" bigint,
	"i8" bigint,
	"i9" bigint,
	"i10" bigint,
	"i11" bigint,
	"i12" bigint,
	"i13" bigint,
	"i14" bigint,
	"i15" bigint,
	"i16" bigint,
	"i17" bigint,
	"i18" bigint,
	"i19" bigint,
	"i20" bigint,
	"i21" bigint,
	"i22" bigint,
	"i23" bigint,
	"i24" bigint,
	"n1" numeric,
	"n2" numeric,
	"n3" numeric,
	"n4" numeric,
	"n5" numeric,
	"n6" numeric,
	"n7" numeric,
	"n8" numeric,
	"n9" numeric,
	"n10" numeric,
	"n11" numeric,
	"n12" numeric,
	"n13" numeric,
	"n14" numeric,
	"n15" numeric,
	"n16" numeric,
	"n17" numeric,
	"n18" numeric,
	"n19" numeric,
	"n20" numeric,
	"n21" numeric,
	"n22" numeric,
	"n23" numeric,
	"n24" numeric,
	"t1" text,
	"t2" text,
	"t3" text,
	"t4" text,
	"t5" text,
	"t6" text,
	"t7" text,
	"t8" text,
	"t9" text,
	"t10" text,
	"t11" text,
	"t12" text,
	"t13" text,
	"t14" text,
	"t15" text,
	"t16" text,
	"t17" text,
	"t18" text,
	"t19" text,
	"t20" text,
	"t21" text,
	"t22" text,
	"t23" text,
	"t24" text,
	"t25" text,
	"t26" text,
	"t27" text,
	"t28" text,
	"t29" text,
	"t30" text,
	"t31" text,
	"t32" text,
	"extra" text[],
	CONSTRAINT "execution_result_rows_pkey" PRIMARY KEY("result_key","row_no")
);
--> statement-breakpoint
CREATE TABLE "result_rollups" (
	"spec" text NOT NULL,
	"result_key" bigint NOT NULL,
	"group_no" integer NOT NULL,
	"x" text,
	"s" text,
	"sums" numeric[] NOT NULL,
	"counts" bigint[] NOT NULL,
	"maxes" numeric[] NOT NULL,
	CONSTRAINT "result_rollups_pkey" PRIMARY KEY("spec","result_key","group_no")
);
--> statement-breakpoint
CREATE TABLE "result_rollups_done" (
	"spec" text NOT NULL,
	"result_key" bigint NOT NULL,
	CONSTRAINT "result_rollups_done_pkey" PRIMARY KEY("spec","result_key")
);
--> statement-breakpoint
ALTER TABLE "execution_results" ADD COLUMN "result_key" bigint DEFAULT nextval('execution_result_key_seq') NOT NULL;--> statement-breakpoint
ALTER TABLE "execution_results" ADD COLUMN "column_slots" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "execution_results" ADD COLUMN "ingest_path" text;--> statement-breakpoint
ALTER TABLE "execution_results" ADD COLUMN "expired_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "idx_execution_results_retention" ON "execution_results" USING btree ("window_end") WHERE expired_at IS NULL;--> statement-breakpoint
ALTER TABLE "execution_results" ADD CONSTRAINT "execution_results_result_key_key" UNIQUE("result_key");--> statement-breakpoint
-- ---- custom SQL (issue 13) -------------------------------------------------------------------
-- execution_result_rows, _orders and result_rollups(_done) hang off execution_results by
-- result_key without foreign keys (a per-row FK check costs COPY a third of its speed); this
-- statement trigger removes them with their result, whichever way the result goes (a re-ingest,
-- retention, an execution or report deleted by cascade).
CREATE OR REPLACE FUNCTION execution_results_remove_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM execution_result_rows r USING old_results o WHERE r.result_key = o.result_key;
  DELETE FROM execution_result_orders r USING old_results o WHERE r.result_key = o.result_key;
  DELETE FROM result_rollups r USING old_results o WHERE r.result_key = o.result_key;
  DELETE FROM result_rollups_done r USING old_results o WHERE r.result_key = o.result_key;
  RETURN NULL;
END $$;--> statement-breakpoint
DROP TRIGGER IF EXISTS execution_results_remove_rows ON execution_results;--> statement-breakpoint
CREATE TRIGGER execution_results_remove_rows AFTER DELETE ON execution_results
  REFERENCING OLD TABLE AS old_results FOR EACH STATEMENT EXECUTE FUNCTION execution_results_remove_rows();--> statement-breakpoint
-- Existing results move into typed columns with the rules of lib/results/column-types.ts (an
-- integer or decimal only when it prints back as written, a real YYYY-MM-DD date, empty = null)
-- and the slots of db/schema/result-slots.ts (8 dates, 24 integers — then decimals —, 24
-- decimals, 32 texts, the rest in `extra`).
CREATE FUNCTION pg_temp.amc_is_date(v text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF v !~ '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$' OR left(v, 4) = '0000' THEN RETURN false; END IF;
  PERFORM v::date;
  RETURN true;
EXCEPTION WHEN others THEN RETURN false;
END $$;--> statement-breakpoint
DO $$
DECLARE
  res record;
  k int;
  width int;
  cell text;
  t text;
  is_int boolean; is_dec boolean; is_date boolean; any_value boolean;
  used_d int; used_i int; used_n int; used_t int; used_x int;
  slot text;
  slots jsonb;
  sel text[];
  extra_sel text[];
  cols text[];
BEGIN
  FOR res IN SELECT execution_id, result_key, columns FROM execution_results LOOP
    width := jsonb_array_length(res.columns);
    used_d := 0; used_i := 0; used_n := 0; used_t := 0; used_x := 0;
    slots := '[]'::jsonb; sel := '{}'; extra_sel := '{}'; cols := '{}';
    FOR k IN 0 .. width - 1 LOOP
      cell := format('NULLIF(v.cells ->> %s, %L)', k, '');
      EXECUTE format($q$
        SELECT bool_and(c IS NULL OR c ~ '^(0|-?[1-9][0-9]{0,17})$'),
               bool_and(c IS NULL OR (c ~ '^-?(0|[1-9][0-9]{0,30})(\.[0-9]{1,30})?$' AND c !~ '^-0(\.0+)?$')),
               bool_and(c IS NULL OR pg_temp.amc_is_date(c)),
               bool_or(c IS NOT NULL)
        FROM (SELECT %s AS c FROM execution_result_rows_v1 v WHERE v.execution_id = %L) x$q$, cell, res.execution_id)
        INTO is_int, is_dec, is_date, any_value;
      t := CASE WHEN NOT coalesce(any_value, false) THEN 'text'
                WHEN is_date THEN 'date' WHEN is_int THEN 'integer' WHEN is_dec THEN 'decimal' ELSE 'text' END;
      slot := NULL;
      IF t = 'integer' THEN
        IF used_i < 24 THEN used_i := used_i + 1; slot := 'i' || used_i;
        ELSIF used_n < 24 THEN used_n := used_n + 1; slot := 'n' || used_n; END IF;
      ELSIF t = 'decimal' AND used_n < 24 THEN used_n := used_n + 1; slot := 'n' || used_n;
      ELSIF t = 'date' AND used_d < 8 THEN used_d := used_d + 1; slot := 'd' || used_d;
      END IF;
      IF slot IS NULL THEN
        t := 'text';
        IF used_t < 32 THEN used_t := used_t + 1; slot := 't' || used_t;
        ELSE used_x := used_x + 1; slot := 'x' || used_x; END IF;
      END IF;
      slots := slots || jsonb_build_array(jsonb_build_object('type', t, 'slot', slot));
      IF left(slot, 1) = 'x' THEN
        extra_sel := extra_sel || cell;
      ELSE
        cols := cols || quote_ident(slot);
        sel := sel || (cell || CASE t WHEN 'date' THEN '::date' WHEN 'integer' THEN '::int8' WHEN 'decimal' THEN '::numeric' ELSE '' END);
      END IF;
    END LOOP;
    IF array_length(extra_sel, 1) > 0 THEN
      cols := cols || 'extra'::text;
      sel := sel || ('ARRAY[' || array_to_string(extra_sel, ', ') || ']');
    END IF;
    EXECUTE format('INSERT INTO execution_result_rows (result_key, row_no%s) SELECT %s, v.row_no%s FROM execution_result_rows_v1 v WHERE v.execution_id = %L',
                   CASE WHEN array_length(cols, 1) > 0 THEN ', ' || array_to_string(cols, ', ') ELSE '' END,
                   res.result_key,
                   CASE WHEN array_length(sel, 1) > 0 THEN ', ' || array_to_string(sel, ', ') ELSE '' END,
                   res.execution_id);
    UPDATE execution_results SET column_slots = slots, ingest_path = 'migrated' WHERE execution_id = res.execution_id;
  END LOOP;
END $$;--> statement-breakpoint
DROP TABLE "execution_result_rows_v1";
