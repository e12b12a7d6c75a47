ALTER TABLE "sessions" ADD COLUMN "purged_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "sessions_unpurged_closed_idx" ON "sessions" USING btree ("closed_at") WHERE "sessions"."status" = 'closed' and "sessions"."purged_at" is null;--> statement-breakpoint
CREATE OR REPLACE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- The one change allowed: erasing an account blanks the names it held; nothing else moves.
  IF TG_OP = 'UPDATE'
    AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.group_id = OLD.group_id
    AND NEW.session_id IS NOT DISTINCT FROM OLD.session_id
    AND NEW.actor_account_id = OLD.actor_account_id
    AND NEW.action = OLD.action
    AND NEW.target_id IS NOT DISTINCT FROM OLD.target_id
    AND NEW.reason = OLD.reason
    AND (NEW.actor_name = OLD.actor_name OR NEW.actor_name = '')
    AND (NEW.target IS NOT DISTINCT FROM OLD.target OR NEW.target = '')
  THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'the audit log cannot be changed';
END;
$$;
