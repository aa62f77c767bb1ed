-- The per-customer cap no longer lets an unproven order block a proven one.
--
-- Before: the cap summed every live order of an email, pending_verification
-- included, so anyone could place an unproven order in someone else's name
-- and the real owner's proven order (status token, personal invite) was then
-- refused with limit_exceeded until the stranger's hold ran out.
--
-- Now:
-- * an unproven order (pending_verification) must fit with all live orders of
--   its email, as before: made-up orders still cannot hold more than the cap;
-- * a proven order (inserted as reserved) must fit with the email's proven
--   orders only (reserved, confirmed, fulfilled);
-- * confirming an unproven order (pending_verification -> reserved) must fit
--   with the proven orders too, so the cap holds for what the owner really
--   bought whichever order was proven first.
-- Same abort message as before ('limit_exceeded', src/db/schema/enums.ts).
-- @see 0001_triggers.sql (trigger 1, which this replaces)
DROP TRIGGER IF EXISTS `preorder_items_per_customer_limit`;
--> statement-breakpoint
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
      AND (p.`status` IN ('reserved', 'confirmed', 'fulfilled')
        OR (o.`status` = 'pending_verification' AND p.`status` = 'pending_verification'))
  ) > (SELECT `per_customer_limit` FROM `variants` WHERE `id` = NEW.`variant_id`);
END;
--> statement-breakpoint
CREATE TRIGGER `preorders_verified_per_customer_limit`
AFTER UPDATE OF `status` ON `preorders`
FOR EACH ROW
WHEN OLD.`status` = 'pending_verification' AND NEW.`status` = 'reserved'
BEGIN
  SELECT RAISE(ABORT, 'limit_exceeded')
  FROM `preorder_items` AS n
  JOIN `variants` AS v ON v.`id` = n.`variant_id`
  WHERE n.`preorder_id` = NEW.`id`
    AND v.`per_customer_limit` IS NOT NULL
    AND (
      SELECT coalesce(sum(i.`quantity`), 0)
      FROM `preorders` AS p
      JOIN `preorder_items` AS i ON i.`preorder_id` = p.`id` AND i.`variant_id` = n.`variant_id`
      WHERE p.`campaign_id` = NEW.`campaign_id`
        AND p.`email_normalized` = NEW.`email_normalized`
        AND p.`status` IN ('reserved', 'confirmed', 'fulfilled')
    ) > v.`per_customer_limit`;
END;
