-- Issue 13 (typed results), step 1 of 2: the JSONB-cells table steps aside under another name so
-- 0014 can create the typed execution_result_rows and move every stored result into it (then
-- drop this one). Its primary key index is renamed too: index names share one namespace.
ALTER TABLE "execution_result_rows" RENAME TO "execution_result_rows_v1";--> statement-breakpoint
ALTER INDEX "execution_result_rows_pkey" RENAME TO "execution_result_rows_v1_pkey";
