-- Triggers: caps and rules that must hold inside a D1 batch but that a CHECK
-- cannot express, because they span rows or compare old and new values.
-- (Single-row caps are CHECKs in 0000_init.sql: variant_remaining_range,
-- invite_uses_range.)
--
-- Each trigger aborts its statement with a stable message. D1 runs a batch as
-- one transaction, so the abort rolls back the whole batch (order, items,
-- stock, invite use, outbox row). The app maps the message to an API error
-- code: see constraintErrorCodes in src/db/schema/enums.ts.
-- @see /work/shared/DOMAIN.md "Variant", "Invite code", "Pre-order"
--
-- This file is a drizzle-kit custom migration (recorded in meta/_journal.json);
-- drizzle-kit does not model triggers, so later schema changes that rebuild
-- preorders, preorder_items or invite_redemptions (drizzle-kit's __new_ table
-- copy) drop these triggers and must re-create them in a custom migration.

-- 1. Per-customer cap per variant -> 'limit_exceeded'.
-- The quantities of one variant over the live orders (pending_verification,
-- reserved, confirmed, fulfilled) of one normalised email in the campaign must
-- not exceed variants.per_customer_limit (NULL = no cap). Two concurrent orders
-- by one email both pass the app's read; this stops the second inside its
-- batch. AFTER INSERT, so the new line is part of the sum. Items are
-- immutable (trigger 4) and final orders never come back (trigger 3), so
-- checking at insert is enough.
CREATE TRIGGER `preorder_items_per_customer_limit`
AFTER INSERT ON `preorder_items`
FOR EACH ROW
WHEN (SELECT `per_customer_limit` FROM `variants` WHERE `id` = NEW.`variant_id`) IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'limit_exceeded')
  WHERE (
    SELECT coalesce(sum(i.`quantity`), 0)
    FROM `preorders` AS o
    JOIN `preorders` AS p
      ON p.`campaign_id` = o.`campaign_id` AND p.`email_normalized` = o.`email_normalized`
    JOIN `preorder_items` AS i
      ON i.`preorder_id` = p.`id` AND i.`variant_id` = NEW.`variant_id`
    WHERE o.`id` = NEW.`preorder_id`
      AND p.`status` IN ('pending_verification', 'reserved', 'confirmed', 'fulfilled')
  ) > (SELECT `per_customer_limit` FROM `variants` WHERE `id` = NEW.`variant_id`);
END;
--> statement-breakpoint

-- 2. Shared invite code per-email limit -> 'invite_used_up'.
-- A shared code with per_email_limit N may back at most N live (not released)
-- redemptions per normalised email. Total uses are the invite_uses_range CHECK.
-- AFTER INSERT, so the new redemption is part of the count.
CREATE TRIGGER `invite_redemptions_per_email_limit`
AFTER INSERT ON `invite_redemptions`
FOR EACH ROW
WHEN NEW.`released_at` IS NULL
BEGIN
  SELECT RAISE(ABORT, 'invite_used_up')
  WHERE (
    SELECT count(*) FROM `invite_redemptions`
    WHERE `invite_id` = NEW.`invite_id`
      AND `email_normalized` = NEW.`email_normalized`
      AND `released_at` IS NULL
  ) > (SELECT `per_email_limit` FROM `invite_codes` WHERE `id` = NEW.`invite_id`);
END;
--> statement-breakpoint

-- 3. Cancelled and expired orders are final -> 'preorder_final'.
-- Their units and invite use were given back in the batch that ended them;
-- any further status change (a second cancel racing an expiry, an admin
-- "reviving" an order) would return units twice or take them without the
-- stock check. Write the status change unguarded (WHERE id = ?) in the same
-- batch as the stock return, so a lost race aborts the whole batch instead
-- of updating 0 rows while the stock return still runs.
CREATE TRIGGER `preorders_final_status`
BEFORE UPDATE OF `status` ON `preorders`
FOR EACH ROW
WHEN OLD.`status` IN ('cancelled', 'expired') AND NEW.`status` IS NOT OLD.`status`
BEGIN
  SELECT RAISE(ABORT, 'preorder_final');
END;
--> statement-breakpoint

-- 4. Order lines are immutable -> 'preorder_item_immutable'.
-- Prices are copied at order time and never change; quantities and variants
-- only change by cancelling. This also keeps trigger 1 complete (it checks
-- inserts only). variant_name stays editable (erasure/renames don't matter).
CREATE TRIGGER `preorder_items_immutable`
BEFORE UPDATE OF `preorder_id`, `variant_id`, `quantity`, `unit_price` ON `preorder_items`
FOR EACH ROW
WHEN NEW.`preorder_id` IS NOT OLD.`preorder_id` OR NEW.`variant_id` IS NOT OLD.`variant_id`
  OR NEW.`quantity` IS NOT OLD.`quantity` OR NEW.`unit_price` IS NOT OLD.`unit_price`
BEGIN
  SELECT RAISE(ABORT, 'preorder_item_immutable');
END;
