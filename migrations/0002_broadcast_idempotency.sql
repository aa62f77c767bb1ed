ALTER TABLE `broadcasts` ADD `idempotency_key` text;--> statement-breakpoint
ALTER TABLE `broadcasts` ADD `request_hash` text;--> statement-breakpoint
CREATE UNIQUE INDEX `broadcasts_campaign_idempotency_unique` ON `broadcasts` (`campaign_id`,`idempotency_key`);