/**
 * Campaigns: create, read, list, PATCH (settings, variants, questions,
 * status), delete drafts, and the public view by slug.
 * @see /work/shared/DOMAIN.md "Campaign", "Variant"
 */
export { createCampaign, deleteCampaign } from "./create";
export { findCampaign, getCampaign, getPublicCampaign, listCampaigns } from "./read";
export * from "./responses";
export * from "./schemas";
export { allowedTransitions } from "./status";
export { updateCampaign } from "./update";
export {
  type CampaignBundle,
  campaignToWire,
  publicCampaignToWire,
  summaryToWire,
  variantToWire,
} from "./wire";
