// A stand-in for the real AUM engine, good enough to write development fixtures for the site.
// It follows DOMAIN.md's identity exactly (the "other" effect takes the rounding remainder),
// but it is not the product's engine and nothing in the build imports it.

import { eachDay } from "../../shared/dates.ts";
import { divideRounded, formatDecimal, pow10, unitsTimesPriceUsd, usdToUnits } from "../../shared/decimal.ts";
import type { DayState, Fund } from "../../shared/domain.ts";
import type { FundDayRow } from "../../shared/export.ts";

export interface FixtureFund {
  fund: Fund;
  decimals: number;
  /** Scale-8 closes by date; a date without one is carried forward and flagged stale. */
  prices: Map<string, bigint>;
  flows: Map<string, { cents: bigint; status: "final" | "provisional" }>;
  transfers: Map<string, bigint>;
  openingUnits: bigint;
  isTradingDay: (date: string) => boolean;
}

export function runFund(input: FixtureFund, reportDate: string): FundDayRow[] {
  const { fund, decimals } = input;
  const rows: FundDayRow[] = [];
  let units = input.openingUnits;
  let aum = 0n;
  let cumulative = 0n;
  let lastPrice = latestPriceBefore(input.prices, fund.listed_on);
  let previousPrice = lastPrice ?? 0n;
  const lastDay = fund.delisted_on && fund.delisted_on < reportDate ? fund.delisted_on : reportDate;
  for (const date of eachDay(fund.listed_on, lastDay)) {
    const mark = input.prices.get(date);
    const stale = mark === undefined;
    const price = mark ?? lastPrice ?? 0n;
    lastPrice = price;
    const flow = input.flows.get(date);
    const state: DayState = !input.isTradingDay(date) ? "holiday" : (flow?.status ?? "missing");
    const flowUnits = flow && price > 0n ? usdToUnits(flow.cents, price, decimals) : 0n;
    const feeUnits = divideRounded(units * BigInt(fund.fee_bps), 10_000n * 365n);
    const transfer = input.transfers.get(date) ?? 0n;
    const previousUnits = units;
    units = units + flowUnits + transfer - feeUnits;
    const newAum = unitsTimesPriceUsd(units, decimals, price);
    const market = divideRounded(previousUnits * (price - previousPrice), pow10(decimals + 6));
    const fee = -unitsTimesPriceUsd(feeUnits, decimals, price);
    const flowEffect = flow?.cents ?? 0n;
    const other = newAum - aum - flowEffect - market - fee;
    cumulative += flowEffect;
    rows.push({
      date,
      state,
      price_usd: price > 0n ? formatDecimal(price, 8) : null,
      price_stale: stale,
      units: formatDecimal(units, decimals),
      aum_usd: formatDecimal(newAum, 2),
      net_flow_usd: flow ? formatDecimal(flow.cents, 2) : null,
      flow_effect_usd: flow ? formatDecimal(flow.cents, 2) : null,
      market_effect_usd: formatDecimal(market, 2),
      other_effect_usd: formatDecimal(other, 2),
      fee_effect_usd: formatDecimal(fee, 2),
      residual_units: formatDecimal(0n, decimals),
      transfer_units: formatDecimal(transfer, decimals),
      cumulative_flow_usd: formatDecimal(cumulative, 2),
    });
    aum = newAum;
    previousPrice = price;
  }
  return rows;
}

function latestPriceBefore(prices: Map<string, bigint>, date: string): bigint | undefined {
  let best: string | undefined;
  for (const day of prices.keys()) if (day < date && (best === undefined || day > best)) best = day;
  return best === undefined ? undefined : prices.get(best);
}
