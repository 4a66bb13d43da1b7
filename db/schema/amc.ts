import { sql } from "drizzle-orm";
import { boolean, check, index, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { textKey, timestamps, tsDefaultNow, tsz, uuidPk } from "./common";

export const INSTANCE_TYPES = ["STANDARD", "SANDBOX"] as const;
export type InstanceType = (typeof INSTANCE_TYPES)[number];

/** An Amazon Ads (Login with Amazon) connection. Secrets are stored encrypted (lib/crypto). */
export const amcAccounts = pgTable(
  "amc_accounts",
  {
    id: uuidPk(),
    accountId: textKey("amc_accounts", "account_id"),
    accountName: text("account_name").notNull(),
    region: text("region").notNull().default("NA"),
    marketplaceId: text("marketplace_id"),
    /** Amazon-Advertising-API-AdvertiserId header value (the AMC account's entity id). */
    advertiserId: text("advertiser_id"),
    clientId: text("client_id"),
    clientSecretEncrypted: text("client_secret_encrypted"),
    refreshTokenEncrypted: text("refresh_token_encrypted"),
    status: text("status").notNull().default("active"),
    lastError: text("last_error"),
    lastCheckedAt: tsz("last_checked_at"),
    ...timestamps(),
  },
  (t) => [
    check("amc_accounts_region_check", sql`${t.region} IN ('NA', 'EU', 'FE')`),
    check(
      "amc_accounts_status_check",
      sql`${t.status} IN ('active', 'needs_reauthorization', 'disabled')`,
    ),
  ],
);

export const amcInstances = pgTable(
  "amc_instances",
  {
    id: uuidPk(),
    /** The instance id AMC uses in its URLs (e.g. `amcabc123`); never our UUID. */
    instanceId: textKey("amc_instances", "instance_id"),
    instanceName: text("instance_name").notNull(),
    region: text("region").notNull().default("NA"),
    marketplaceId: text("marketplace_id"),
    instanceType: text("instance_type").$type<InstanceType>().notNull().default("STANDARD"),
    accountId: uuid("account_id").references(() => amcAccounts.id, { onDelete: "set null" }),
    isActive: boolean("is_active").notNull().default(true),
    lastSyncedAt: tsz("last_synced_at"),
    /**
     * The app's own demo instance, run on the synthetic sandbox engine (lib/amc/sandbox). Not the
     * same as instance_type SANDBOX: Amazon's sandbox instances are real AMC instances and run at
     * AMC like any other, so which engine runs a query is this flag, never the type.
     */
    isBuiltinSandbox: boolean("is_builtin_sandbox").notNull().default(false),
    /**
     * The IANA zone of the advertiser's non-UTC date columns (event_dt, conversion_event_date,
     * …; amc-data-model.md). A report in another zone gets one more date than its window, so the
     * builder defaults to this zone and warns when it differs. 'UTC' when nobody told us.
     */
    advertiserTimezone: text("advertiser_timezone").notNull().default("UTC"),
    /**
     * When a submit pass last took runs from this instance's queue (the pass's `now`). Passes
     * serve instances least recently served first (never served first of all), so a thousand
     * instances with queues share a pass's slots in turn instead of the same few each time.
     */
    lastSubmitPassAt: tsz("last_submit_pass_at"),
    ...timestamps(),
  },
  (t) => [
    check("amc_instances_instance_type_check", sql`${t.instanceType} IN ('STANDARD', 'SANDBOX')`),
    check("amc_instances_region_check", sql`${t.region} IN ('NA', 'EU', 'FE')`),
    index("idx_amc_instances_account").on(t.accountId),
    // The submit pass's turn order.
    index("idx_amc_instances_submit_turn").on(t.lastSubmitPassAt.asc().nullsFirst(), t.id),
  ],
);

/** `instance_id` of a row that belongs to one AMC instance and goes when the instance goes. */
export const instanceRef = () => uuid("instance_id").references(() => amcInstances.id, { onDelete: "cascade" });

/**
 * Pending "Connect Amazon Ads account" consents: the OAuth `state` we sent, checked and
 * deleted by the callback (CSRF protection that works across servers), expiring in minutes.
 */
export const amcOauthStates = pgTable("amc_oauth_states", {
  state: text("state").primaryKey(),
  userId: uuid("user_id").notNull(),
  region: text("region").notNull().default("NA"),
  createdAt: tsDefaultNow("created_at").notNull(),
  expiresAt: tsz("expires_at").notNull(),
});
