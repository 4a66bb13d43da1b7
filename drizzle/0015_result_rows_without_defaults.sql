-- Issue 13: the ingest now puts result_key,row_no in front of every CSV record it streams to COPY;
-- the defaults that numbered rows from transaction settings cost COPY a sequence call and a
-- setting lookup per row (3.5-4.2 s against 2.0-2.5 s for 1,000,000 rows) and are dropped.
ALTER TABLE "execution_result_rows" ALTER COLUMN "result_key" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "execution_result_rows" ALTER COLUMN "row_no" DROP DEFAULT;