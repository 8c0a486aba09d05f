// How the serving stages report: reads under load against /v1/health, the site build against a
// minimal Astro one, and the soak of the product as `npm start` runs it, with the aims judged on them.
import type { ReadFigures } from "./reads.ts";
import type { SiteOutcome } from "./site.ts";
import type { SoakFigures } from "./soak.ts";
import { count, ms, type Row, ratio, type StageReport } from "./stage-report.ts";

export const readsReport: StageReport<ReadFigures> = {
  aims: (reads) => [
    ...reads.reads.map((read) => ({
      name: `read ${read.name} vs health`,
      aim: ">= 0.8",
      value: ratio(read.ratio),
      met: read.ratio >= 0.8,
    })),
    {
      name: "ETag revalidation",
      aim: "304",
      value: String(reads.etag.revalidatedStatus),
      met: reads.etag.revalidatedStatus === 304,
    },
  ],
  rows: (reads) => {
    const health = reads.health;
    const rate = health.reduce((sum, h) => sum + h.requestsPerSecond, 0) / health.length;
    return [
      [
        `GET /v1/health (${reads.connections} conns, ${reads.seconds} s)`,
        `${count(rate)} req/s`,
        `p50 ${ms(health[0]?.p50Ms ?? 0)} p99 ${ms(health[0]?.p99Ms ?? 0)}`,
        "1.00",
      ],
      ...reads.reads.map(
        (read): Row => [
          `GET ${read.name}`,
          `${count(read.requestsPerSecond)} req/s${read.errors ? ` (${read.errors} errors)` : ""}`,
          `p50 ${ms(read.p50Ms)} p99 ${ms(read.p99Ms)}, ${count(read.bodyBytes ?? 0)} B (${count(read.bytesPerAnswer)} B sent)`,
          ratio(read.ratio),
        ],
      ),
      [`ETag → If-None-Match ${reads.etag.path}`, String(reads.etag.revalidatedStatus), "", ""],
    ];
  },
};

export const siteReport: StageReport<SiteOutcome> = {
  aims: (site) =>
    "ratio" in site
      ? [
          {
            name: "site pages/s vs minimal Astro",
            aim: ">= 0.5",
            value: ratio(site.ratio),
            met: site.ratio >= 0.5,
          },
          // The aims are for the full universe; the quick one's figures only show the path works.
          {
            name: "site: full build",
            aim: "< 20 s",
            value: `${site.seconds.toFixed(1)} s`,
            met: site.seconds < 20,
          },
          {
            name: "site: one restated flow, write to site",
            aim: "<= 15 s",
            value: `${site.incremental.restatement.totalSeconds.toFixed(1)} s`,
            met: site.incremental.restatement.totalSeconds <= 15,
          },
        ]
      : [],
  rows: (site) => {
    if (!("ratio" in site)) return [];
    const { unchanged, restatement } = site.incremental;
    const units = (build: typeof unchanged) =>
      `${count(build.rendered)} fund pages/files rendered, ${count(build.kept)} kept, ${count(build.changed)} files changed`;
    return [
      [
        `site build (${count(site.pages)} pages)`,
        `${site.pagesPerSecond.toFixed(1)} pages/s`,
        `minimal Astro ${site.baselinePagesPerSecond.toFixed(1)} pages/s`,
        ratio(site.ratio),
      ],
      [
        `  largest page ${site.largestPage.path}`,
        `${count(site.largestPage.bytes)} B`,
        `gzip ${count(site.largestPage.gzipBytes)} B, brotli ${count(site.largestPage.brotliBytes)} B`,
        "",
      ],
      [
        "  site again, nothing changed",
        `${unchanged.seconds.toFixed(1)} s`,
        units(unchanged),
        `${((unchanged.seconds / site.seconds) * 100).toFixed(0)}% of full`,
      ],
      [
        "  site after one restated flow",
        `${restatement.totalSeconds.toFixed(1)} s write to site`,
        `write ${restatement.writeSeconds.toFixed(1)} s, build ${restatement.seconds.toFixed(1)} s; ${units(restatement)}`,
        `${((restatement.seconds / site.seconds) * 100).toFixed(0)}% of full`,
      ],
    ];
  },
};

export const soakReport: StageReport<SoakFigures> = {
  aims: (soak) => [
    {
      name: "soak: failed answers",
      aim: "0",
      value: String(soak.errors),
      met: soak.errors === 0,
    },
    {
      name: "soak: Worker restarts by rebuilds",
      aim: "0",
      value: String(soak.workerReloads),
      met: soak.workerReloads === 0,
    },
  ],
  rows: (soak) => {
    const load = `load ${soak.loadAverage.start.toFixed(2)}→${soak.loadAverage.end.toFixed(2)}`;
    const kinds: [string, { count: number; errors: number; p50Ms: number; p99Ms: number }][] = [
      [`writes (1 row, ${soak.writesPerSecond}/s)`, soak.writes],
      [
        `batches (${count(soak.batches.count ? soak.batches.rows / soak.batches.count : 0)} rows)`,
        soak.batches,
      ],
      ["reads (API and site pages)", soak.reads],
    ];
    return [
      [
        `soak (${soak.seconds.toFixed(0)} s, demo data, site rebuilding)`,
        `${count(soak.errors)} failed answers`,
        `${soak.siteBuilds} site builds, ${soak.workerReloads} Worker restarts, ${soak.serverRestarts} server restarts`,
        load,
      ],
      ...kinds.map(
        ([name, kind]): Row => [
          `  ${name}`,
          `${count(kind.count)}${kind.errors ? ` (${kind.errors} failed)` : ""}`,
          `p50 ${ms(kind.p50Ms)} p99 ${ms(kind.p99Ms)}`,
          "",
        ],
      ),
      ...soak.memory.map((role): Row => {
        const many = role.processes > 1 ? ` (${role.processes} processes)` : "";
        return [
          `  RSS ${role.role}${many}`,
          `peak ${count(role.peakMb)} MB`,
          `end ${count(role.endMb)} MB`,
          "",
        ];
      }),
      ...Object.entries(soak.failures).map(
        ([what, times]): Row => [`  failed: ${what}`, String(times), "", ""],
      ),
    ];
  },
};
