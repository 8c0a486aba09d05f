-- Fund mechanics since 2025: staking income and distributions are terms of their own in the split of
-- every AUM change, never hidden in "other" (docs/method.md). Existing rows had neither: 0.

-- income_effect_usd: staking rewards retained, at the day's close (cents, >= 0);
-- distribution_effect_usd: value paid out to shareholders on the ex-date (cents, <= 0);
-- the coins each moved, at the asset's precision.
ALTER TABLE fund_days ADD COLUMN income_effect_usd INTEGER NOT NULL DEFAULT 0;
ALTER TABLE fund_days ADD COLUMN distribution_effect_usd INTEGER NOT NULL DEFAULT 0;
ALTER TABLE fund_days ADD COLUMN income_units TEXT NOT NULL DEFAULT '0';
ALTER TABLE fund_days ADD COLUMN distribution_units TEXT NOT NULL DEFAULT '0';

-- Group sums of the two terms, like every other aggregate column.
ALTER TABLE aggregate_days ADD COLUMN income_effect_usd INTEGER NOT NULL DEFAULT 0;
ALTER TABLE aggregate_days ADD COLUMN distribution_effect_usd INTEGER NOT NULL DEFAULT 0;

-- What a fund does with its staking rewards: none | retained (they raise units) | distributed (paid
-- out) | mixed; NULL when not known.
ALTER TABLE funds ADD COLUMN staking_policy TEXT;

-- A fee change's waiver: a lower fee until a date and/or on the first US$ of assets, as JSON
-- {"fee_bps", "until", "up_to_usd"}; NULL without one.
ALTER TABLE corporate_actions ADD COLUMN waiver TEXT;
