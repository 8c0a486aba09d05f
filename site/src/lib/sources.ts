// Sources by the names their publishers go by: "yahoo" is Yahoo Finance. Unknown names show as given.
const NAMES: Record<string, string> = {
  farside: "Farside",
  yahoo: "Yahoo Finance",
  coingecko: "CoinGecko",
  coinbase: "Coinbase",
  admin: "aumflow's editors",
};

export function sourceName(source: string): string {
  return NAMES[source.toLowerCase()] ?? source;
}

/** "Farside", "Farside and CoinGecko", "Farside, CoinGecko and Yahoo Finance". */
export function sourceList(sources: readonly string[]): string {
  const names = [...new Set(sources.map(sourceName))];
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}
