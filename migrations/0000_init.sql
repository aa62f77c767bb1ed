CREATE TABLE `campaigns` (
	`id` text PRIMARY KEY NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`paused_from_status` text,
	`opens_at` integer,
	`closes_at` integer,
	`published_at` integer,
	`currency` text NOT NULL,
	`default_locale` text DEFAULT 'en' NOT NULL,
	`invite_only` integer DEFAULT false NOT NULL,
	`double_opt_in` integer DEFAULT true NOT NULL,
	`show_remaining` integer DEFAULT true NOT NULL,
	`referral_enabled` integer DEFAULT true NOT NULL,
	`referral_boost_ms` integer DEFAULT 86400000 NOT NULL,
	`referral_invite_quota` integer DEFAULT 0 NOT NULL,
	`referral_milestones` text DEFAULT '[]' NOT NULL,
	`audience_rules` text DEFAULT '{}' NOT NULL,
	`allowed_origins` text DEFAULT '[]' NOT NULL,
	`branding` text DEFAULT '{}' NOT NULL,
	`order_fields` text DEFAULT '[]' NOT NULL,
	`verify_minutes` integer DEFAULT 60 NOT NULL,
	`hold_minutes` integer,
	`backfill_enabled` integer DEFAULT false NOT NULL,
	`backfill_hold_minutes` integer DEFAULT 1440 NOT NULL,
	`cancel_allowed_until` integer,
	`expected_ship_date` text,
	`turnstile_enabled` integer DEFAULT false NOT NULL,
	`turnstile_site_key` text,
	`reminder_after_hours` integer,
	`reminder_max_count` integer DEFAULT 1 NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	CONSTRAINT "campaign_status_valid" CHECK("status" IN ('draft', 'waitlist', 'presale', 'paused', 'closed')),
	CONSTRAINT "campaign_paused_from" CHECK(("status" = 'paused' AND "paused_from_status" IN ('waitlist', 'presale')) OR ("status" <> 'paused' AND "paused_from_status" IS NULL)),
	CONSTRAINT "campaign_dates_order" CHECK("opens_at" IS NULL OR "closes_at" IS NULL OR "closes_at" > "opens_at"),
	CONSTRAINT "campaign_currency_format" CHECK(length("currency") = 3 AND "currency" = upper("currency")),
	CONSTRAINT "campaign_locale_valid" CHECK("default_locale" IN ('en', 'uz')),
	CONSTRAINT "campaign_referral_boost_nonneg" CHECK("referral_boost_ms" >= 0),
	CONSTRAINT "campaign_referral_quota_nonneg" CHECK("referral_invite_quota" >= 0),
	CONSTRAINT "campaign_minutes_positive" CHECK("verify_minutes" > 0 AND "backfill_hold_minutes" > 0 AND ("hold_minutes" IS NULL OR "hold_minutes" > 0)),
	CONSTRAINT "campaign_reminder_valid" CHECK(("reminder_after_hours" IS NULL OR "reminder_after_hours" > 0) AND "reminder_max_count" >= 0),
	CONSTRAINT "campaign_ship_date_format" CHECK("expected_ship_date" IS NULL OR "expected_ship_date" GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
	CONSTRAINT "campaign_turnstile_key" CHECK("turnstile_enabled" = 0 OR "turnstile_site_key" IS NOT NULL)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `campaigns_slug_unique` ON `campaigns` (`slug`);--> statement-breakpoint
CREATE INDEX `campaigns_status_idx` ON `campaigns` (`status`);--> statement-breakpoint
CREATE TABLE `questions` (
	`id` text PRIMARY KEY NOT NULL,
	`campaign_id` text NOT NULL,
	`key` text NOT NULL,
	`label` text NOT NULL,
	`help` text,
	`type` text NOT NULL,
	`required` integer DEFAULT false NOT NULL,
	`options` text,
	`max_length` integer,
	`sort_order` integer DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "question_type_valid" CHECK("type" IN ('text', 'single_choice', 'multi_choice', 'checkbox')),
	CONSTRAINT "question_options_required" CHECK("type" NOT IN ('single_choice', 'multi_choice') OR "options" IS NOT NULL),
	CONSTRAINT "question_max_length_positive" CHECK("max_length" IS NULL OR "max_length" > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `questions_campaign_key_unique` ON `questions` (`campaign_id`,`key`);--> statement-breakpoint
CREATE TABLE `variants` (
	`id` text PRIMARY KEY NOT NULL,
	`campaign_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`price` integer NOT NULL,
	`stock` integer NOT NULL,
	`remaining` integer NOT NULL,
	`per_customer_limit` integer,
	`sort_order` integer DEFAULT 0 NOT NULL,
	`archived_at` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "variant_price_nonneg" CHECK("price" >= 0),
	CONSTRAINT "variant_stock_nonneg" CHECK("stock" >= 0),
	CONSTRAINT "variant_remaining_range" CHECK("remaining" BETWEEN 0 AND "stock"),
	CONSTRAINT "variant_per_customer_limit_positive" CHECK("per_customer_limit" IS NULL OR "per_customer_limit" > 0)
);
--> statement-breakpoint
CREATE INDEX `variants_campaign_sort_idx` ON `variants` (`campaign_id`,`sort_order`);--> statement-breakpoint
CREATE TABLE `outbox_emails` (
	`id` text PRIMARY KEY NOT NULL,
	`campaign_id` text,
	`template` text NOT NULL,
	`category` text NOT NULL,
	`locale` text DEFAULT 'en' NOT NULL,
	`to_email` text,
	`subject` text,
	`payload` text DEFAULT '{}' NOT NULL,
	`dedupe_key` text,
	`status` text DEFAULT 'queued' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`last_error` text,
	`provider_message_id` text,
	`signup_id` text,
	`preorder_id` text,
	`member_id` text,
	`job_id` text,
	`erased` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`sent_at` integer,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`signup_id`) REFERENCES `signups`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`preorder_id`) REFERENCES `preorders`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "outbox_status_valid" CHECK("status" IN ('queued', 'sending', 'sent', 'failed', 'suppressed')),
	CONSTRAINT "outbox_category_valid" CHECK("category" IN ('transactional', 'list')),
	CONSTRAINT "outbox_locale_valid" CHECK("locale" IN ('en', 'uz')),
	CONSTRAINT "outbox_attempts_nonneg" CHECK("attempts" >= 0),
	CONSTRAINT "outbox_to_email_present" CHECK("erased" = 1 OR "to_email" IS NOT NULL)
);
--> statement-breakpoint
CREATE INDEX `outbox_status_next_attempt_idx` ON `outbox_emails` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_dedupe_key_unique` ON `outbox_emails` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `outbox_campaign_created_idx` ON `outbox_emails` (`campaign_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `outbox_created_idx` ON `outbox_emails` (`created_at`);--> statement-breakpoint
CREATE INDEX `outbox_signup_idx` ON `outbox_emails` (`signup_id`);--> statement-breakpoint
CREATE INDEX `outbox_preorder_idx` ON `outbox_emails` (`preorder_id`);--> statement-breakpoint
CREATE TABLE `suppressions` (
	`id` text PRIMARY KEY NOT NULL,
	`email_normalized` text NOT NULL,
	`reason` text NOT NULL,
	`source_event_id` text,
	`note` text,
	`created_by` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	CONSTRAINT "suppression_reason_valid" CHECK("reason" IN ('bounce', 'complaint', 'manual'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `suppressions_email_unique` ON `suppressions` (`email_normalized`);--> statement-breakpoint
CREATE INDEX `suppressions_created_idx` ON `suppressions` (`created_at`);--> statement-breakpoint
CREATE TABLE `webhook_events` (
	`svix_id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`received_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webhook_events_received_idx` ON `webhook_events` (`received_at`);--> statement-breakpoint
CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`key_hash` text NOT NULL,
	`prefix` text NOT NULL,
	`role` text NOT NULL,
	`created_by` text,
	`last_used_at` integer,
	`expires_at` integer,
	`revoked_at` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	CONSTRAINT "api_key_role_valid" CHECK("role" IN ('owner', 'editor', 'viewer'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_key_hash_unique` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` text PRIMARY KEY NOT NULL,
	`actor_type` text NOT NULL,
	`actor_id` text,
	`action` text NOT NULL,
	`target_type` text NOT NULL,
	`target_id` text,
	`campaign_id` text,
	`changes` text,
	`ip_hmac` text,
	`request_id` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	CONSTRAINT "audit_actor_type_valid" CHECK("actor_type" IN ('admin_token', 'api_key', 'member', 'system', 'customer'))
);
--> statement-breakpoint
CREATE INDEX `audit_log_created_idx` ON `audit_log` (`created_at`);--> statement-breakpoint
CREATE INDEX `audit_log_campaign_created_idx` ON `audit_log` (`campaign_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `audit_log_target_idx` ON `audit_log` (`target_type`,`target_id`);--> statement-breakpoint
CREATE TABLE `job_items` (
	`job_id` text NOT NULL,
	`seq` integer NOT NULL,
	`payload` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`error` text,
	PRIMARY KEY(`job_id`, `seq`),
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "job_item_status_valid" CHECK("status" IN ('pending', 'done', 'failed'))
);
--> statement-breakpoint
CREATE INDEX `job_items_job_status_idx` ON `job_items` (`job_id`,`status`,`seq`);--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`campaign_id` text,
	`status` text DEFAULT 'queued' NOT NULL,
	`total` integer,
	`done` integer DEFAULT 0 NOT NULL,
	`failed` integer DEFAULT 0 NOT NULL,
	`params` text DEFAULT '{}' NOT NULL,
	`state` text,
	`result` text,
	`error` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`locked_until` integer,
	`created_by` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "job_status_valid" CHECK("status" IN ('queued', 'running', 'done', 'failed')),
	CONSTRAINT "job_counts_nonneg" CHECK("done" >= 0 AND "failed" >= 0 AND "attempts" >= 0)
);
--> statement-breakpoint
CREATE INDEX `jobs_campaign_created_idx` ON `jobs` (`campaign_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `jobs_status_updated_idx` ON `jobs` (`status`,`updated_at`);--> statement-breakpoint
CREATE TABLE `login_links` (
	`id` text PRIMARY KEY NOT NULL,
	`member_id` text NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`ip_hmac` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `login_links_member_idx` ON `login_links` (`member_id`);--> statement-breakpoint
CREATE INDEX `login_links_expires_idx` ON `login_links` (`expires_at`);--> statement-breakpoint
CREATE TABLE `member_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`member_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`csrf_hash` text NOT NULL,
	`expires_at` integer NOT NULL,
	`last_seen_at` integer,
	`ip_hmac` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `member_sessions_token_hash_unique` ON `member_sessions` (`token_hash`);--> statement-breakpoint
CREATE INDEX `member_sessions_member_idx` ON `member_sessions` (`member_id`);--> statement-breakpoint
CREATE INDEX `member_sessions_expires_idx` ON `member_sessions` (`expires_at`);--> statement-breakpoint
CREATE TABLE `members` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`name` text,
	`role` text NOT NULL,
	`disabled_at` integer,
	`last_login_at` integer,
	`created_by` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	CONSTRAINT "member_role_valid" CHECK("role" IN ('owner', 'editor', 'viewer'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `members_email_unique` ON `members` (`email`);--> statement-breakpoint
CREATE TABLE `rate_counters` (
	`key` text NOT NULL,
	`window_start` integer NOT NULL,
	`count` integer DEFAULT 0 NOT NULL,
	`expires_at` integer NOT NULL,
	PRIMARY KEY(`key`, `window_start`),
	CONSTRAINT "rate_counter_count_nonneg" CHECK("count" >= 0)
);
--> statement-breakpoint
CREATE INDEX `rate_counters_expires_idx` ON `rate_counters` (`expires_at`);--> statement-breakpoint
CREATE TABLE `holds` (
	`id` text PRIMARY KEY NOT NULL,
	`campaign_id` text NOT NULL,
	`variant_id` text NOT NULL,
	`signup_id` text NOT NULL,
	`quantity` integer NOT NULL,
	`status` text DEFAULT 'held' NOT NULL,
	`expires_at` integer NOT NULL,
	`source_preorder_id` text,
	`preorder_id` text,
	`claimed_at` integer,
	`released_at` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`variant_id`) REFERENCES `variants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`signup_id`) REFERENCES `signups`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`source_preorder_id`) REFERENCES `preorders`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`preorder_id`) REFERENCES `preorders`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "hold_status_valid" CHECK("status" IN ('held', 'claimed', 'released')),
	CONSTRAINT "hold_quantity_positive" CHECK("quantity" > 0)
);
--> statement-breakpoint
CREATE INDEX `holds_status_expires_idx` ON `holds` (`status`,`expires_at`);--> statement-breakpoint
CREATE INDEX `holds_signup_variant_idx` ON `holds` (`signup_id`,`variant_id`);--> statement-breakpoint
CREATE INDEX `holds_variant_status_idx` ON `holds` (`variant_id`,`status`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`scope` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`status` text DEFAULT 'in_flight' NOT NULL,
	`locked_until` integer,
	`response_status` integer,
	`response_body` text,
	`response_headers` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`expires_at` integer NOT NULL,
	PRIMARY KEY(`scope`, `key`),
	CONSTRAINT "idempotency_status_valid" CHECK("status" IN ('in_flight', 'done')),
	CONSTRAINT "idempotency_done_has_response" CHECK("status" <> 'done' OR "response_status" IS NOT NULL)
);
--> statement-breakpoint
CREATE INDEX `idempotency_keys_expires_idx` ON `idempotency_keys` (`expires_at`);--> statement-breakpoint
CREATE TABLE `invite_redemptions` (
	`id` text PRIMARY KEY NOT NULL,
	`invite_id` text NOT NULL,
	`preorder_id` text NOT NULL,
	`email_normalized` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`released_at` integer,
	FOREIGN KEY (`invite_id`) REFERENCES `invite_codes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`preorder_id`) REFERENCES `preorders`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invite_redemptions_invite_order_unique` ON `invite_redemptions` (`invite_id`,`preorder_id`);--> statement-breakpoint
CREATE INDEX `invite_redemptions_invite_email_idx` ON `invite_redemptions` (`invite_id`,`email_normalized`);--> statement-breakpoint
CREATE INDEX `invite_redemptions_preorder_idx` ON `invite_redemptions` (`preorder_id`);--> statement-breakpoint
CREATE TABLE `preorder_items` (
	`id` text PRIMARY KEY NOT NULL,
	`preorder_id` text NOT NULL,
	`variant_id` text NOT NULL,
	`quantity` integer NOT NULL,
	`unit_price` integer NOT NULL,
	`variant_name` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`preorder_id`) REFERENCES `preorders`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`variant_id`) REFERENCES `variants`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "preorder_item_quantity_positive" CHECK("quantity" > 0),
	CONSTRAINT "preorder_item_unit_price_nonneg" CHECK("unit_price" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `preorder_items_order_variant_unique` ON `preorder_items` (`preorder_id`,`variant_id`);--> statement-breakpoint
CREATE INDEX `preorder_items_variant_idx` ON `preorder_items` (`variant_id`);--> statement-breakpoint
CREATE TABLE `preorders` (
	`id` text PRIMARY KEY NOT NULL,
	`campaign_id` text NOT NULL,
	`signup_id` text,
	`email` text,
	`email_normalized` text,
	`name` text,
	`locale` text DEFAULT 'en' NOT NULL,
	`status` text NOT NULL,
	`total` integer NOT NULL,
	`currency` text NOT NULL,
	`invite_id` text,
	`fields` text DEFAULT '{}' NOT NULL,
	`token_version` integer DEFAULT 1 NOT NULL,
	`hold_expires_at` integer,
	`verified_at` integer,
	`confirmed_at` integer,
	`fulfilled_at` integer,
	`cancelled_at` integer,
	`cancelled_by` text,
	`cancel_reason` text,
	`expired_at` integer,
	`ip_hmac` text,
	`erased_at` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`signup_id`) REFERENCES `signups`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`invite_id`) REFERENCES `invite_codes`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "preorder_status_valid" CHECK("status" IN ('pending_verification', 'reserved', 'confirmed', 'fulfilled', 'cancelled', 'expired')),
	CONSTRAINT "preorder_locale_valid" CHECK("locale" IN ('en', 'uz')),
	CONSTRAINT "preorder_total_nonneg" CHECK("total" >= 0),
	CONSTRAINT "preorder_email_present" CHECK("erased_at" IS NOT NULL OR ("email" IS NOT NULL AND "email_normalized" IS NOT NULL)),
	CONSTRAINT "preorder_pending_expires" CHECK("status" <> 'pending_verification' OR "hold_expires_at" IS NOT NULL),
	CONSTRAINT "preorder_cancelled_fields" CHECK("status" <> 'cancelled' OR ("cancelled_at" IS NOT NULL AND "cancelled_by" IN ('customer', 'admin')))
);
--> statement-breakpoint
CREATE INDEX `preorders_campaign_status_created_idx` ON `preorders` (`campaign_id`,`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `preorders_campaign_email_idx` ON `preorders` (`campaign_id`,`email_normalized`);--> statement-breakpoint
CREATE INDEX `preorders_signup_idx` ON `preorders` (`signup_id`);--> statement-breakpoint
CREATE INDEX `preorders_status_hold_expires_idx` ON `preorders` (`status`,`hold_expires_at`);--> statement-breakpoint
CREATE TABLE `invite_codes` (
	`id` text PRIMARY KEY NOT NULL,
	`campaign_id` text NOT NULL,
	`kind` text NOT NULL,
	`signup_id` text,
	`issued_to_signup_id` text,
	`code_hash` text NOT NULL,
	`code_hint` text NOT NULL,
	`label` text,
	`max_uses` integer DEFAULT 1 NOT NULL,
	`uses` integer DEFAULT 0 NOT NULL,
	`per_email_limit` integer,
	`expires_at` integer,
	`revoked_at` integer,
	`token_version` integer DEFAULT 1 NOT NULL,
	`job_id` text,
	`created_by` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`signup_id`) REFERENCES `signups`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`issued_to_signup_id`) REFERENCES `signups`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "invite_kind_valid" CHECK("kind" IN ('personal', 'shared')),
	CONSTRAINT "invite_uses_range" CHECK("uses" BETWEEN 0 AND "max_uses"),
	CONSTRAINT "invite_max_uses_positive" CHECK("max_uses" >= 1),
	CONSTRAINT "invite_personal_shape" CHECK("kind" <> 'personal' OR ("signup_id" IS NOT NULL AND "max_uses" = 1 AND "per_email_limit" IS NULL)),
	CONSTRAINT "invite_shared_shape" CHECK("kind" <> 'shared' OR "signup_id" IS NULL),
	CONSTRAINT "invite_per_email_limit_positive" CHECK("per_email_limit" IS NULL OR "per_email_limit" > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invite_codes_code_hash_unique` ON `invite_codes` (`code_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `invite_codes_personal_signup_unique` ON `invite_codes` (`signup_id`) WHERE "kind" = 'personal';--> statement-breakpoint
CREATE INDEX `invite_codes_campaign_kind_created_idx` ON `invite_codes` (`campaign_id`,`kind`,`created_at`);--> statement-breakpoint
CREATE INDEX `invite_codes_issued_to_idx` ON `invite_codes` (`issued_to_signup_id`);--> statement-breakpoint
CREATE INDEX `invite_codes_job_idx` ON `invite_codes` (`job_id`);--> statement-breakpoint
CREATE TABLE `signups` (
	`id` text PRIMARY KEY NOT NULL,
	`campaign_id` text NOT NULL,
	`email` text,
	`email_normalized` text,
	`name` text,
	`locale` text DEFAULT 'en' NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`confirmed_at` integer,
	`review` text DEFAULT 'ok' NOT NULL,
	`review_reason` text,
	`reviewed_at` integer,
	`audience` text DEFAULT 'inside' NOT NULL,
	`unsubscribed_at` integer,
	`erased_at` integer,
	`referral_code` text NOT NULL,
	`referred_by_signup_id` text,
	`referral_credited_at` integer,
	`verified_referrals` integer DEFAULT 0 NOT NULL,
	`score` integer NOT NULL,
	`rank_eligible` integer GENERATED ALWAYS AS (status = 'confirmed' AND review = 'ok' AND audience = 'inside' AND invited_at IS NULL AND erased_at IS NULL) VIRTUAL,
	`invited_at` integer,
	`token_version` integer DEFAULT 1 NOT NULL,
	`answers` text DEFAULT '{}' NOT NULL,
	`consent_at` integer NOT NULL,
	`consent_form_version` text,
	`consent_locale` text,
	`consent_source` text DEFAULT 'form' NOT NULL,
	`ip_hmac` text,
	`utm_source` text,
	`utm_medium` text,
	`utm_campaign` text,
	`utm_term` text,
	`utm_content` text,
	`referrer` text,
	`landing_url` text,
	`country` text,
	`last_status_email_at` integer,
	`reminder_count` integer DEFAULT 0 NOT NULL,
	`last_reminder_at` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`referred_by_signup_id`) REFERENCES `signups`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "signup_status_valid" CHECK("status" IN ('pending', 'confirmed')),
	CONSTRAINT "signup_review_valid" CHECK("review" IN ('ok', 'flagged', 'rejected')),
	CONSTRAINT "signup_audience_valid" CHECK("audience" IN ('inside', 'outside_audience')),
	CONSTRAINT "signup_locale_valid" CHECK("locale" IN ('en', 'uz')),
	CONSTRAINT "signup_consent_source_valid" CHECK("consent_source" IN ('form', 'import')),
	CONSTRAINT "signup_consent_locale_valid" CHECK("consent_locale" IS NULL OR "consent_locale" IN ('en', 'uz')),
	CONSTRAINT "signup_email_present" CHECK("erased_at" IS NOT NULL OR ("email" IS NOT NULL AND "email_normalized" IS NOT NULL)),
	CONSTRAINT "signup_confirmed_at" CHECK("status" <> 'confirmed' OR "confirmed_at" IS NOT NULL),
	CONSTRAINT "signup_counts_nonneg" CHECK("verified_referrals" >= 0 AND "reminder_count" >= 0),
	CONSTRAINT "signup_not_self_referred" CHECK("referred_by_signup_id" IS NULL OR "referred_by_signup_id" <> "id")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `signups_campaign_email_unique` ON `signups` (`campaign_id`,`email_normalized`);--> statement-breakpoint
CREATE UNIQUE INDEX `signups_campaign_referral_code_unique` ON `signups` (`campaign_id`,`referral_code`);--> statement-breakpoint
CREATE INDEX `signups_rank_idx` ON `signups` (`campaign_id`,`rank_eligible`,`score`,`created_at`);--> statement-breakpoint
CREATE INDEX `signups_campaign_status_created_idx` ON `signups` (`campaign_id`,`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `signups_campaign_created_idx` ON `signups` (`campaign_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `signups_referred_by_idx` ON `signups` (`referred_by_signup_id`);--> statement-breakpoint
CREATE TABLE `broadcasts` (
	`id` text PRIMARY KEY NOT NULL,
	`campaign_id` text NOT NULL,
	`segment` text NOT NULL,
	`subject` text NOT NULL,
	`body` text NOT NULL,
	`job_id` text,
	`recipient_count` integer,
	`created_by` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `broadcasts_campaign_created_idx` ON `broadcasts` (`campaign_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `schedules` (
	`id` text PRIMARY KEY NOT NULL,
	`campaign_id` text NOT NULL,
	`count_per_run` integer NOT NULL,
	`time_of_day` text NOT NULL,
	`time_zone` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`next_run_at` integer,
	`last_run_at` integer,
	`finished_reason` text,
	`created_by` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "schedule_status_valid" CHECK("status" IN ('active', 'paused', 'finished')),
	CONSTRAINT "schedule_count_positive" CHECK("count_per_run" > 0),
	CONSTRAINT "schedule_time_of_day_format" CHECK("time_of_day" GLOB '[0-2][0-9]:[0-5][0-9]' AND substr("time_of_day", 1, 2) < '24'),
	CONSTRAINT "schedule_active_has_next_run" CHECK("status" <> 'active' OR "next_run_at" IS NOT NULL)
);
--> statement-breakpoint
CREATE INDEX `schedules_status_next_run_idx` ON `schedules` (`status`,`next_run_at`);--> statement-breakpoint
CREATE INDEX `schedules_campaign_idx` ON `schedules` (`campaign_id`);--> statement-breakpoint
CREATE TABLE `wave_members` (
	`wave_id` text NOT NULL,
	`signup_id` text NOT NULL,
	`invite_id` text,
	`position` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	PRIMARY KEY(`wave_id`, `signup_id`),
	FOREIGN KEY (`wave_id`) REFERENCES `waves`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`signup_id`) REFERENCES `signups`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`invite_id`) REFERENCES `invite_codes`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `wave_members_signup_idx` ON `wave_members` (`signup_id`);--> statement-breakpoint
CREATE TABLE `waves` (
	`id` text PRIMARY KEY NOT NULL,
	`campaign_id` text NOT NULL,
	`idempotency_key` text NOT NULL,
	`source` text DEFAULT 'manual' NOT NULL,
	`schedule_id` text,
	`requested_count` integer NOT NULL,
	`invited_count` integer DEFAULT 0 NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`job_id` text,
	`error` text,
	`created_by` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`schedule_id`) REFERENCES `schedules`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "wave_status_valid" CHECK("status" IN ('queued', 'running', 'done', 'failed')),
	CONSTRAINT "wave_source_valid" CHECK("source" IN ('manual', 'schedule', 'backfill')),
	CONSTRAINT "wave_requested_positive" CHECK("requested_count" > 0),
	CONSTRAINT "wave_invited_range" CHECK("invited_count" BETWEEN 0 AND "requested_count")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `waves_campaign_idempotency_unique` ON `waves` (`campaign_id`,`idempotency_key`);--> statement-breakpoint
CREATE INDEX `waves_campaign_created_idx` ON `waves` (`campaign_id`,`created_at`);