// The weekly reports as an Atom feed (RFC 4287), newest first. Links at the site's own address (relative
// when the build has none); ids are tag URIs, the same whatever the address.
import type { APIRoute } from "astro";
import { absolute, tagId } from "../../lib/address.ts";
import * as f from "../../lib/format.ts";
import { seenAt } from "../../lib/history.ts";
import { loadModel } from "../../lib/model.ts";
import { periodStory } from "../../lib/narrative.ts";

const ENTRIES = 26;

const escapeXml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export const GET: APIRoute = async ({ site }) => {
  const model = await loadModel();
  // When the figures last changed: the end of the day they are as of, or a later restatement's
  // moment. Never the build's own time: a build that changes nothing leaves the feed as it was.
  const changed = model.data.revisions
    .map(seenAt)
    .reduce(
      (latest, seen) => (seen.localeCompare(latest) > 0 ? seen : latest),
      `${model.reportDate ?? "1970-01-01"}T23:59:59Z`,
    );
  const weeks = model.group("total", "all", "week");
  const rows = model.groupRows("total", "all", "week");
  const reported = new Set(model.weeks);
  const entries = weeks
    .map((week, i) => ({ week, indicators: rows[i], latest: i === weeks.length - 1 }))
    .filter(({ week }) => reported.has(week.label))
    .slice(-ENTRIES)
    .reverse()
    .map(({ week, indicators, latest }) => {
      const path = `/weekly/${week.label}/`;
      const url = absolute(path, site);
      // The week still in progress changed when the figures did; a closed week when it ended.
      const updated = latest ? changed : `${week.end}T23:59:59Z`;
      const title = `${f.week(week.label)}: AUM ${f.usd(week.aum)}, net flows ${f.signedUsd(week.flow)}`;
      return `  <entry>
    <title>${escapeXml(title)}</title>
    <link href="${url}"/>
    <id>${tagId(path)}</id>
    <updated>${updated}</updated>
    <summary>${escapeXml(periodStory(week, indicators))}</summary>
  </entry>`;
    });
  const body = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>aumflow weekly reports</title>
  <subtitle>Crypto fund assets under management: how they changed each week, and why.</subtitle>
  <link rel="self" href="${absolute("/weekly/feed.xml", site)}"/>
  <link href="${absolute("/weekly/", site)}"/>
  <id>${tagId("/weekly/")}</id>
  <updated>${changed}</updated>
  <author><name>aumflow</name></author>
${entries.join("\n")}
</feed>
`;
  return new Response(body, { headers: { "content-type": "application/atom+xml; charset=utf-8" } });
};
