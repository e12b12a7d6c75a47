-- Words written in the clear before words were sealed cannot be counted or shown beside sealed
-- ones; they are dropped rather than left readable (check-out colours and answers' colours stay).
DELETE FROM "check_out_words";--> statement-breakpoint
UPDATE "check_in_answers" SET "word" = '';--> statement-breakpoint
UPDATE "reports" SET "note" = '';--> statement-breakpoint
ALTER TABLE "check_out_words" DROP CONSTRAINT "check_out_words_session_id_word_pk";--> statement-breakpoint
ALTER TABLE "check_in_answers" ADD COLUMN "id" uuid DEFAULT gen_random_uuid() NOT NULL;--> statement-breakpoint
ALTER TABLE "check_out_words" ADD COLUMN "id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL;--> statement-breakpoint
ALTER TABLE "check_out_words" ADD COLUMN "word_key" text NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "check_out_words_session_word_key" ON "check_out_words" USING btree ("session_id","word_key");--> statement-breakpoint
ALTER TABLE "check_in_answers" ADD CONSTRAINT "check_in_answers_id_unique" UNIQUE("id");