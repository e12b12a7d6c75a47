CREATE TABLE "check_out_colours" (
	"session_id" uuid NOT NULL,
	"colour" text NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "check_out_colours_session_id_colour_pk" PRIMARY KEY("session_id","colour")
);
--> statement-breakpoint
CREATE TABLE "check_out_words" (
	"session_id" uuid NOT NULL,
	"word" text NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "check_out_words_session_id_word_pk" PRIMARY KEY("session_id","word")
);
--> statement-breakpoint
ALTER TABLE "check_out_colours" ADD CONSTRAINT "check_out_colours_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "check_out_words" ADD CONSTRAINT "check_out_words_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;