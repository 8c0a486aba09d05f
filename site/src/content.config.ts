// Prose lives in Markdown: the explainers ("learn") and the methodology. Pages add the live figures.
import { defineCollection } from "astro:content";
import { glob } from "astro/loaders";
import { z } from "astro/zod";

const learn = defineCollection({
  loader: glob({ pattern: "*.md", base: "./src/content/learn" }),
  schema: z.object({
    title: z.string(),
    description: z.string(),
    order: z.number(),
    /** Which live illustration the page shows after the text. */
    illustration: z.enum(["aum-and-flows", "worked-week", "cycles", "fund-mechanics"]),
  }),
});

const pages = defineCollection({
  loader: glob({ pattern: "*.md", base: "./src/content/pages" }),
  schema: z.object({ title: z.string(), description: z.string() }),
});

export const collections = { learn, pages };
