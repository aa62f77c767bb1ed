/**
 * Targeting (DOMAIN.md "Signup": audience). Someone outside the campaign's
 * audience is accepted with exactly the same reply, and stored with
 * `audience = 'outside_audience'`: never ranked or invited unless an admin
 * moves them in. The rules combine with AND: blocked domains, then allowed
 * domains, then countries, then the allow-list.
 */
import type { AudienceRules, AudienceState, ConsentSource } from "../../db/schema";

export interface AudienceFacts {
  /** Lower-case ASCII email domain. */
  domain: string;
  /** ISO 3166-1 alpha-2 from Cloudflare, or null when unknown. */
  country: string | null;
  /** `import` rows come from the allow-list itself. */
  source: ConsentSource;
}

/** True when `domain` is `rule` or a subdomain of it. */
const domainMatches = (domain: string, rule: string) =>
  domain === rule || domain.endsWith(`.${rule}`);

export function audienceFor(rules: AudienceRules, facts: AudienceFacts): AudienceState {
  const domain = facts.domain.toLowerCase();
  if (rules.blockedDomains?.some((r) => domainMatches(domain, r.toLowerCase()))) {
    return "outside_audience";
  }
  if (
    rules.allowedDomains?.length &&
    !rules.allowedDomains.some((r) => domainMatches(domain, r.toLowerCase()))
  ) {
    return "outside_audience";
  }
  // An unknown country cannot be shown to be inside a country rule.
  if (rules.countries?.length) {
    const country = facts.country?.toUpperCase();
    if (!country || !rules.countries.includes(country)) return "outside_audience";
  }
  // allow_list_only: only imported people are inside. A listed person who
  // signs up again is a known address and keeps their imported row.
  if (rules.allowListOnly && facts.source !== "import") return "outside_audience";
  return "inside";
}
